"""A real Chromium walks a Bappeda planner through login, the coverage matrix, the language switch and logout at 360 px.

Runs against pytest-django's live server (a TransactionTestCase underneath) with the real demo data. Debian's
`chromium` is required: without it the test is skipped locally and fails under CI=true, never a silent skip in CI.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.conf import settings
from playwright.sync_api import ConsoleMessage, Page, expect

from kotacerdas.core.tests.browser import LOGOUT_BUTTON, fits_the_screen, phone

pytestmark = pytest.mark.browser

PLANNER = "bappeda.yogyakarta"
ENGLISH_HEADING = "Coverage matrix: which agency supports which element"


@pytest.fixture
def page(chromium: str, live_server: Any, demo_data: None) -> Iterator[Page]:
    """A phone-sized page, JavaScript off, whose browser asks for English: the site must still answer in Indonesian."""
    with phone(chromium, locale="en-US", java_script_enabled=False) as context:
        yield context.new_page()


def test_it_walks_a_planner_from_login_through_the_coverage_matrix_to_logout(page: Page, live_server: Any) -> None:
    errors: list[str] = []
    page.on("console", lambda message: _keep_error(errors, message))
    base = live_server.url

    page.goto(f"{base}/accounts/login/")
    expect(page.locator("html")).to_have_attribute("lang", "id")
    fits_the_screen(page, "browser-01-login")
    page.locator("#id_username").fill(PLANNER)
    page.locator("#id_password").fill(settings.DEMO_PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(f"{base}/yogyakarta/")
    expect(page.locator("h1")).to_have_text("Kota Yogyakarta")
    expect(page.locator(LOGOUT_BUTTON)).to_have_text("Keluar")  # Django's own Indonesian catalogue
    fits_the_screen(page, "browser-02-region")

    page.goto(f"{base}/yogyakarta/framework/coverage/")
    expect(page.locator("html")).to_have_attribute("lang", "id")
    expect(page.locator("h1")).not_to_have_text(ENGLISH_HEADING)  # needs the compiled catalogue (make messages)
    expect(page.locator(".table-wrap table.matrix")).to_be_visible()
    expect(page.locator("table.matrix tbody tr").first).to_be_visible()
    expect(page.locator("#gaps-elements")).to_be_visible()
    expect(page.locator("#gaps-agencies")).to_be_visible()
    fits_the_screen(page, "browser-03-coverage-id")

    page.locator("#lang-select").select_option("en")
    page.locator("form.lang button[type=submit]").click()
    page.wait_for_url(f"{base}/yogyakarta/framework/coverage/")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator("h1")).to_have_text(ENGLISH_HEADING)
    expect(page.locator(LOGOUT_BUTTON)).to_have_text("Log out")
    fits_the_screen(page, "browser-04-coverage-en")

    page.locator(LOGOUT_BUTTON).click()
    page.wait_for_url(f"{base}/")
    expect(page.locator("nav a[href^='/accounts/login/']")).to_be_visible()
    expect(page.locator("nav form[action='/accounts/logout/']")).to_have_count(0)
    fits_the_screen(page, "browser-05-logged-out")
    assert errors == [], f"the browser console reported errors: {errors}"


def _keep_error(errors: list[str], message: ConsoleMessage) -> None:
    """Console errors include CSP violations and failed asset loads."""
    if message.type == "error":
        errors.append(message.text)
