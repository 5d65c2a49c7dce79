"""In a real browser: turn on the second factor (QR code, secret, confirmation code, recovery codes
shown once), log out, and log in again with the password and then the authenticator's code."""

from __future__ import annotations

import re
import time
from typing import Any

import pyotp
import pytest
from tests.browser.conftest import Shooter

from redhive.demo import DEMO_PASSWORD

pytestmark = pytest.mark.browser


def test_enrol_a_second_factor_and_log_in_with_its_code(page: Any, live_server: str, shoot: Shooter) -> None:
    from playwright.sync_api import expect

    email = "lena@northwind.demo"
    page.goto(f"{live_server}/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page).to_have_url(f"{live_server}/dashboard")

    page.goto(f"{live_server}/account")
    page.get_by_role("link", name="Set up an authenticator app").click()
    expect(page.get_by_role("heading", name="Second factor")).to_be_visible()
    expect(page.locator("figure.qr svg")).to_be_visible()
    secret = page.locator("#totp-secret").inner_text().strip()
    assert re.fullmatch(r"[A-Z2-7]{32}", secret)
    shoot("totp-enrol")
    totp = pyotp.TOTP(secret)
    page.get_by_label("Code from the app").fill("000000" if totp.now() != "000000" else "111111")
    page.get_by_role("button", name="Turn on the second factor").click()
    expect(page.locator("#e-code")).to_contain_text("does not match")
    page.get_by_label("Code from the app").fill(totp.now())
    page.get_by_role("button", name="Turn on the second factor").click()
    expect(page.locator("#recovery-codes li")).to_have_count(10)
    shoot("totp-recovery-codes")

    page.get_by_role("button", name="Log out").click()
    expect(page).to_have_url(re.compile(r"/login"))
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="Your one-time code")).to_be_visible()
    expect(page).to_have_url(re.compile(r"/login/code"))
    page.get_by_label("Code").fill("12345")
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("alert").first).to_contain_text("The code is wrong")
    shoot("totp-wrong-code")
    page.get_by_label("Code").fill(totp.at(time.time() + 30))  # the step after the confirmation's
    page.get_by_role("button", name="Log in").click()
    expect(page).to_have_url(f"{live_server}/dashboard")
    expect(page.get_by_text("Welcome back, Lena Park.")).to_be_visible()
    page.goto(f"{live_server}/account")
    expect(page.get_by_text("this session")).to_be_visible()
    expect(page.get_by_text("10 recovery code(s) left")).to_be_visible()
    shoot("account-sessions")
