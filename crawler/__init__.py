"""ecomwatch crawler: Scrapy project, items, pipelines and the command line."""

from __future__ import annotations

__version__ = "0.1.0"
