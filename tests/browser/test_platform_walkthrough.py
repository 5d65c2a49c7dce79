"""In a real browser: log in, the dashboard, a system, register a version (bad input answered on the
form first), and the red teamer's view without the upstream endpoint."""

from __future__ import annotations

from typing import Any

import pytest
from tests.browser.conftest import Shooter

from redhive.demo import DEMO_PASSWORD

pytestmark = pytest.mark.browser


def log_in(page: Any, base: str, email: str) -> None:
    page.goto(f"{base}/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(f"{base}/dashboard")


def test_login_dashboard_and_register_a_system_version(page: Any, live_server: str, shoot: Shooter) -> None:
    page.goto(f"{live_server}/login")
    shoot("login")
    page.get_by_label("Email").fill("lena@northwind.demo")
    page.get_by_label("Password").fill("not the password")
    page.get_by_role("button", name="Log in").click()
    assert page.get_by_role("alert").first.inner_text().startswith("The email or the password is wrong")

    log_in(page, live_server, "lena@northwind.demo")
    assert page.get_by_role("heading", name="Welcome, Lena Park").is_visible()
    assert page.get_by_text("Welcome back, Lena Park.").is_visible()
    shoot("dashboard")

    page.get_by_role("link", name="Northwind Assistant").first.click()
    assert page.get_by_role("heading", name="Northwind Assistant").is_visible()
    assert page.get_by_text("sim:guarded").first.is_visible()  # the demo has two builds on it
    shoot("system")

    page.get_by_role("link", name="Register a version").click()
    page.get_by_label("Version label").fill("2026.12-ga")
    page.get_by_label("Target").fill("not a target spec")
    page.get_by_label("API key").fill("sk-browser-planted-secret")
    page.get_by_role("button", name="Register version").click()
    assert page.locator("#e-upstream_target").is_visible()
    assert page.get_by_label("Version label").input_value() == "2026.12-ga"
    assert page.get_by_label("API key").input_value() == ""
    shoot("version-form-errors")

    page.get_by_label("Target").fill("openai:northwind-assistant")
    page.get_by_label("Base URL").fill("http://127.0.0.1:9/v1")
    page.get_by_label("API key").fill("sk-browser-planted-secret")
    page.get_by_label("Checkpoint id").fill("nw-assist-1.0")
    page.get_by_role("button", name="Register version").click()
    assert page.get_by_text("Version 2026.12-ga was registered.").is_visible()
    row = page.get_by_role("row").filter(has_text="2026.12-ga")
    assert "stored, encrypted" in row.inner_text()
    assert "sk-browser-planted-secret" not in page.content()
    shoot("version-registered")

    page.get_by_role("button", name="Log out").click()
    log_in(page, live_server, "amara@experts.demo")
    page.goto(page.url.replace("/dashboard", "/systems"))
    page.get_by_role("link", name="Northwind Assistant").click()
    assert page.get_by_text("2026.12-ga").is_visible()
    content = page.content()
    assert "openai:northwind-assistant" not in content and "127.0.0.1:9" not in content
    shoot("red-teamer-view")
