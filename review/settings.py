"""Settings of the review UI, passed in by whoever builds the app (the CLI's ``serve``, or a test)."""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from datetime import timedelta


@dataclass(frozen=True, slots=True)
class ReviewSettings:
    database_url: str
    # Keys the hash of a tipster's IP address (rate limits); set one so limits survive a restart.
    secret_key: str = field(default_factory=lambda: secrets.token_hex(32))
    # Mark the session cookie Secure: set when the app is served behind HTTPS.
    secure_cookies: bool = False
    idle_timeout: timedelta = timedelta(minutes=30)
    absolute_timeout: timedelta = timedelta(hours=12)
    # Failed logins in a row that lock an account, and for how long.
    max_failed_logins: int = 5
    lockout: timedelta = timedelta(minutes=15)
    # Tips one IP address may submit per hour.
    tips_per_hour: int = 5
    queue_page_size: int = 50
    # Threads (per server process) that run the routes' database and template work; the connection pool
    # is sized from it. Few on purpose: that work is Python under one GIL, so more threads only take
    # turns at it, each hand-over costing time (bench/review.py: 1 thread used ~20 % less CPU per
    # request than 4); the other requests wait in line, first come first served. Two, so that one slow
    # request (an export, the reports' first computation) does not hold up every other one.
    threads: int = 2
    # How long the reports page reuses figures it computed (exports always compute afresh).
    report_cache: timedelta = timedelta(seconds=60)
    # Run migrations on start-up (the CLI does; tests upgrade their own databases).
    upgrade_schema: bool = True


SESSION_COOKIE = "ew_session"
ANON_CSRF_COOKIE = "ew_csrf"
LANG_COOKIE = "ew_lang"
