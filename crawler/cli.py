"""The ``ecomwatch`` command line."""

from __future__ import annotations

import json
import logging
import sys
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console

from crawler import __version__
from crawler.config import get_config

DEFAULT_SOURCES = Path("sources.toml")

app = typer.Typer(
    help="ecomwatch — watch Vietnamese marketplaces for smuggled, counterfeit, prohibited and expired goods.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
db_app = typer.Typer(help="Database schema: upgrade and inspect.", no_args_is_help=True)
flags_app = typer.Typer(help="Flags raised by the rules on stored listings.", no_args_is_help=True)
app.add_typer(db_app, name="db")
app.add_typer(flags_app, name="flags")

# Summaries are tables: keep them readable when stdout is a pipe or a CI log.
console = Console(width=None if sys.stdout.isatty() else 160)
err = Console(stderr=True)


class State:
    db_url: str | None = None


state = State()


def database_url() -> str:
    return state.db_url or get_config().database_url


def _version(value: bool) -> None:
    if value:
        console.print(f"ecomwatch {__version__}")
        raise typer.Exit()


@app.callback()
def main_options(
    db: Annotated[
        str | None, typer.Option("--db", help="Database URL (overrides ECOMWATCH_DATABASE_URL).")
    ] = None,
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="Log more.")] = False,
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Print the version and exit.")
    ] = False,
) -> None:
    state.db_url = db
    logging.basicConfig(
        level=logging.DEBUG if verbose else logging.WARNING, format="%(levelname)s %(name)s: %(message)s"
    )


# --- db -------------------------------------------------------------------------------------------


@db_app.command("upgrade")
def db_upgrade(revision: Annotated[str, typer.Argument(help="Target revision.")] = "head") -> None:
    """Run the migrations up to REVISION (default: head)."""
    from storage.db import current_revision, make_engine, upgrade

    engine = make_engine(database_url())
    upgrade(engine, revision)
    console.print(
        f"database at revision {current_revision(engine)}: {engine.url.render_as_string(hide_password=True)}"
    )


@db_app.command("current")
def db_current() -> None:
    """Print the database's revision and the code's head revision."""
    from storage.db import current_revision, head_revision, make_engine

    engine = make_engine(database_url())
    console.print(f"database: {current_revision(engine) or '(empty)'}  head: {head_revision()}")


# --- crawl ----------------------------------------------------------------------------------------


def available_sources() -> list[str]:
    from scrapy.spiderloader import SpiderLoader

    from crawler.runner import project_settings

    return sorted(SpiderLoader.from_settings(project_settings()).list())


@app.command()
def crawl(
    source: Annotated[
        str | None, typer.Argument(help="Source (spider) to crawl, e.g. tiki; see `ecomwatch sources`.")
    ] = None,
    all_sources: Annotated[
        bool,
        typer.Option("--all", help="Crawl every enabled source of the sources file (the nightly crawl)."),
    ] = False,
    sources_file: Annotated[
        Path, typer.Option("--sources", help="Sources file for --all.")
    ] = DEFAULT_SOURCES,
    base_url: Annotated[
        str | None, typer.Option(help="Site or mirror base URL (default: the real site).")
    ] = None,
    query: Annotated[
        list[str] | None, typer.Option("--query", "-q", help="Search query; repeat for several.")
    ] = None,
    category: Annotated[list[str] | None, typer.Option(help="Category id; repeat for several.")] = None,
    max_pages: Annotated[int, typer.Option(help="Listing pages per query or category.")] = 5,
    details: Annotated[
        bool | None,
        typer.Option(
            help="Fetch each product's detail page (default: the spider's own: on for the marketplaces, "
            "off for Facebook Marketplace item pages)."
        ),
    ] = None,
    arg: Annotated[
        list[str] | None, typer.Option("--arg", "-a", help="Extra spider argument KEY=VALUE; repeatable.")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the crawl's stats as JSON.")] = False,
    tips: Annotated[
        bool,
        typer.Option(
            "--tips",
            help="With `urls`: crawl the citizens' queued tips (the public tip form); each tip is marked "
            "crawled (its listing enters the review queue as a tip) or failed with the reason.",
        ),
    ] = False,
    use_browser: Annotated[
        bool,
        typer.Option(
            "--browser",
            help="With `urls`: open Shopee and Facebook URLs in Chromium (else they are skipped as "
            "needs_browser); storage states via --arg shopee_state=FILE --arg facebook_state=FILE.",
        ),
    ] = False,
) -> None:
    """Crawl one source (or --all of sources.toml) into the database, judging every listing with the rules.

    `ecomwatch crawl urls --tips` crawls the queued tips. With --all, exits non-zero only when every
    source failed (a tips job with no queued tip does not count as a success)."""
    from crawler.runner import project_settings, run_crawls

    browser_setting = True if use_browser else None  # None: the configured default
    if all_sources:
        _crawl_all(sources_file, as_json=as_json, browser=browser_setting)
        return
    if tips:
        if source not in (None, "urls"):
            err.print(
                f"--tips crawls the tip queue with the urls spider; drop {source!r} (ecomwatch crawl urls --tips)"
            )
            raise typer.Exit(2)
        source = "urls"
    if source is None:
        err.print("name a source to crawl (see `ecomwatch sources`), or use --all")
        raise typer.Exit(2)
    sources = available_sources()
    if source not in sources:
        err.print(f"unknown source {source!r}; available: {', '.join(sources)}")
        raise typer.Exit(2)
    args: dict[str, Any] = {"max_pages": max_pages}
    if details is not None:
        args["details"] = details
    for pair in arg or []:
        key, sep, value = pair.partition("=")
        if not sep or not key:
            err.print(f"--arg expects KEY=VALUE, got {pair!r}")
            raise typer.Exit(2)
        args[key.strip()] = value
    if base_url:
        args["base_url"] = base_url
    if query:
        args["query"] = list(query)
    if category:
        args["category"] = list(category)
    if tips:
        args["tips"] = "true"
    settings = project_settings(ECOMWATCH_STORAGE_URL=database_url(), ECOMWATCH_URLS_BROWSER=browser_setting)
    try:
        outcomes = run_crawls([(source, args)], settings)
    except ValueError as error:  # a spider refusing its arguments says why in one line
        err.print(f"error: {error}")
        raise typer.Exit(2) from None
    _report(outcomes, as_json=as_json)
    if all(o.failed for o in outcomes):
        raise typer.Exit(1)


def _crawl_all(path: Path, *, as_json: bool, browser: bool | None = None) -> None:
    from crawler.runner import project_settings, run_crawls
    from crawler.sources import SourcesError, crawl_jobs, load_sources

    try:
        jobs = crawl_jobs(load_sources(path))
    except SourcesError as error:
        err.print(f"error: {error}")
        raise typer.Exit(2) from None
    if not jobs:
        err.print(f"{path}: no enabled sources")
        raise typer.Exit(2)
    try:
        outcomes = run_crawls(
            list(jobs), project_settings(ECOMWATCH_STORAGE_URL=database_url(), ECOMWATCH_URLS_BROWSER=browser)
        )
    except ValueError as error:
        err.print(f"error: {error}")
        raise typer.Exit(2) from None
    _report(outcomes, as_json=as_json)
    ran = [o for o in outcomes if not o.idle]  # an empty tips queue does not make a night successful
    if ran and all(o.failed for o in ran):
        raise typer.Exit(1)


def _report(outcomes: list, *, as_json: bool) -> None:  # type: ignore[type-arg]
    from crawler.summary import print_summary
    from storage import repositories as repo
    from storage.db import ensure_schema, make_engine, make_session_factory

    if as_json:
        console.print_json(
            json.dumps([{"spider": o.spider, "stats": o.stats} for o in outcomes], default=str)
        )
        return
    engine = make_engine(database_url())
    ensure_schema(engine)
    with make_session_factory(engine)() as session:
        top = repo.list_flags(session, limit=300)
        totals = {
            "database": engine.url.render_as_string(hide_password=True),
            "listings": repo.count_listings(session),
            "open_flags": sum(1 for _ in repo.list_flags(session)),
        }
    print_summary(console, outcomes, top, totals)


@app.command()
def extract(
    url: Annotated[str, typer.Option("--url", help="The page's URL (routes it to the right page object).")],
    file: Annotated[
        Path | None, typer.Option("--file", help="Read the page from this saved file instead of fetching it.")
    ] = None,
) -> None:
    """Print, as JSON, what the crawler extracts from one page (title, price, seller, location, contacts…)."""
    from crawler.extract import ExtractError, extract_page

    try:
        result = extract_page(url, file=file, user_agent=get_config().user_agent)
    except ExtractError as error:
        err.print(f"error: {error}")
        raise typer.Exit(2) from None
    sys.stdout.write(json.dumps(result, ensure_ascii=False, indent=1, default=str) + "\n")


@app.command()
def sources() -> None:
    """List the sources (spiders) that can be crawled."""
    for name in available_sources():
        console.print(name)


# --- demo -----------------------------------------------------------------------------------------


@app.command()
def demo(
    serve: Annotated[
        bool,
        typer.Option(
            help="After the crawl, serve the review UI on the demo database (user `demo`, password printed)."
        ),
    ] = False,
    port: Annotated[int, typer.Option(help="Port of the review UI with --serve.")] = 8000,
    max_pages: Annotated[int, typer.Option(help="Listing pages to crawl per category.")] = 20,
) -> None:
    """Start the bundled demo marketplace, crawl it, judge and store every listing, print what was flagged."""
    from crawler.mirror import DEMO_CATEGORY, spawn_mirror_subprocess
    from crawler.runner import project_settings, run_crawls

    proc, url = spawn_mirror_subprocess()
    try:
        console.print(f"Demo marketplace (Tiki-shaped API) at {url}; database {database_url()}")
        outcomes = run_crawls(
            [("tiki", {"base_url": url, "category": [str(DEMO_CATEGORY)], "max_pages": max_pages})],
            project_settings(ECOMWATCH_STORAGE_URL=database_url(), LOG_LEVEL="WARNING"),
        )
        _report(outcomes, as_json=False)
        if serve:
            _serve_demo(port)
    except KeyboardInterrupt:
        pass
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def _serve_demo(port: int) -> None:
    """The review UI on the demo database, with an inspector account ``demo`` and a fresh password."""
    import secrets

    from review.accounts import create_user, reset_password
    from review.cli import run_server
    from storage.db import make_engine, make_session_factory, unit_of_work

    password = secrets.token_urlsafe(12)
    engine = make_engine(database_url())
    with unit_of_work(make_session_factory(engine)) as session:
        if reset_password(session, "demo", password) is None:
            create_user(session, "demo", password, "inspector")
    engine.dispose()
    console.print(
        f"Review UI: http://127.0.0.1:{port}/ — user [bold]demo[/] (inspector), password {password}"
    )
    run_server(database_url(), host="127.0.0.1", port=port)


# --- flags ----------------------------------------------------------------------------------------


@flags_app.command("list")
def flags_list(
    category: Annotated[str | None, typer.Option(help="Only this category.")] = None,
    status: Annotated[
        list[str] | None, typer.Option(help="Statuses to show (default: new, in_review).")
    ] = None,
    limit: Annotated[int | None, typer.Option(help="At most this many.")] = None,
    as_json: Annotated[
        bool, typer.Option("--json", help="One JSON object per flag, as a JSON array.")
    ] = False,
) -> None:
    """Flags awaiting review, riskiest listing first."""
    from crawler.summary import flags_table
    from storage import repositories as repo
    from storage.db import ensure_schema, make_engine, make_session_factory

    engine = make_engine(database_url())
    ensure_schema(engine)
    with make_session_factory(engine)() as session:
        flags = repo.list_flags(
            session, category=category, statuses=status or ("new", "in_review"), limit=limit
        )
    if as_json:
        sys.stdout.write(json.dumps([f.to_dict() for f in flags], ensure_ascii=False, indent=1) + "\n")
    else:
        console.print(flags_table(flags, title=f"{len(flags)} flags"))


def rules_rescan(
    since: Annotated[
        str | None, typer.Option(help="Only listings seen on or after this date (YYYY-MM-DD).")
    ] = None,
    rules_dir: Annotated[Path | None, typer.Option("--rules", help="Rule packs directory.")] = None,
) -> None:
    """Re-evaluate stored listings after a rule change: add new flags, mark unsupported ones superseded."""
    from datetime import UTC, datetime

    from rules import load_engine
    from rules.rescan import rescan
    from storage.db import ensure_schema, make_engine, make_session_factory

    cutoff = None
    if since:
        try:
            cutoff = datetime.strptime(since, "%Y-%m-%d").replace(tzinfo=UTC)
        except ValueError:
            err.print(f"--since expects YYYY-MM-DD, got {since!r}")
            raise typer.Exit(2) from None
    engine = make_engine(database_url())
    ensure_schema(engine)
    result = rescan(make_session_factory(engine), load_engine(rules_dir), since=cutoff)
    console.print(
        f"rescanned {result.listings} listings with rule pack version {result.pack_version_id}: "
        f"{result.flagged} flagged, {result.new_flags} new flags, {result.superseded} superseded"
    )
    for category, count in sorted(result.by_category.items()):
        console.print(f"  {category}: {count}")


def _mount_rules() -> None:
    from importlib.util import find_spec

    if find_spec("rules.cli") is None:  # the analysts' tools ship with the rules engine
        return
    from rules.cli import app as rules_app

    rules_app.command("rescan")(rules_rescan)
    app.add_typer(rules_app, name="rules")


_mount_rules()


def _mount_review() -> None:
    from review.cli import mount

    mount(app)


_mount_review()


def main() -> None:
    app()


if __name__ == "__main__":
    # `python -m crawler.cli` runs this file as __main__; the commands mounted from other modules (serve,
    # users) read the --db option from `crawler.cli`, so run that module's app, not a second copy's.
    from crawler.cli import main as canonical_main

    canonical_main()
