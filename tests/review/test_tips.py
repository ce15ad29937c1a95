"""The public tip form: no login, honeypot, size limits, a rate limit per IP; tips are queued."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from storage.models_review import Tip
from tests.review.conftest import Env, csrf_of


def _form(client: TestClient, **fields: str) -> dict[str, str]:
    token = csrf_of(client.get("/tips/new").text)
    return {
        "csrf_token": token,
        "url": "https://shopee.vn/p/123",
        "description": "Bán thuốc lá điện tử",
        **fields,
    }


def _tips(env: Env) -> list[Tip]:
    with Session(env.engine) as s:
        return list(s.scalars(select(Tip).order_by(Tip.id)))


def test_a_citizen_submits_a_tip_without_logging_in(env: Env) -> None:
    client = env.client()
    page = client.get("/tips/new")
    assert page.status_code == 200 and "Báo tin hàng giả" in page.text
    response = client.post("/tips", data=_form(client, contact="0901 234 567"))
    assert response.status_code == 200 and "Cảm ơn!" in response.text
    [tip] = _tips(env)
    assert (tip.url, tip.status, tip.contact, tip.listing_id) == (
        "https://shopee.vn/p/123",
        "queued",
        "0901 234 567",
        None,
    )
    assert len(tip.ip_hash) == 64 and "testclient" not in tip.ip_hash  # only a keyed hash of the address


def test_honeypot_filled_is_thanked_and_dropped(env: Env) -> None:
    client = env.client()
    response = client.post("/tips", data=_form(client, website="http://spam.example"))
    assert response.status_code == 200 and "Cảm ơn!" in response.text
    assert _tips(env) == []


def test_size_limits_and_url_scheme(env: Env) -> None:
    client = env.client()
    too_long = [
        {"description": "x" * 4001},
        {"url": "https://shopee.vn/" + "a" * 2048},
        {"contact": "c" * 201},
    ]
    for fields in too_long:
        assert client.post("/tips", data=_form(client, **fields)).status_code == 422, fields
    for url in ("javascript:alert(1)", "ftp://shopee.vn/x", "shopee.vn/p/1", "data:text/html,hi"):
        response = client.post("/tips", data=_form(client, url=url))
        assert response.status_code == 422 and "http/https" in response.text
    assert client.post("/tips", data=_form(client, description="   ")).status_code == 422
    assert _tips(env) == []


def test_rate_limit_per_ip(env: Env) -> None:
    client = env.client()
    for _ in range(3):  # tips_per_hour=3 in the test settings
        assert client.post("/tips", data=_form(client)).status_code == 200
    refused = client.post("/tips", data=_form(client))
    assert refused.status_code == 429 and "quá nhiều" in refused.text
    assert len(_tips(env)) == 3


def test_inspectors_see_queued_tips(env: Env) -> None:
    public = env.client()
    public.post("/tips", data=_form(public, description="Kem trộn không rõ nguồn gốc"))
    client, _ = env.login("ana")
    inbox = client.get("/tips").text
    assert "Kem trộn không rõ nguồn gốc" in inbox and "https://shopee.vn/p/123" in inbox
