"""``ecomwatch serve`` and ``ecomwatch users add``: mounted on the main CLI by ``crawler.cli``."""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from storage.models_review import ROLES

users_app = typer.Typer(help="Accounts of the review UI.", no_args_is_help=True)


def _database_url() -> str:
    from crawler.cli import database_url

    return database_url()


def serve(
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
    secure_cookies: Annotated[
        bool | None,
        typer.Option(
            "--secure-cookies/--no-secure-cookies",
            help="Mark cookies Secure (set when served behind HTTPS; default ECOMWATCH_REVIEW_SECURE_COOKIES).",
        ),
    ] = None,
    workers: Annotated[
        int | None,
        typer.Option(
            min=1,
            max=64,
            help="Server processes: one per core (2 on a 2-core machine); default ECOMWATCH_REVIEW_WORKERS or 1.",
        ),
    ] = None,
) -> None:
    """Serve the inspectors' review UI on the configured database."""
    run_server(_database_url(), host=host, port=port, secure_cookies=secure_cookies, workers=workers)


def run_server(
    database_url: str, *, host: str, port: int, secure_cookies: bool | None = None, workers: int | None = None
) -> None:
    """Serve the review UI until interrupted (``serve``, and ``demo --serve``).

    With more than one worker, each worker process builds its own app (:func:`review.app.app_from_config`)
    from the environment this sets: the database, the cookie setting and one secret for all of them (the
    tips' per-IP limit hashes addresses with it, so the workers must agree). The schema is upgraded here,
    once, before they start.
    """
    import os
    import secrets

    import uvicorn

    from crawler.config import get_config
    from review.app import create_app
    from review.settings import ReviewSettings

    config = get_config()
    secure = config.review_secure_cookies if secure_cookies is None else secure_cookies
    workers = workers or config.review_workers
    typer.echo(f"review UI on http://{host}:{port}/ ({workers} worker(s); Ctrl-C to stop)")
    options: dict = {"host": host, "port": port, "log_level": "warning", "server_header": False}
    if workers == 1:
        extra = {"secret_key": config.review_secret} if config.review_secret else {}
        settings = ReviewSettings(database_url=database_url, secure_cookies=secure, **extra)
        uvicorn.run(create_app(settings), **options)
        return
    from storage.db import ensure_schema, make_engine

    engine = make_engine(database_url)
    ensure_schema(engine)
    engine.dispose()
    os.environ |= {
        "ECOMWATCH_DATABASE_URL": database_url,
        "ECOMWATCH_REVIEW_SECURE_COOKIES": "1" if secure else "0",
        "ECOMWATCH_REVIEW_SECRET": config.review_secret or secrets.token_hex(32),
    }
    uvicorn.run("review.app:app_from_config", factory=True, workers=workers, **options)


@users_app.command("add")
def users_add(
    name: Annotated[str, typer.Argument(help="Username: letters, digits, '.' or '_'.")],
    role: Annotated[str, typer.Option(help=f"One of: {', '.join(ROLES)}.")],
    password_stdin: Annotated[
        bool, typer.Option("--password-stdin", help="Read the password from standard input (for scripts).")
    ] = False,
) -> None:
    """Create an account; the password is prompted twice (or read from stdin) and stored as argon2id."""
    from review.accounts import AccountError, create_user
    from storage.db import ensure_schema, make_engine, make_session_factory, unit_of_work

    if role not in ROLES:
        typer.echo(f"error: unknown role {role!r}; use one of {', '.join(ROLES)}", err=True)
        raise typer.Exit(2)
    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = typer.prompt("Password", hide_input=True, confirmation_prompt=True)
    engine = make_engine(_database_url())
    ensure_schema(engine)
    try:
        with unit_of_work(make_session_factory(engine)) as session:
            user = create_user(session, name, password, role)
    except AccountError as error:
        typer.echo(f"error: {error}", err=True)
        raise typer.Exit(2) from None
    finally:
        engine.dispose()
    typer.echo(f"user {user.username} ({user.role}) created")


def mount(app: typer.Typer) -> None:
    """Add ``serve`` and ``users`` to the main ``ecomwatch`` command."""
    app.command("serve")(serve)
    app.add_typer(users_app, name="users")
