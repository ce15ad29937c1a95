"""Facebook (marketplaces.md §6): Marketplace feed units (embedded ``__bbox`` JSON or a GraphQL answer),
group and public Page posts with prices written freely ("1tr2", "350k", "1.200.000đ", "giá ib"), and the
login wall.

A ``/api/graphql/`` answer is a *stream*: several JSON objects separated by newlines, sometimes prefixed
with ``for (;;);`` (§6). :func:`graphql_objects` reads every object; a malformed one is counted and the
rest kept. A Page's further posts arrive that way: the first object carries
``data.node.timeline_feed_units`` (edges of post nodes, ``page_info``), later ones are streamed
``{"label": "…$stream$…", "path": […], "data": {"node": post}}`` edges. A post node has the keys of
facebook-scraper's post dict (``post_id, text, time, timestamp, images, likes, comments, shares,
post_url, username, user_url``); the timeline wrapper is this project's assumption, not a saved response.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from typing import Any
from urllib.parse import urljoin, urlsplit

from crawler.normalize import parse_price_text
from crawler.pages import Blocked, PageError, html_to_text, load_json

SOURCE = "facebook"
SITE_URL = "https://www.facebook.com"
_JSON_SCRIPT = re.compile(r'<script type="application/json"[^>]*>(?P<json>.*?)</script>', re.DOTALL)
_LOGIN_WALL = ('id="login_form"', "Bạn phải đăng nhập để tiếp tục", "You must log in to continue")
_LOGIN_PATHS = ("/login", "/checkpoint")  # /login/, /login.php, /login/device-based/…, /checkpoint/…
#: the password field of a login form (a logged-in page has none; sellers' text sits escaped in JSON)
_PASSWORD_FIELD = re.compile(r"<input\b[^>]*\bname=[\"']pass[\"']", re.IGNORECASE)
_ARTICLE = re.compile(r'<div role="article" data-post-id="(?P<id>[^"]+)">(?P<body>.*?)</div>\s*(?=<div role="article"|</div>\s*</body>|$)', re.DOTALL)  # fmt: skip
_AUTHOR = re.compile(r"<h3>\s*<a[^>]*>(?P<name>.*?)</a>", re.DOTALL)
_MESSAGE = re.compile(r'<div data-ad-preview="message">(?P<text>.*?)</div>', re.DOTALL)
_PERMALINK = re.compile(r'<a href="(?P<href>[^"]*/posts/[^"]*)"')
#: the price part of a post: what follows "Giá"/"giá" up to the end of the sentence
_PRICE_PART = re.compile(
    r"\bgi[áa]\s*(?:bán)?\s*[:\-]?\s*(?P<price>[^.\n!;]+(?:\.\d{3})*[^.\n!;]*)", re.IGNORECASE
)


def login_wall(html: str) -> bool:
    return any(marker in html for marker in _LOGIN_WALL)


def login_url(url: str) -> bool:
    """Facebook's login or checkpoint page: where a logged-out (or distrusted) visitor is redirected."""
    path = urlsplit(url).path.lower()
    return path.startswith(_LOGIN_PATHS)


def check_login(body: bytes | str, url: str) -> None:
    """Raise Blocked on the login wall: its wording, a password form, or a redirect to the login page."""
    html = body.decode("utf-8", "replace") if isinstance(body, bytes) else body
    if login_wall(html) or login_url(url) or _PASSWORD_FIELD.search(html):
        raise Blocked("login_wall", f"facebook: login wall on {url} (give a logged-in storage_state)")


@dataclass(slots=True)
class FeedPage:
    edges: list[dict[str, Any]] = field(default_factory=list)
    has_next_page: bool = False
    end_cursor: str | None = None
    malformed: int = 0  # objects of a streamed GraphQL answer that could not be read (the rest were kept)


_FOR_LOOP = re.compile(r"^\s*for\s*\(\s*;\s*;\s*\)\s*;")


def graphql_objects(body: bytes | str, *, what: str = "facebook graphql") -> tuple[list[Any], int]:
    """Every JSON object of a GraphQL answer (newline-separated, maybe after ``for (;;);``) and how many
    were malformed. Raises PageError when none could be read."""
    text = body.decode("utf-8", "replace") if isinstance(body, bytes) else body
    text = _FOR_LOOP.sub("", text, count=1)
    decoder = json.JSONDecoder()
    objects: list[Any] = []
    malformed = 0
    for line in text.split("\n"):
        pos, line = 0, line.strip()
        while pos < len(line):  # objects may also follow each other on one line
            try:
                value, end = decoder.raw_decode(line, pos)
            except json.JSONDecodeError:
                malformed += 1
                break  # the rest of this line is lost; the next line starts a new object
            objects.append(value)
            pos = end
            while pos < len(line) and line[pos].isspace():
                pos += 1
    if not objects:
        raise PageError(f"{what}: no readable JSON object ({malformed} malformed) in {len(text)} chars")
    return objects, malformed


def _raise_errors(result: Any, what: str) -> None:
    """A GraphQL ``errors`` answer: the login wall is a block, anything else a page error."""
    errors = result.get("errors") if isinstance(result, dict) else None
    if errors:
        message = str(errors[0].get("message", "")) if isinstance(errors[0], dict) else str(errors[0])
        if "log in" in message.lower():
            raise Blocked("login_wall", f"{what}: {message}") from None
        raise PageError(f"{what}: GraphQL error {message!r}") from None


def _feed(result: Any, what: str) -> FeedPage:
    try:
        units = result["data"]["marketplace_search"]["feed_units"]
    except (KeyError, TypeError):
        _raise_errors(result, what)
        raise PageError(f"{what}: no data.marketplace_search.feed_units") from None
    info = units.get("page_info") or {}
    edges = [
        e
        for e in units.get("edges") or []
        if isinstance(e, dict) and isinstance((e.get("node") or {}).get("listing"), dict)
    ]
    return FeedPage(
        edges=edges, has_next_page=bool(info.get("has_next_page")), end_cursor=info.get("end_cursor")
    )


def parse_graphql(body: bytes | str) -> FeedPage:
    """A Marketplace ``/api/graphql/`` answer: the feed units of every object in the stream, in order."""
    objects, malformed = graphql_objects(body)
    feeds = [o for o in objects if _has_feed(o)]
    if not feeds:
        return _feed(objects[0], "facebook graphql")  # raises: login wall, GraphQL error, or drifted
    page = FeedPage(malformed=malformed)
    for obj in feeds:
        part = _feed(obj, "facebook graphql")
        page.edges.extend(part.edges)
        page.has_next_page, page.end_cursor = part.has_next_page, part.end_cursor
    return page


def _has_feed(obj: Any) -> bool:
    return isinstance(obj, dict) and isinstance(
        ((obj.get("data") or {}).get("marketplace_search") or {}).get("feed_units"), dict
    )


def parse_search_page(body: bytes | str, *, url: str = "") -> FeedPage:
    """The feed units embedded in a Marketplace search page (``require…__bbox.result``)."""
    html = body.decode("utf-8", "replace") if isinstance(body, bytes) else body
    check_login(html, url)
    for match in _JSON_SCRIPT.finditer(html):
        if "marketplace_search" not in match["json"]:
            continue
        blob = load_json(match["json"], what="facebook embedded JSON")
        try:
            result = blob["require"][0][3][0]["__bbox"]["require"][0][3][1]["__bbox"]["result"]
        except (KeyError, IndexError, TypeError):
            raise PageError(
                f"facebook search page: unexpected nesting of the embedded JSON on {url}"
            ) from None
        return _feed(result, "facebook search page")
    raise PageError(f"facebook search page: no embedded marketplace_search JSON on {url}")


def has_more_posts(body: bytes | str) -> bool:
    """Whether a Page's embedded timeline (``…__bbox.result.data.node.timeline_feed_units``) says more
    posts follow (then scrolling fetches them)."""
    html = body.decode("utf-8", "replace") if isinstance(body, bytes) else body
    for match in _JSON_SCRIPT.finditer(html):
        if "timeline_feed_units" not in match["json"]:
            continue
        blob = load_json(match["json"], what="facebook embedded JSON")
        try:
            result = blob["require"][0][3][0]["__bbox"]["require"][0][3][1]["__bbox"]["result"]
            return bool(result["data"]["node"]["timeline_feed_units"]["page_info"]["has_next_page"])
        except (KeyError, IndexError, TypeError):
            raise PageError("facebook page: unexpected nesting of the embedded timeline JSON") from None
    return False


def positive_amount(price: dict[str, Any]) -> int | None:
    """A ``listing_price``'s ``amount`` when it is above zero ("0.00": the seller wrote the price elsewhere)."""
    try:
        value = int(Decimal(str(price.get("amount"))))
    except (InvalidOperation, ValueError):
        return None
    return value if value > 0 else None


def listing_price(price: dict[str, Any]) -> int | None:
    """``amount`` when above zero; else what ``formatted_amount`` says ("Miễn phí" → None: sellers who
    put the price in the text list it at 0, and the item page's description has it)."""
    amount = positive_amount(price)
    return amount if amount is not None else parse_price_text(price.get("formatted_amount"))


def item_url(listing_id: str) -> str:
    return f"{SITE_URL}/marketplace/item/{listing_id}/"


def seller_of(seller: dict[str, Any]) -> dict[str, Any] | None:
    """The Marketplace seller (``marketplace_listing_seller``) as a listing's seller, when it has an id."""
    if not seller.get("id"):
        return None
    return {"source": SOURCE, "external_id": str(seller["id"]), "name": seller.get("name"),
            "url": f"{SITE_URL}/profile.php?id={seller['id']}"}  # fmt: skip


def listing_from_edge(edge: dict[str, Any], *, crawled_at: datetime | None = None) -> dict[str, Any]:
    listing = edge["node"]["listing"]
    price = listing.get("listing_price") or {}
    geo = (listing.get("location") or {}).get("reverse_geocode") or {}
    seller = listing.get("marketplace_listing_seller") or {}
    photo = ((listing.get("primary_listing_photo") or {}).get("image") or {}).get("uri")
    location = ", ".join(p for p in (geo.get("city"), geo.get("state")) if p) or None
    item: dict[str, Any] = {
        "source": SOURCE,
        "external_id": str(listing["id"]),
        "url": item_url(listing["id"]),
        "title": listing.get("marketplace_listing_title") or listing.get("custom_title"),
        "description": "",
        "price": listing_price(price),
        "currency": "VND",
        "shop_name": seller.get("name"),
        "shop_location": geo.get("state") or geo.get("city") or None,
        "images": [photo] if photo else [],
        "attributes": {"location": location} if location else {},
        "crawled_at": crawled_at or datetime.now(UTC),
        "raw": listing,
    }
    if (who := seller_of(seller)) is not None:
        item["seller"] = who
    return item


#: a number written as a price: with a unit (350k, 1tr2, 2 triệu, 99.000đ) or thousands dots (1.200.000)
_PRICED = re.compile(
    r"(?<![\w.,])(?:\d{1,3}(?:[.,]\d{3})+\s*(?:đ|₫|vnđ|vnd)?|\d+(?:[.,]\d+)?\s*(?:k|tr\d{0,3}|triệu|nghìn|ngàn|đ|₫|vnđ|vnd))(?!\w)",
    re.IGNORECASE,
)


def price_in_post(text: str) -> int | None:
    """The price a post states: after the last "Giá"/"giá", else the first number written as a price."""
    matches = list(_PRICE_PART.finditer(text))  # the last "Giá:" is the price; earlier ones are "giá rẻ"…
    if matches:
        return parse_price_text(matches[-1]["price"])
    priced = _PRICED.search(text)  # "350k" rather than the "100" of "100ml"
    return parse_price_text(priced.group(0)) if priced else None


def _post(post_id: str, text: str, url: str, author: str | None, crawled_at: datetime | None,
          raw: dict[str, Any], images: list[str] | None = None) -> dict[str, Any]:  # fmt: skip
    """A post as a listing: priced from its free text; phone/Zalo stay in the description (contacts)."""
    title = text.split(".", 1)[0].strip() or text[:120]
    return {
        "source": SOURCE, "external_id": f"post:{post_id}", "url": url, "title": title, "description": text,
        "price": price_in_post(text), "currency": "VND", "shop_name": author, "images": images or [],
        "crawled_at": crawled_at or datetime.now(UTC), "raw": raw,
    }  # fmt: skip


def parse_posts(body: bytes | str, *, url: str, crawled_at: datetime | None = None) -> list[dict[str, Any]]:
    """Posts of a group or page (``<div role="article">``), as listings priced from their free text."""
    html = body.decode("utf-8", "replace") if isinstance(body, bytes) else body
    check_login(html, url)
    posts = []
    for match in _ARTICLE.finditer(html):
        chunk = match["body"]
        message = _MESSAGE.search(chunk)
        text = html_to_text(message["text"]) if message else html_to_text(chunk)
        author = _AUTHOR.search(chunk)
        link = _PERMALINK.search(chunk)
        posts.append(_post(match["id"], text, urljoin(SITE_URL, link["href"]) if link else url,
                           html_to_text(author["name"]) if author else None, crawled_at,
                           {"post_id": match["id"], "text": text}))  # fmt: skip
    return posts


@dataclass(slots=True)
class TimelinePage:
    """Posts of a Page that one scroll's GraphQL answer streamed in."""

    posts: list[dict[str, Any]] = field(default_factory=list)
    has_next_page: bool = False
    end_cursor: str | None = None
    malformed: int = 0


def parse_timeline(body: bytes | str, *, crawled_at: datetime | None = None) -> TimelinePage:
    """A Page timeline ``/api/graphql/`` answer: the first object's edges plus every streamed edge."""
    objects, malformed = graphql_objects(body, what="facebook page timeline")
    page = TimelinePage(malformed=malformed)
    nodes: list[Any] = []
    found = False
    for obj in objects:
        if not isinstance(obj, dict):
            continue
        data = obj.get("data") or {}
        units = (data.get("node") or {}).get("timeline_feed_units") if isinstance(data, dict) else None
        if isinstance(units, dict):
            found = True
            nodes.extend(e.get("node") for e in units.get("edges") or [] if isinstance(e, dict))
            info = units.get("page_info") or {}
            page.has_next_page, page.end_cursor = bool(info.get("has_next_page")), info.get("end_cursor")
        elif "label" in obj and isinstance(data, dict) and isinstance(data.get("node"), dict):
            nodes.append(data["node"])  # a streamed edge
    if not found:
        for obj in objects:
            _raise_errors(obj, "facebook page timeline")
        raise PageError("facebook page timeline: no data.node.timeline_feed_units in the answer")
    for node in nodes:
        if isinstance(node, dict) and node.get("post_id") and isinstance(node.get("text"), str):
            page.posts.append(listing_from_post(node, crawled_at=crawled_at))
        else:
            page.malformed += 1
    return page


def listing_from_post(post: dict[str, Any], *, crawled_at: datetime | None = None) -> dict[str, Any]:
    """A post dict in facebook-scraper's keys (``post_id, text, post_url, username, images`` …)."""
    post_id = str(post["post_id"])
    url = urljoin(SITE_URL, str(post.get("post_url") or f"/{post_id}"))
    images = [str(i) for i in post.get("images") or [] if i]
    return _post(post_id, html_to_text(post["text"]), url, post.get("username"), crawled_at, post, images)


def dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)
