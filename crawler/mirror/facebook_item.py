"""Facebook Marketplace item pages in the mirror (marketplaces.md §6: ``/marketplace/item/{id}/``).

  GET /marketplace/item/{id}/   an HTML shell whose data sits in ``<script type="application/json">`` blobs,
       like the search page: a first blob of page chrome (``CurrentUserInitialData``), then the listing at
       ``require[0][3][0].__bbox.require[0][3][1].__bbox.result.data.viewer.marketplace_product_details_page.target``
       — rendered into the page by ``/static/fb-item.js``.
The target carries the search feed's listing keys (``id, marketplace_listing_title, listing_price
{formatted_amount, amount}, location.reverse_geocode, marketplace_listing_seller, is_pending``) plus what
only the item page shows: ``redacted_description{text}`` (the seller's free text, with a phone or Zalo
number), ``listing_photos[]``, ``is_sold``, ``is_live``, ``creation_time``, ``condition``. The
``marketplace_product_details_page.target`` wrapper is this project's assumption (no saved response).

Quirks, stable per listing: about one listing in four gives no usable ``amount`` ("0.00", shown as
"Miễn phí") and writes its price in the description ("Giá: 1tr2", "350k") — or "giá ib"; one in ten is
sold, one in ten pending. An id the catalogue does not have is a *removed* listing: HTTP 200, ``target``
null and the "no longer available" notice, as Facebook answers for a deleted listing. The login wall (no
``c_user``/``xs`` cookies, or the ``login_wall`` fault) comes from :mod:`crawler.mirror.facebook`.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any

from crawler.mirror.catalogue import Product, ProductSource
from crawler.mirror.text import stable_hex, stable_int

ITEM_PATH = re.compile(r"^/marketplace/item/(?P<id>\d{1,20})/?$")
ITEM_JS_PATH = "/static/fb-item.js"
LISTING_BASE = 300_000_000_000_000  # listing id = LISTING_BASE + catalogue id (as in the search feed)
REMOVED_NOTICE = "Bài niêm yết này không còn nữa"
_EPOCH = datetime(2026, 11, 1, tzinfo=UTC)


def product_for(source: ProductSource, listing_id: str) -> Product | None:
    number = int(listing_id) - LISTING_BASE
    return source.get(number) if number > 0 else None


def price_style(product: Product) -> str:
    """ "amount" (the price field is right), "in_text" (0 + the price in the description), "ib" (none)."""
    style = stable_int("fbitemprice", product.id, modulo=8)
    return "in_text" if style in (0, 1) else "ib" if style == 2 else "amount"


def status(product: Product) -> str:
    roll = stable_int("fbitemstatus", product.id, modulo=10)
    return "sold" if roll == 0 else "pending" if roll == 1 else "available"


def description(product: Product) -> str:
    from crawler.mirror.facebook import free_text_price
    from crawler.mirror.facebook_pages import contact

    parts = [product.description.strip() or product.name]
    style = price_style(product)
    if style == "in_text":
        written = free_text_price(product)
        parts.append(f"Giá: {written if written != 'giá ib' else f'{product.price // 1000}k'}.")
    elif style == "ib":
        parts.append("Giá ib, inbox để biết giá.")
    parts.append(contact(product))
    return "\n".join(parts)


def listing_price(product: Product) -> dict[str, Any]:
    """``listing_price`` as the feed and the item page show it (0 when the price is in the text)."""
    from crawler.mirror.facebook import money

    if price_style(product) == "amount":
        return {"formatted_amount": money(product.price), "amount": f"{product.price}.00", "currency": "VND"}
    return {"formatted_amount": "Miễn phí", "amount": "0.00", "currency": "VND"}


def target(product: Product) -> dict[str, Any]:
    from crawler.mirror.facebook import CITIES, listing_id, money

    city, state = CITIES[stable_int("fbcity", product.id, modulo=len(CITIES))]
    style, state_of = price_style(product), status(product)
    price = listing_price(product)
    ident = listing_id(product)
    photos = [
        {"__typename": "ProductImage", "id": stable_hex("fbphotoid", product.id, n, length=15),
         "image": {"uri": f"https://scontent.xx.fbcdn.net/v/{stable_hex('fbimg', product.id, n)}.jpg",
                   "width": 960, "height": 960}}
        for n in range(1 + stable_int("fbphotos", product.id, modulo=4))
    ]  # fmt: skip
    created = _EPOCH.timestamp() - stable_int("fbitemtime", product.id, modulo=60 * 86400)
    strike = (
        {"formatted_amount": money(product.list_price), "amount": f"{product.list_price}.00"}
        if style == "amount" and product.list_price > product.price
        else None
    )
    return {
        "__typename": "GroupCommerceProductItem", "id": ident,
        "marketplace_listing_title": product.name, "custom_title": None,
        "listing_price": price, "strikethrough_price": strike,
        "redacted_description": {"text": description(product)},
        "location": {"reverse_geocode": {"city": city, "state": state,
                                         "city_page": {"display_name": f"{city}, {state}", "id": stable_hex("fbcityid", city, length=15)}}},
        "location_text": {"text": f"{city}, {state}"},
        "marketplace_listing_seller": {"__typename": "User", "id": str(100_000_000_000 + product.seller_id),
                                       "name": product.seller_name},
        "listing_photos": photos, "primary_listing_photo": photos[0],
        "is_sold": state_of == "sold", "is_pending": state_of == "pending", "is_live": state_of != "sold",
        "is_hidden": False, "creation_time": int(created),
        "condition": "NEW" if stable_int("fbcond", product.id, modulo=3) else "USED",
        "share_uri": f"https://www.facebook.com/marketplace/item/{ident}/",
    }  # fmt: skip


def item_model(source: ProductSource, listing_id: str) -> dict[str, Any]:
    from crawler.mirror.facebook import embedded

    product = product_for(source, listing_id)
    details = {"target": target(product) if product else None, "marketplace_listing_renderable_target": None}
    chrome = {"require": [["CurrentUserInitialData", [], {"ACCOUNT_ID": "0", "NAME": ""}, 270]]}
    return {
        "id": listing_id,
        "title": product.name if product else None,
        "blobs": [chrome, embedded({"data": {"viewer": {"marketplace_product_details_page": details}}})],
    }


def render_item(model: dict[str, Any]) -> str:
    from crawler.mirror.facebook import _script_json
    from crawler.mirror.facebook_pages import _escape

    title = f"{_escape(model['title'])} | Facebook Marketplace" if model["title"] else "Facebook Marketplace"
    blobs = "".join(
        f'<script type="application/json" data-sjs>{_script_json(b)}</script>' for b in model["blobs"]
    )
    notice = "" if model["title"] else f'<div role="alert">{REMOVED_NOTICE}</div>'
    return (
        '<!DOCTYPE html><html lang="vi"><head><meta charset="utf-8">'
        f"<title>{title}</title></head>"
        f'<body><div role="main" id="item">{notice}</div>{blobs}<script src="{ITEM_JS_PATH}" defer></script></body></html>'
    )


ITEM_JS = r"""(function () {
  "use strict";
  var main = document.getElementById("item"), blobs = document.querySelectorAll("script[data-sjs]"), target = null;
  function text(tag, value) { var el = document.createElement(tag); el.textContent = value; main.appendChild(el); }
  blobs.forEach(function (s) {
    var b = JSON.parse(s.textContent);
    try { target = b.require[0][3][0].__bbox.require[0][3][1].__bbox.result.data.viewer.marketplace_product_details_page.target; }
    catch (err) { /* page chrome */ }
  });
  if (!target) { document.body.setAttribute("data-state", "gone"); return; }
  text("h1", target.marketplace_listing_title);
  text("span", target.listing_price.formatted_amount);
  text("p", target.redacted_description.text);
  text("span", target.location_text.text);
  document.body.setAttribute("data-state", target.is_sold ? "sold" : "ready");
})();
"""
