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
) -> None:
    """Serve the inspectors' review UI on the configured database."""
    run_server(_database_url(), host=host, port=port, secure_cookies=secure_cookies)


def run_server(database_url: str, *, host: str, port: int, secure_cookies: bool | None = None) -> None:
    """Serve the review UI until interrupted (``serve``, and ``demo --serve``)."""
    import uvicorn

    from crawler.config import get_config
    from review.app import create_app
    from review.settings import ReviewSettings

    config = get_config()
    extra = {"secret_key": config.review_secret} if config.review_secret else {}
    secure = config.review_secure_cookies if secure_cookies is None else secure_cookies
    settings = ReviewSettings(database_url=database_url, secure_cookies=secure, **extra)
    typer.echo(f"review UI on http://{host}:{port}/ (Ctrl-C to stop)")
    uvicorn.run(create_app(settings), host=host, port=port, log_level="warning", server_header=False)


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
