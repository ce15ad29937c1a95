"""Listing text, shop names, URLs and tip text are attacker-controlled: only escaped forms reach the page."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from markupsafe import escape

from tests.review.conftest import Env, csrf_of
from tests.review.inert import assert_inert
from tests.review.seed import XSS_PAYLOADS


@pytest.fixture(scope="module")
def inspector(shared_env: Env) -> TestClient:
    return shared_env.login("insp")[0]


@pytest.mark.parametrize("path", ["/queue", "/listings/{xss}", "/queue?q=Rolex", "/listings/{milk}"])
def test_payloads_are_escaped(shared_env: Env, inspector: TestClient, path: str) -> None:
    response = inspector.get(path.format(**shared_env.seeded.listings))
    assert response.status_code == 200
    assert "script-src 'self'" in response.headers["content-security-policy"]
    assert_inert(response.text)


def test_listing_page_shows_every_payload_as_text(shared_env: Env, inspector: TestClient) -> None:
    page = inspector.get(f"/listings/{shared_env.seeded.listings['xss']}").text
    for payload in XSS_PAYLOADS:
        assert str(escape(payload)) in page  # markupsafe's form: &lt; &gt; &#34; &#39; &amp;
    # evidence is highlighted around escaped text, never by inserting markup into the text
    assert "Đồng hồ <mark>Rolex</mark> &lt;img src=x onerror=alert(1)&gt;" in page
    assert "hàng Rolex <mark>super fake</mark> &lt;a href=&#34;javascript:alert(1)&#34;&gt;" in page
    # javascript: URLs (the listing's own and an image's) are shown as text, never as links
    assert '<span class="unsafe-url">javascript:alert(1)</span>' in page
    assert 'href="https://img.example.vn/a.jpg" rel="noopener noreferrer nofollow"' in page


def test_search_box_echo_is_escaped(shared_env: Env, inspector: TestClient) -> None:
    page = inspector.get("/queue", params={"q": '"><script>alert(1)</script>'}).text
    assert 'value="&#34;&gt;&lt;script&gt;alert(1)&lt;/script&gt;"' in page
    assert_inert(page)


def test_login_next_and_username_are_escaped(shared_env: Env) -> None:
    client = shared_env.client()
    page = client.get("/login", params={"next": '/queue"><script>alert(1)</script>'}).text
    assert_inert(page)
    token = csrf_of(page)
    response = client.post(
        "/login", data={"username": '"><svg onload=alert(1)>', "password": "whatever12", "csrf_token": token}
    )
    assert response.status_code == 401
    assert_inert(response.text)


def test_tip_text_is_escaped_in_the_inbox(env: Env) -> None:
    public = env.client()
    token = csrf_of(public.get("/tips/new").text)
    form = {
        "csrf_token": token,
        "url": "https://shopee.vn/p/1?<script>alert(1)</script>",
        "description": "<img src=x onerror=alert(1)> hàng giả",
        "contact": '"><svg onload=alert(1)>',
    }
    assert public.post("/tips", data=form).status_code == 200
    rejected = public.post("/tips", data=form | {"url": "javascript:alert(1)"})
    assert rejected.status_code == 422
    assert_inert(rejected.text)  # the form is echoed back escaped
    client, _ = env.login("insp")
    inbox = client.get("/tips").text
    assert "&lt;img src=x onerror=alert(1)&gt; hàng giả" in inbox
    assert_inert(inbox)
