"""What every real-browser test shares: Debian's chromium, a 360 px phone, screenshots and logging in.

The rooms' `test_browser.py` modules drive pytest-django's live server through Playwright's sync API.
The fixtures `chromium` and `demo_data` live in `kotacerdas/conftest.py`.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from django.conf import settings
from django.db import connections
from playwright.sync_api import BrowserContext, Page, ViewportSize, expect, sync_playwright

WIDTH = 360
VIEWPORT: ViewportSize = {"width": WIDTH, "height": 740}
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
SCREENSHOTS = settings.BASE_DIR / "var" / "screenshots"
LOGOUT_BUTTON = "nav form[action='/accounts/logout/'] button[type=submit]"


def chromium_or_skip() -> str:
    """Debian's chromium, or a skip locally / a failure under CI=true (never a silent skip in CI)."""
    path = shutil.which("chromium")
    if path is None:
        reason = "Debian's chromium is not on PATH (apt-get install chromium); the real-browser test cannot run"
        if os.environ.get("CI") == "true":
            pytest.fail(f"{reason}. Under CI=true a missing browser is a failure, not a skip.", pytrace=False)
        pytest.skip(reason)
    return path


@contextmanager
def phone(chromium: str, **options: Any) -> Iterator[BrowserContext]:
    """A phone-sized browser context; `options` go to `new_context` (locale, java_script_enabled, …)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    database = connections["default"]
    with pytest.MonkeyPatch.context() as patch, sync_playwright() as playwright:
        # Playwright's sync API keeps an asyncio loop running in this thread; Django's ORM would refuse to run here.
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        # Playwright's greenlet gets a fresh context, in which Django would open a second connection and leave
        # it open (PostgreSQL then refuses to drop the test database): keep using the test's own connection.
        connections["default"] = database
        browser = playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        context = browser.new_context(viewport=VIEWPORT, **options)
        try:
            yield context
        finally:
            context.close()
            browser.close()


def fits_the_screen(page: Page, name: str) -> None:
    """Save a screenshot and assert nothing but a `.table-wrap` scrolls sideways at 360 px."""
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)
    scroll_width = page.evaluate("document.documentElement.scrollWidth")
    assert scroll_width <= WIDTH, f"{page.url} is {scroll_width} px wide at a {WIDTH} px viewport"


def log_in(
    page: Page, base: str, username: str, password: str = settings.DEMO_PASSWORD, *, lands_on: str | None = None
) -> None:
    """Sign in through the login form; signed in means the menu offers to log out (and, if given, at `lands_on`)."""
    page.goto(f"{base}/accounts/login/")
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill(password)
    page.locator("main form button[type=submit]").click()
    if lands_on is not None:
        page.wait_for_url(f"{base}{lands_on}")
    page.wait_for_load_state()
    expect(page.locator(LOGOUT_BUTTON)).to_be_visible()
