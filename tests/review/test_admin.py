"""Admin pages: accounts (create, role, disable/enable, reset password; never the last admin), audited
with before/after, and the sources with their last crawl run."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from review.routes import admin
from storage import repositories as repo
from storage.models_review import AppUser, AuditLog, UserSession
from tests.review.conftest import Env, csrf_of
from tests.review.inert import assert_inert
from tests.review.seed import PASSWORD, XSS_SCRIPT

NEW_PASSWORD = "a brand new passphrase"


def _user(env: Env, name: str) -> AppUser:
    with Session(env.engine) as s:
        return s.scalars(select(AppUser).where(AppUser.username == name)).one()


def _audit(env: Env, action: str) -> list[AuditLog]:
    with Session(env.engine) as s:
        return list(s.scalars(select(AuditLog).where(AuditLog.action == action).order_by(AuditLog.id)))


def _sessions(env: Env, name: str) -> int:
    with Session(env.engine) as s:
        return s.scalar(
            select(func.count()).select_from(UserSession).where(UserSession.user_id == _user(env, name).id)
        ) or 0  # fmt: skip


def _can_log_in(env: Env, name: str, password: str = PASSWORD) -> bool:
    client = env.client()
    token = csrf_of(client.get("/login").text)
    response = client.post("/login", data={"username": name, "password": password, "csrf_token": token})
    return response.status_code == 303


def _post(client: TestClient, token: str, path: str, **form: str) -> int:
    return client.post(path, data={"csrf_token": token, **form}).status_code


def test_admin_creates_a_user_who_can_log_in(env: Env) -> None:
    client, token = env.login("adm")
    page = client.get("/admin/users").text
    assert_inert(page)
    assert all(f'data-username="{name}"' in page for name in ("insp", "insp2", "ana", "adm"))
    form = {"username": "thanh.tra", "password": NEW_PASSWORD, "role": "inspector"}
    response = client.post("/admin/users", data={"csrf_token": token, **form})
    assert response.headers["location"] == "/admin/users?msg=user_added"
    assert "Đã thêm người dùng." in client.get(response.headers["location"]).text
    assert _user(env, "thanh.tra").role == "inspector"
    assert _user(env, "thanh.tra").password_hash.startswith("$argon2id$")
    assert _can_log_in(env, "thanh.tra", NEW_PASSWORD)
    (entry,) = _audit(env, "user_add")
    assert (entry.username, entry.user_id, entry.ip) == ("adm", _user(env, "adm").id, "testclient")
    assert entry.after == {"username": "thanh.tra", "role": "inspector"}


@pytest.mark.parametrize(
    "form",
    [
        {"username": "insp", "password": NEW_PASSWORD, "role": "inspector"},  # taken
        {"username": "short.pw", "password": "123", "role": "inspector"},
        {"username": XSS_SCRIPT, "password": NEW_PASSWORD, "role": "inspector"},
        {"username": "boss", "password": NEW_PASSWORD, "role": "superuser"},
    ],
)
def test_invalid_new_users_are_refused(env: Env, form: dict[str, str]) -> None:
    client, token = env.login("adm")
    response = client.post("/admin/users", data={"csrf_token": token, **form})
    assert response.status_code == 422
    assert_inert(response.text)
    with Session(env.engine) as s:
        assert s.scalar(select(func.count()).select_from(AppUser)) == 4
    assert _audit(env, "user_add") == []


def test_role_changes_apply_at_once_and_are_audited(env: Env) -> None:
    inspector, _ = env.login("insp")
    assert inspector.get("/cases/picker").status_code == 200
    client, token = env.login("adm")
    assert _post(client, token, f"/admin/users/{env.seeded.users['insp']}/role", role="analyst") == 303
    assert inspector.get("/cases/picker").status_code == 403  # the same session, the new role
    (entry,) = _audit(env, "user_role")
    assert (entry.username, entry.before, entry.after) == (
        "adm", {"username": "insp", "role": "inspector"}, {"username": "insp", "role": "analyst"},
    )  # fmt: skip
    assert _post(client, token, "/admin/users/999999/role", role="analyst") == 404


def test_disabling_ends_sessions_and_enabling_lets_back_in(env: Env) -> None:
    inspector, _ = env.login("insp")
    assert _sessions(env, "insp") == 1
    client, token = env.login("adm")
    user_id = env.seeded.users["insp"]
    assert _post(client, token, f"/admin/users/{user_id}/active", active="0") == 303
    assert _sessions(env, "insp") == 0
    assert inspector.get("/queue").headers["location"].startswith("/login")
    assert not _can_log_in(env, "insp")
    assert _post(client, token, f"/admin/users/{user_id}/active", active="1") == 303
    assert _can_log_in(env, "insp")
    disable, enable = _audit(env, "user_disable") + _audit(env, "user_enable")
    assert disable.before == {"username": "insp", "active": True}
    assert disable.after == {"username": "insp", "active": False, "sessions_ended": 1}
    assert (enable.before, enable.after) == (
        {"username": "insp", "active": False},
        {"username": "insp", "active": True},
    )


def test_password_reset(env: Env) -> None:
    inspector, _ = env.login("insp")
    client, token = env.login("adm")
    user_id = env.seeded.users["insp"]
    assert _post(client, token, f"/admin/users/{user_id}/password", password="short") == 422
    assert _post(client, token, f"/admin/users/{user_id}/password", password=NEW_PASSWORD) == 303
    assert inspector.get("/queue").status_code == 303  # the old session is over
    assert not _can_log_in(env, "insp") and _can_log_in(env, "insp", NEW_PASSWORD)
    (entry,) = _audit(env, "user_password_reset")
    assert entry.username == "adm" and entry.after["sessions_ended"] == 1  # type: ignore[index]
    assert "argon2" not in str(entry.before) + str(entry.after)  # never the hash
    # a reset does not re-enable a disabled account
    assert _post(client, token, f"/admin/users/{user_id}/active", active="0") == 303
    assert _post(client, token, f"/admin/users/{user_id}/password", password=NEW_PASSWORD + "!") == 303
    assert not _user(env, "insp").active


def test_the_last_admin_cannot_be_disabled_or_demoted(env: Env) -> None:
    client, token = env.login("adm")
    me = env.seeded.users["adm"]
    response = client.post(f"/admin/users/{me}/role", data={"csrf_token": token, "role": "inspector"})
    assert response.status_code == 409 and "quản trị viên cuối cùng" in response.text
    assert _post(client, token, f"/admin/users/{me}/active", active="0") == 409
    assert _user(env, "adm").role == "admin" and _user(env, "adm").active
    assert _audit(env, "user_role") == [] and _audit(env, "user_disable") == []
    # with a second admin, an admin may step down (and then no longer sees the admin pages)
    assert _post(client, token, f"/admin/users/{env.seeded.users['ana']}/role", role="admin") == 303
    response = client.post(f"/admin/users/{me}/role", data={"csrf_token": token, "role": "analyst"})
    assert response.headers["location"] == "/"
    assert client.get("/admin/users").status_code == 403
    other, other_token = env.login("ana")
    assert _post(other, other_token, f"/admin/users/{env.seeded.users['ana']}/active", active="0") == 409


def test_sources_page_shows_each_source_and_its_last_run(
    env: Env, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    sources = tmp_path / "sources.toml"
    sources.write_text(
        '[sources.tiki]\nbase_url = "https://tiki.vn"\n\n[sources.shopee]\nenabled = false\n'
        "\n[sources.sendo]\n",
        encoding="utf-8",
    )
    monkeypatch.setattr(admin, "SOURCES_FILE", sources)
    with Session(env.engine) as s:
        run = repo.start_crawl_run(s, "tiki", {})
        stats = {
            "ecomwatch/pages/search": 5, "ecomwatch/pages/detail": 40, "item_scraped_count": 38,
            "ecomwatch/items/flagged": 7, "ecomwatch/flags/new": 3, "ecomwatch/blocks": 2,
        }  # fmt: skip
        repo.finish_crawl_run(s, run, status="degraded", stats=stats)
        repo.start_crawl_run(s, "urls", {})
        s.commit()
    client, _ = env.login("adm")
    page = client.get("/admin/sources").text
    assert_inert(page)
    rows = {part.split('"')[0]: part.split("</tr>")[0] for part in page.split('<tr data-source="')[1:]}
    assert list(rows) == ["tiki", "shopee", "sendo", "urls"]
    cells = rows["tiki"].replace(" ", "")
    assert f"#{run}" in cells and "<code>degraded</code>" in cells
    assert (
        '<tdclass="num">45</td><tdclass="num">38</td><tdclass="num">7</td><tdclass="num">3</td><tdclass="num">2</td>'
        in cells
    )
    assert "Không" in rows["shopee"] and "—" in rows["sendo"]
    assert "Không có trong tệp cấu hình" in rows["urls"] and "<code>running</code>" in rows["urls"]
    sources.write_text("[sources.tiki\n", encoding="utf-8")
    broken = client.get("/admin/sources")
    assert (
        broken.status_code == 200 and "not valid TOML" in broken.text and 'data-source="tiki"' in broken.text
    )
