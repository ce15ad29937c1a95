"""``ecomwatch users add``: accounts with argon2id hashes, from a prompt or standard input."""

from __future__ import annotations

from argon2 import PasswordHasher
from sqlalchemy import select
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from crawler.cli import app
from storage.db import make_engine
from storage.models_review import AppUser, AuditLog

runner = CliRunner()


def _users(url: str) -> dict[str, AppUser]:
    engine = make_engine(url)
    with Session(engine) as s:
        users = {u.username: u for u in s.scalars(select(AppUser))}
    engine.dispose()
    return users


def test_add_from_stdin_and_from_the_prompt(db_url: str) -> None:
    result = runner.invoke(
        app, ["--db", db_url, "users", "add", "lan.nguyen", "--role", "inspector", "--password-stdin"],
        input="mật khẩu thật dài\n",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "user lan.nguyen (inspector) created" in result.output
    prompted = runner.invoke(
        app,
        ["--db", db_url, "users", "add", "boss", "--role", "admin"],
        input="another long one\nanother long one\n",
    )
    assert prompted.exit_code == 0, prompted.output
    users = _users(db_url)
    assert users["lan.nguyen"].password_hash.startswith("$argon2id$")
    assert PasswordHasher().verify(users["lan.nguyen"].password_hash, "mật khẩu thật dài")
    assert users["boss"].role == "admin" and users["boss"].active
    engine = make_engine(db_url)
    with Session(engine) as s:
        assert s.scalars(select(AuditLog.action)).all() == ["user_add", "user_add"]
    engine.dispose()


def test_refusals(sqlite_url: str) -> None:
    base = ["--db", sqlite_url, "users", "add"]
    ok = runner.invoke(app, [*base, "an", "--role", "analyst", "--password-stdin"], input="long enough pw\n")
    assert ok.exit_code == 0, ok.output
    cases = [
        ([*base, "an", "--role", "analyst", "--password-stdin"], "long enough pw\n", "already exists"),
        ([*base, "bo", "--role", "root", "--password-stdin"], "long enough pw\n", "unknown role"),
        ([*base, "cu", "--role", "analyst", "--password-stdin"], "short\n", "too short"),
        ([*base, "bad name!", "--role", "analyst", "--password-stdin"], "long enough pw\n", "must be"),
    ]
    for args, stdin, message in cases:
        result = runner.invoke(app, args, input=stdin)
        assert result.exit_code == 2 and message in result.output, (args, result.output)
    mismatch = runner.invoke(
        app, [*base, "di", "--role", "analyst"], input="long enough pw\nsomething else\n"
    )
    assert mismatch.exit_code != 0 or "di" not in _users(sqlite_url)
    assert set(_users(sqlite_url)) == {"an"}


def test_serve_is_mounted() -> None:
    result = runner.invoke(app, ["serve", "--help"])
    assert result.exit_code == 0 and "--port" in result.output and "--secure-cookies" in result.output
