"""The one place that reads the environment: ``ECOMWATCH_*`` variables.

Everything else asks :func:`get_config` (or receives values from it) so tests can construct
components with plain arguments.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

PACKS_DIR = Path(__file__).resolve().parent.parent / "rules" / "packs"


class Config(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="ECOMWATCH_", extra="ignore")

    database_url: str = Field(default="sqlite:///ecomwatch.db", description="SQLAlchemy URL of the database")
    rules_dir: Path = Field(default=PACKS_DIR, description="directory of YAML rule packs")
    rules_threshold: float | None = Field(
        default=None,
        ge=0,
        le=1,
        description="combined score a category needs to flag (default: the engine's 0.5)",
    )
    evidence_dir: Path = Field(default=Path("evidence"), description="where evidence files are written")
    redis_url: str = Field(default="redis://127.0.0.1:6379/0", description="Redis (not used yet)")
    user_agent: str = Field(
        default="ecomwatch/0.1 (+market surveillance; contact: qltt-angiang@example.invalid)",
        description="User-Agent sent by the crawler",
    )
    backoff_base: float = Field(default=1.0, description="seconds before the first retry of a 429/5xx")
    review_secret: str | None = Field(
        default=None, description="key for hashing tipsters' IPs in the review UI (default: random per start)"
    )
    review_secure_cookies: bool = Field(
        default=False, description="mark review UI cookies Secure (behind HTTPS)"
    )
    review_workers: int = Field(
        default=1, ge=1, le=64, description="server processes of `ecomwatch serve` (one per core, e.g. 2)"
    )
    storage_batch_size: int = Field(
        default=500, description="items buffered before the store pipeline flushes"
    )
    tips_allow_private: bool = Field(
        default=False,
        description="let tip URLs reach loopback/private addresses (tests against local mirrors only)",
    )
    urls_browser: bool = Field(
        default=False, description="the urls spider opens Shopee/Facebook URLs in Chromium"
    )


@lru_cache(maxsize=1)
def get_config() -> Config:
    return Config()
