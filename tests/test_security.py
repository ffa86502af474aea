"""Security headers, cookies and CSRF: what a browser is told, and what a forged form gets."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from tests.conftest import client_for
from tests.test_settings import run_ficarchive

TEMPLATES = Path(__file__).resolve().parents[1] / "src" / "ficarchive" / "templates"


def policy(response) -> dict[str, str]:
    directives = (
        part.strip().split(" ", 1) for part in response["Content-Security-Policy"].split(";")
    )
    return {name: value for name, value in directives}


@pytest.mark.django_db
def test_pages_forbid_inline_scripts_and_styles_and_framing(guest_client):
    response = guest_client.get("/")
    csp = policy(response)
    assert csp["script-src"] == "'self'"
    assert csp["style-src"] == "'self'"
    assert csp["frame-ancestors"] == "'none'"
    assert csp["object-src"] == "'none'"
    assert "unsafe-inline" not in response["Content-Security-Policy"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"


@pytest.mark.django_db
def test_error_pages_carry_the_policy_too(guest_client):
    response = guest_client.get("/no-such-page/")
    assert response.status_code == 404
    assert "frame-ancestors 'none'" in response["Content-Security-Policy"]


@pytest.mark.django_db
def test_hsts_is_sent_over_https_only(settings, guest_client):
    settings.SECURE_HSTS_SECONDS = 31536000
    assert "max-age=31536000" in guest_client.get("/", secure=True)["Strict-Transport-Security"]
    assert "Strict-Transport-Security" not in guest_client.get("/")


@pytest.mark.parametrize("template", sorted(TEMPLATES.rglob("*.html")), ids=lambda p: p.name)
def test_templates_have_no_inline_script_style_or_event_handler(template):
    text = template.read_text()
    assert not re.search(r"<script(?![^>]*\bsrc=)", text), "inline <script>"
    assert not re.search(r"<style\b|\bstyle=", text), "inline style"
    assert not re.search(r"\son[a-z]+\s*=", text), "inline event handler"
    assert "javascript:" not in text


PRODUCTION_SETTINGS = (
    "from django.conf import settings as s; "
    "print(s.SESSION_COOKIE_SECURE, s.SESSION_COOKIE_HTTPONLY, s.SESSION_COOKIE_SAMESITE, "
    "s.CSRF_COOKIE_SECURE, s.CSRF_COOKIE_HTTPONLY, s.CSRF_COOKIE_SAMESITE, "
    "s.SECURE_HSTS_SECONDS, s.SECURE_SSL_REDIRECT)"
)


def test_production_cookies_are_secure_httponly_and_samesite(tmp_path):
    result = run_ficarchive(tmp_path, "shell", "-v", "0", "-c", PRODUCTION_SETTINGS)
    assert result.stdout.split() == [
        "True",
        "True",
        "Lax",
        "True",
        "True",
        "Lax",
        "31536000",
        "True",
    ]


def test_plain_http_development_drops_only_the_https_parts(tmp_path):
    result = run_ficarchive(
        tmp_path, "shell", "-v", "0", "-c", PRODUCTION_SETTINGS, FICARCHIVE_HTTPS="0"
    )
    assert result.stdout.split() == ["False", "True", "Lax", "False", "True", "Lax", "0", "False"]


@pytest.mark.django_db
def test_the_session_cookie_is_httponly_and_samesite(settings, alice):
    settings.SESSION_COOKIE_SECURE = True
    client = Client()
    client.post("/account/login/", {"username": "alice", "password": "a long test password 1"})
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    assert cookie["httponly"] and cookie["secure"]
    assert cookie["samesite"] == "Lax"


# --- CSRF on every URL -------------------------------------------------------------------


def every_url(resolver: URLResolver | None = None, prefix: str = "") -> list[tuple[str, object]]:
    """(a concrete URL, its view) for every pattern, with "1" for each path parameter."""
    found = []
    for entry in (resolver or get_resolver()).url_patterns:
        route = str(entry.pattern)
        if "(?P<" in route:
            continue  # the admin's regex catch-alls: their views are covered by their routes
        route = re.sub(r"<[^>]+>", "1", route.lstrip("^").rstrip("$").replace("\\", ""))
        if isinstance(entry, URLResolver):
            found += every_url(entry, prefix + route)
        elif isinstance(entry, URLPattern):
            found.append(("/" + prefix + route, entry.callback))
    return found


# The JSON API and the OPDS catalogue answer to tokens, which a forged cross-site request
# can't carry; Django Ninja checks the CSRF token itself when an API request authenticates
# with the session cookie (tests/api/test_writing.py::test_session_writes_need_the_csrf_token).
TOKEN_AUTHENTICATED = ("/api/", "/opds/")


def test_no_view_is_exempt_from_csrf():
    exempt = [
        url
        for url, view in every_url()
        if getattr(view, "csrf_exempt", False) and not url.startswith(TOKEN_AUTHENTICATED)
    ]
    assert exempt == []


@pytest.mark.django_db
def test_every_url_refuses_a_post_without_the_token(staff):
    client = client_for(staff)
    client.handler.enforce_csrf_checks = True
    accepted = {}
    for url, _ in every_url():
        if url.startswith(TOKEN_AUTHENTICATED):
            continue
        response = client.post(url, {"title": "Forged"})
        if response.status_code != 403 or b"couldn" not in response.content:
            accepted[url] = response.status_code
    assert accepted == {}
    assert len(every_url()) > 80
