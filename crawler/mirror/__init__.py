"""The bundled demo marketplace: a local mirror of Tiki's JSON API for tests and ``ecomwatch demo``.

Run it with ``python -m crawler.mirror`` (prints ``MIRROR_URL=http://127.0.0.1:PORT``), or in-process
with :func:`start_mirror`, or as a subprocess with :func:`spawn_mirror_subprocess`. See
``crawler/mirror/README.md`` for what each source serves, its quirks and faults, and
``crawler/mirror/data/README.md`` for the catalogue.
"""

from __future__ import annotations

from crawler.mirror.catalogue import Catalogue, Product, load_catalogue
from crawler.mirror.categories import DEMO_CATEGORY, ROOT_CATEGORY_ID
from crawler.mirror.process import MirrorStartError, spawn_mirror_subprocess, stop_mirror_subprocess
from crawler.mirror.server import MirrorHandle, MirrorOptions, start_mirror

__all__ = [
    "DEMO_CATEGORY",
    "ROOT_CATEGORY_ID",
    "Catalogue",
    "MirrorHandle",
    "MirrorOptions",
    "MirrorStartError",
    "Product",
    "load_catalogue",
    "spawn_mirror_subprocess",
    "start_mirror",
    "stop_mirror_subprocess",
]
