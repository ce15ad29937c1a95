"""The Facebook mirror over real HTTP: login wall, embedded feed, GraphQL POST with doc_id and cursor, groups."""

from __future__ import annotations

import json
import urllib.parse
import urllib.request
from collections.abc import Iterator

import pytest

from crawler.mirror import MirrorHandle, start_mirror
from crawler.mirror.facebook import DOC_ID
from crawler.pages import Blocked, facebook
from tests.mirror.client import fetch

LOGGED_IN = {"Cookie": "c_user=100001; xs=abc"}


@pytest.fixture(scope="module")
def mirror() -> Iterator[MirrorHandle]:
    with start_mirror(source="facebook") as handle:
        yield handle


def graphql(mirror: MirrorHandle, cursor: str | None, doc_id: str = DOC_ID, cookie: bool = True) -> bytes:
    variables = {"count": 24, "cursor": cursor, "params": {"bqf": {"query": "sữa"}}}
    form = urllib.parse.urlencode({"doc_id": doc_id, "variables": json.dumps(variables)}).encode()
    request = urllib.request.Request(
        mirror.url + "/api/graphql/", data=form, headers=LOGGED_IN if cookie else {}
    )
    with urllib.request.urlopen(request, timeout=5) as response:
        return response.read()


def test_logged_out_visitors_get_the_login_wall(mirror: MirrorHandle) -> None:
    page = fetch(mirror.url + "/marketplace/hanoi/search/?query=s%E1%BB%AFa")
    assert page.status == 200 and facebook.login_wall(page.body.decode())
    with pytest.raises(Blocked):
        facebook.parse_graphql(graphql(mirror, None, cookie=False))


def test_embedded_first_page_then_graphql_pages(mirror: MirrorHandle) -> None:
    page = fetch(mirror.url + "/marketplace/hanoi/search/?query=s%E1%BB%AFa", headers=LOGGED_IN)
    first = facebook.parse_search_page(page.body, url=mirror.url)
    assert (len(first.edges), first.has_next_page) == (24, True) and b"/static/fb.js" in page.body
    ids = {e["node"]["listing"]["id"] for e in first.edges}
    cursor = first.end_cursor
    while cursor:
        feed = facebook.parse_graphql(graphql(mirror, cursor))
        ids |= {e["node"]["listing"]["id"] for e in feed.edges}
        cursor = feed.end_cursor if feed.has_next_page else None
    assert len(ids) == 62
    assert b"PersistedQueryNotFound" in graphql(mirror, None, doc_id="1")


def test_group_posts_and_the_login_wall_fault() -> None:
    with start_mirror(source="facebook") as mirror:
        posts = facebook.parse_posts(
            fetch(mirror.url + "/groups/42/", headers=LOGGED_IN).body, url=mirror.url
        )
        assert len(posts) == 12 and any(p["price"] is None for p in posts) and any(p["price"] for p in posts)
        mirror.control(login_wall=1)
        with pytest.raises(Blocked):
            facebook.parse_posts(fetch(mirror.url + "/groups/42/", headers=LOGGED_IN).body, url=mirror.url)


def page_graphql(mirror: MirrorHandle, cursor: str | None) -> bytes:
    from crawler.mirror.facebook_pages import PAGE_DOC_ID

    form = urllib.parse.urlencode(
        {"doc_id": PAGE_DOC_ID, "variables": json.dumps({"count": 10, "cursor": cursor, "id": "shopmebong"})}
    ).encode()
    request = urllib.request.Request(mirror.url + "/api/graphql/", data=form, headers=LOGGED_IN)
    with urllib.request.urlopen(request, timeout=5) as response:
        return response.read()


def test_page_timeline_embedded_then_streamed() -> None:
    with start_mirror(source="facebook") as mirror:
        assert facebook.login_wall(fetch(mirror.url + "/shopmebong/").body.decode())
        html = fetch(mirror.url + "/shopmebong/", headers=LOGGED_IN).body
        assert b"/static/fb-page.js" in html and facebook.has_more_posts(html)
        assert fetch(mirror.url + "/static/fb-page.js").status == 200
        body = page_graphql(mirror, "10")
        assert body.startswith(b"for (;;);") and body.count(b"\n") == 6  # 1 + 5 streamed edges + is_final
        timeline = facebook.parse_timeline(body)
        assert (len(timeline.posts), timeline.end_cursor, timeline.malformed) == (10, "20", 0)
        assert facebook.parse_timeline(page_graphql(mirror, "20")).has_next_page is False
        mirror.control(bad_items=True)
        broken = facebook.parse_timeline(page_graphql(mirror, "10"))
        assert (len(broken.posts), broken.malformed) == (9, 1)
