"""Login, throttled failures, cookies, logout and the idle and absolute session timeouts."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from review.app import create_app
from review.security import safe_next
from storage.models import utcnow
from storage.models_review import AppUser, AuditLog, UserSession
from tests.review.conftest import Env, csrf_of, settings_for
from tests.review.seed import PASSWORD


def _post_login(env: Env, username: str, password: str, **extra: str):  # type: ignore[no-untyped-def]
    client = env.client()
    token = csrf_of(client.get("/login").text)
    return client, client.post(
        "/login", data={"username": username, "password": password, "csrf_token": token, **extra}
    )


def _actions(env: Env) -> list[str]:
    with Session(env.engine) as s:
        return list(s.scalars(select(AuditLog.action).order_by(AuditLog.id)))


def test_login_sets_a_hardened_cookie_and_goes_home(env: Env) -> None:
    client, response = _post_login(env, "insp", PASSWORD, next="/listings/1")
    assert response.status_code == 303 and response.headers["location"] == "/listings/1"
    cookie = response.headers["set-cookie"]
    assert (
        "ew_session=" in cookie
        and "HttpOnly" in cookie
        and "SameSite=lax" in cookie
        and "Secure" not in cookie
    )
    assert client.get("/queue").status_code == 200
    assert _actions(env)[-1] == "login"
    with Session(env.engine) as s:
        stored = s.scalars(select(UserSession.token_hash)).all()
    assert len(stored) == 1 and client.cookies["ew_session"] not in stored[0]  # only a hash is stored


def test_secure_cookie_behind_https(env: Env) -> None:
    app, env.app = env.app, create_app(settings_for(env.url, secure_cookies=True))
    try:
        _, response = _post_login(env, "insp", PASSWORD)
        assert "Secure" in response.headers["set-cookie"]
    finally:  # the fixture disposes of the engine of the app it made, not of this one's
        env.app.state.engine.dispose()
        env.app = app


def test_wrong_password_and_unknown_user_look_the_same(env: Env) -> None:
    _, wrong = _post_login(env, "insp", "not the password")
    _, unknown = _post_login(env, "nobody", "not the password")
    assert wrong.status_code == unknown.status_code == 401
    assert (
        "Sai tên đăng nhập hoặc mật khẩu." in wrong.text
        and "Sai tên đăng nhập hoặc mật khẩu." in unknown.text
    )
    assert "ew_session" not in wrong.headers.get("set-cookie", "")
    assert _actions(env) == ["login_failed", "login_failed"]


def test_repeated_failures_lock_the_account_even_for_the_right_password(env: Env) -> None:
    for _ in range(2):
        assert _post_login(env, "insp", "wrong password!")[1].status_code == 401
    _, third = _post_login(env, "insp", "wrong password!")
    assert "tạm khóa" in third.text  # locked after max_failed_logins=3
    _, right = _post_login(env, "insp", PASSWORD)
    assert right.status_code == 401 and "tạm khóa" in right.text
    assert _actions(env)[-1] == "login_locked"
    with Session(env.engine) as s:  # the lock expires
        s.execute(
            update(AppUser)
            .where(AppUser.username == "insp")
            .values(locked_until=utcnow() - timedelta(seconds=1))
        )
        s.commit()
    assert _post_login(env, "insp", PASSWORD)[1].status_code == 303


def test_success_resets_the_failure_count(env: Env) -> None:
    for _ in range(2):
        _post_login(env, "insp", "wrong password!")
    assert _post_login(env, "insp", PASSWORD)[1].status_code == 303
    for _ in range(2):
        _post_login(env, "insp", "wrong password!")
    assert _post_login(env, "insp", PASSWORD)[1].status_code == 303  # still not locked


def test_logout_ends_the_session_on_the_server(env: Env) -> None:
    client, token = env.login("insp")
    stolen = client.cookies["ew_session"]
    assert client.post("/logout", data={"csrf_token": token}).status_code == 303
    replay = env.client()
    replay.cookies.set("ew_session", stolen)
    assert replay.get("/queue").status_code == 303  # the old cookie is worthless
    assert "logout" in _actions(env)


def _age_session(env: Env, *, idle: timedelta = timedelta(0), age: timedelta = timedelta(0)) -> None:
    now = utcnow()
    with Session(env.engine) as s:
        s.execute(update(UserSession).values(last_seen_at=now - idle, created_at=now - age))
        s.commit()


def test_idle_timeout(env: Env) -> None:
    client, _ = env.login("insp")
    _age_session(env, idle=timedelta(minutes=29), age=timedelta(minutes=29))
    assert client.get("/queue").status_code == 200
    _age_session(env, idle=timedelta(minutes=31), age=timedelta(minutes=31))
    assert client.get("/queue").status_code == 303
    assert client.get("/queue", headers={"HX-Request": "true"}).status_code == 401
    with Session(env.engine) as s:
        assert s.scalars(select(UserSession)).all() == []  # deleted, not just refused


def test_activity_keeps_a_session_alive_until_the_absolute_timeout(env: Env) -> None:
    client, _ = env.login("insp")
    _age_session(env, idle=timedelta(minutes=5), age=timedelta(hours=11))
    assert client.get("/queue").status_code == 200
    with Session(env.engine) as s:  # last_seen_at was refreshed
        assert utcnow() - s.scalars(select(UserSession.last_seen_at)).one() < timedelta(minutes=1)
    _age_session(env, idle=timedelta(minutes=1), age=timedelta(hours=12, minutes=1))
    assert client.get("/queue").status_code == 303


def test_deactivated_user_is_logged_out(env: Env) -> None:
    client, _ = env.login("insp")
    with Session(env.engine) as s:
        s.execute(update(AppUser).where(AppUser.username == "insp").values(active=False))
        s.commit()
    assert client.get("/queue").status_code == 303


def test_login_redirects_only_to_local_paths() -> None:
    assert safe_next("/queue?category=smuggled") == "/queue?category=smuggled"
    for hostile in ("https://evil.example", "//evil.example", "/\\evil.example", "javascript:alert(1)", ""):
        assert safe_next(hostile) == "/"


def test_roles_land_on_their_home_page(env: Env) -> None:
    for name, home in (("insp", "/queue"), ("ana", "/queue"), ("adm", "/audit")):
        client, response = _post_login(env, name, PASSWORD)
        assert response.headers["location"] == home
        assert client.get("/login").headers["location"] == home  # already logged in
