"""The listing page: a fixed number of queries whatever the number of flags (no per-flag look-ups)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Engine, event
from sqlalchemy.orm import Session

from review.decisions import Decision, decide
from storage import repositories as repo
from storage.models_review import AppUser
from tests.review.conftest import Env


@contextmanager
def counted(engine: Engine) -> Iterator[list[str]]:
    statements: list[str] = []

    def count(conn, cursor, statement, *_args) -> None:  # type: ignore[no-untyped-def]
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", count)


def _add_flags(env: Env, listing: str, count: int) -> list[int]:
    with Session(env.engine) as session:
        version = repo.rule_pack_version_id(session, "seed", 4)
        listing_id = env.seeded.listings[listing]
        rows = [repo.FlagRow(listing_id, f"extra.{i}", "smuggled", "low", 0.2, []) for i in range(count)]
        repo.upsert_flags(session, rows, rule_pack_version_id=version)
        session.commit()
        return sorted(
            f.flag_id for f in repo.list_flags(session, statuses=None) if f.rule_id.startswith("extra.")
        )


def test_listing_page_queries_do_not_grow_with_its_flags(env: Env) -> None:
    client, _ = env.login("insp")
    milk = env.seeded.listings["milk"]
    with counted(env.app.state.engine) as few:
        assert client.get(f"/listings/{milk}").status_code == 200
    extra = _add_flags(env, "milk", 6)
    with Session(env.engine) as session:  # reviews on the listing: the assignees are looked up, once
        insp = session.get_one(AppUser, env.seeded.users["insp"])
        insp2 = session.get_one(AppUser, env.seeded.users["insp2"])
        decide(session, extra[0], insp, Decision("claim"), ip=None)
        decide(session, extra[1], insp, Decision("assign", assignee=insp2), ip=None)
        session.commit()
    with counted(env.app.state.engine) as many:
        page = client.get(f"/listings/{milk}").text
    assert len(many) <= len(few) + 1
    assert page.count('class="flag ') == 7
    assert page.count("Người xử lý: insp2") == 1 and page.count("Người xử lý: insp<") == 1  # latest assignees
