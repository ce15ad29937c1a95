"""Every route × every role: unauthenticated → login (401 for HTMX), wrong role → 403, no CSRF → 403."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from review.app import ROUTERS
from review.rules_eval import engine
from storage import cases_repo
from tests.review.conftest import Env, csrf_of
from tests.review.inert import assert_inert

READERS = ("inspector", "analyst", "admin")
ANALYSTS = ("analyst", "admin")
EXPORTERS = ("inspector", "admin")  # analysts are read-only: no data leaves the app through them
ROLES = {"inspector": "insp", "analyst": "ana", "admin": "adm"}

# (method, path template, roles allowed); {listing}, {flag}, {seller}, {user} are filled from the seed,
# {case} with a case made for these tests.
PROTECTED = [
    ("GET", "/queue", READERS),
    ("GET", "/listings/{listing}", READERS),
    ("GET", "/tips", READERS),
    ("GET", "/audit", ("admin",)),
    ("GET", "/reports", READERS),
    ("GET", "/rules", ANALYSTS),
    ("GET", "/rules/eval", ANALYSTS),
    ("POST", "/rules/eval", ANALYSTS),
    ("GET", "/rules/{rule}", ANALYSTS),
    ("GET", "/sellers", READERS),
    ("GET", "/sellers/{seller}", READERS),
    ("POST", "/reports/export", EXPORTERS),
    ("POST", "/queue/export", EXPORTERS),
    ("POST", "/logout", READERS),
    ("POST", "/flags/bulk", ("inspector",)),
    ("POST", "/flags/{flag}/claim", ("inspector",)),
    ("POST", "/flags/{flag}/assign", ("inspector",)),
    ("POST", "/flags/{flag}/confirm", ("inspector",)),
    ("POST", "/flags/{flag}/dismiss", ("inspector",)),
    ("POST", "/flags/{flag}/escalate", ("inspector",)),
    ("GET", "/cases", READERS),
    ("POST", "/cases", EXPORTERS),
    ("GET", "/cases/picker", EXPORTERS),
    ("POST", "/cases/items", EXPORTERS),
    ("GET", "/listings/{listing}/cases", READERS),
    ("GET", "/cases/{case}", READERS),
    ("POST", "/cases/{case}/edit", EXPORTERS),
    ("POST", "/cases/{case}/status", EXPORTERS),
    ("POST", "/cases/{case}/items/{listing}/remove", EXPORTERS),
    ("POST", "/cases/{case}/export", EXPORTERS),
    ("GET", "/admin/users", ("admin",)),
    ("POST", "/admin/users", ("admin",)),
    ("POST", "/admin/users/{user}/role", ("admin",)),
    ("POST", "/admin/users/{user}/active", ("admin",)),
    ("POST", "/admin/users/{user}/password", ("admin",)),
    ("GET", "/admin/sources", ("admin",)),
]
PUBLIC = [("GET", "/"), ("GET", "/login"), ("POST", "/login"), ("GET", "/tips/new"), ("POST", "/tips")]
POSTS = [(m, p) for m, p, _ in PROTECTED if m == "POST"] + [(m, p) for m, p in PUBLIC if m == "POST"]


_CASES: dict[str, int] = {}  # database URL -> the case the matrix reads


def _case(env: Env) -> int:
    if env.url not in _CASES:
        with Session(env.engine) as session:
            case = cases_repo.create_case(session, title="Vụ kiểm tra", user_id=env.seeded.users["insp"])
            cases_repo.add_case_items(
                session, case.id, [(env.seeded.listings["xss"], None)], user_id=env.seeded.users["insp"]
            )
            session.commit()
            _CASES[env.url] = case.id
    return _CASES[env.url]


def _path(env: Env, template: str) -> str:
    return template.format(
        listing=env.seeded.listings["xss"],
        flag=env.seeded.flags["xss"],
        seller=env.seeded.sellers["s1"],
        rule=engine().rules[0].id,  # any rule of the shipped packs
        case=_case(env) if "{case}" in template else 0,
        user=env.seeded.users["insp2"],
    )


@pytest.fixture(scope="module")
def clients(shared_env: Env) -> Iterator[dict[str, tuple[TestClient, str]]]:
    yield {role: shared_env.login(name) for role, name in ROLES.items()}


def test_the_table_covers_every_route() -> None:
    routes = {
        (
            method,
            route.path.replace("{listing_id}", "{listing}")
            .replace("{flag_id}", "{flag}")
            .replace("{seller_id}", "{seller}")
            .replace("{rule_id}", "{rule}")
            .replace("{case_id}", "{case}")
            .replace("{user_id}", "{user}"),
        )
        for router in ROUTERS
        for route in router.routes
        if isinstance(route, APIRoute)
        for method in route.methods
    }
    assert routes == {(m, p) for m, p, _ in PROTECTED} | set(PUBLIC)


@pytest.mark.parametrize(
    ("method", "template", "allowed"), PROTECTED, ids=[f"{m} {p}" for m, p, _ in PROTECTED]
)
def test_unauthenticated(shared_env: Env, method: str, template: str, allowed: tuple[str, ...]) -> None:
    client = shared_env.client()
    path = _path(shared_env, template)
    if method == "GET":
        page = client.get(path)
        assert page.status_code == 303
        assert page.headers["location"].startswith("/login?next=")
        assert client.get(path, headers={"HX-Request": "true"}).status_code == 401
    else:
        token = csrf_of(client.get("/login").text)  # a valid pre-login token: only the login is missing
        assert client.post(path, data={"csrf_token": token}).status_code == 401
        assert (
            client.post(path, data={"csrf_token": token}, headers={"HX-Request": "true"}).status_code == 401
        )


@pytest.mark.parametrize(
    ("method", "template", "allowed"), PROTECTED, ids=[f"{m} {p}" for m, p, _ in PROTECTED]
)
@pytest.mark.parametrize("role", list(ROLES))
def test_roles(
    shared_env: Env,
    clients: dict[str, tuple[TestClient, str]],
    role: str,
    method: str,
    template: str,
    allowed: tuple[str, ...],
) -> None:
    client, token = clients[role]
    path = _path(shared_env, template)
    if method == "GET":
        expected = 200 if role in allowed else 403
        assert client.get(path).status_code == expected
    elif role not in allowed:
        assert client.post(path, data={"csrf_token": token}).status_code == 403
    else:  # allowed: prove the CSRF check without changing anything
        assert client.post(path, data={}).status_code == 403
        assert client.post(path, data={"csrf_token": "wrong"}).status_code == 403
        assert client.post(path, headers={"X-CSRF-Token": "wrong"}).status_code == 403


@pytest.mark.parametrize(("method", "path"), [p for p in POSTS if not p[1].startswith("/flags")])
def test_public_posts_need_the_csrf_cookie_and_field(shared_env: Env, method: str, path: str) -> None:
    client = shared_env.client()
    token = csrf_of(client.get("/login").text)
    data = {"username": "insp", "password": "x" * 12, "url": "https://tiki.vn/p/1", "description": "giả"}
    assert client.post(path, data=data).status_code == 403  # no token
    assert client.post(path, data=data | {"csrf_token": token + "x"}).status_code == 403  # wrong token
    fresh = shared_env.client()  # the right token but not this browser's cookie
    assert fresh.post(path, data=data | {"csrf_token": token}).status_code == 403


def test_security_headers_on_every_kind_of_response(
    shared_env: Env, clients: dict[str, tuple[TestClient, str]]
) -> None:
    anonymous = shared_env.client()
    responses = [
        anonymous.get("/login"),
        anonymous.get("/queue"),
        anonymous.get("/static/htmx.min.js"),
        anonymous.post("/tips", data={}),
        clients["analyst"][0].get("/audit"),
        clients["inspector"][0].get("/listings/999999"),
    ]
    for response in responses:
        csp = response.headers["content-security-policy"]
        assert "script-src 'self'" in csp and "unsafe-inline" not in csp and "frame-ancestors 'none'" in csp
        assert response.headers["x-frame-options"] == "DENY"
        assert response.headers["x-content-type-options"] == "nosniff"
        assert response.headers["referrer-policy"] == "same-origin"
    assert responses[-1].status_code == 404


def test_no_inline_script_in_pages(shared_env: Env, clients: dict[str, tuple[TestClient, str]]) -> None:
    client = clients["inspector"][0]
    for path in (
        "/queue", f"/listings/{shared_env.seeded.listings['milk']}", "/tips", "/login", "/tips/new", "/reports",
        "/sellers", f"/sellers/{shared_env.seeded.sellers['s1']}", "/cases", f"/cases/{_case(shared_env)}",
        f"/listings/{shared_env.seeded.listings['xss']}/cases", "/cases/picker",
    ):  # fmt: skip
        html = client.get(path).text
        assert html.count("<script") == html.count('<script src="/static/'), path
        assert_inert(html)  # no inline script, event handlers or javascript: links


def test_no_inline_script_in_admin_pages(shared_env: Env, clients: dict[str, tuple[TestClient, str]]) -> None:
    for path in ("/admin/users", "/admin/sources", "/audit"):
        html = clients["admin"][0].get(path).text
        assert html.count("<script") == html.count('<script src="/static/'), path
        assert_inert(html)
