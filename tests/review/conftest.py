"""Review UI fixtures: a migrated, seeded database (SQLite and PostgreSQL) and an HTTP client on it."""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Engine, text
from sqlalchemy.engine import make_url

from review.app import create_app
from review.settings import ReviewSettings
from storage.db import make_engine, upgrade
from tests.review.seed import PASSWORD, Seeded, seed

_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def csrf_of(html: str) -> str:
    match = _CSRF.search(html)
    assert match, "no CSRF token in the page"
    return match.group(1)


def settings_for(url: str, **overrides: object) -> ReviewSettings:
    values: dict[str, object] = {
        "database_url": url,
        "secret_key": "test-secret",
        "upgrade_schema": False,
        "max_failed_logins": 3,
        "lockout": timedelta(minutes=15),
        "tips_per_hour": 3,
    }
    values.update(overrides)
    return ReviewSettings(**values)  # type: ignore[arg-type]


@dataclass
class Env:
    url: str
    engine: Engine
    app: FastAPI
    seeded: Seeded

    def client(self) -> TestClient:
        return TestClient(self.app, follow_redirects=False)

    def login(self, username: str, password: str = PASSWORD) -> tuple[TestClient, str]:
        """A client logged in as ``username`` and its session's CSRF token."""
        client = self.client()
        token = csrf_of(client.get("/login").text)
        response = client.post(
            "/login", data={"username": username, "password": password, "csrf_token": token}
        )
        assert response.status_code == 303, response.text
        page = client.get("/tips" if username != "adm" else "/audit")
        return client, csrf_of(page.text)


def _env(url: str) -> Iterator[Env]:
    engine = make_engine(url)
    upgrade(engine)
    seeded = seed(engine)
    app = create_app(settings_for(url))
    yield Env(url, engine, app, seeded)
    app.state.engine.dispose()
    engine.dispose()


@pytest.fixture
def env(db_url: str) -> Iterator[Env]:
    """A fresh seeded database per test, on SQLite and on PostgreSQL."""
    yield from _env(db_url)


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def shared_env(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Env]:
    """One seeded database per module and dialect, for tests that change nothing (access matrices)."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('review') / 'shared.db'}"
    else:
        database = request.getfixturevalue("pg_database")
        schema = f"review_{uuid.uuid4().hex[:8]}"
        admin = make_engine(database)
        with admin.begin() as conn:
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))
        admin.dispose()
        url = (
            make_url(database)
            .update_query_dict({"options": f"-csearch_path={schema}"})
            .render_as_string(hide_password=False)
        )
    yield from _env(url)
