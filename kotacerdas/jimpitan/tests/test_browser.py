"""A real Chromium at 360 px: the ronda records houses, loses the signal, records one more, and it arrives once.

Runs against pytest-django's live server with the real demo data (RT 01 / RW 01 Patangpuluhan). The server's
clock is frozen at 22:30 WIB tonight (time-machine, ticking) and the browser's clock is set to the same instant,
so the phone's own time stamps on queued records fall inside the watch. Debian's `chromium` is required:
without it the test is skipped locally and fails under CI=true.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import zoneinfo
from collections.abc import Iterator
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
import time_machine
from django.conf import settings
from django.core.management import call_command
from django.db import connections
from playwright.sync_api import BrowserContext, ConsoleMessage, Page, ViewportSize, expect, sync_playwright

from kotacerdas.accounts.models import User
from kotacerdas.demo import jimpitan as demo
from kotacerdas.jimpitan import nights, selectors, services
from kotacerdas.jimpitan.models import Collection, EntryKind, Fund, Household, LedgerEntry, RondaGroupMember, Shift

pytestmark = pytest.mark.browser

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
SCREENSHOTS = Path(settings.BASE_DIR) / "var" / "screenshots"
WIB = zoneinfo.ZoneInfo("Asia/Jakarta")
LOGOUT_BUTTON = "nav form[action='/accounts/logout/'] button[type=submit]"


def tonight_at_half_past_ten() -> dt.datetime:
    """22:30 WIB on today's date in Yogyakarta: inside the demo fund's watch (22:00–06:00)."""
    today = dt.datetime.now(WIB).date()
    return dt.datetime.combine(today, dt.time(22, 30), WIB)


@pytest.fixture
def chromium() -> str:
    path = shutil.which("chromium")
    if path is None:
        reason = "Debian's chromium is not on PATH (apt-get install chromium); the real-browser test cannot run"
        if os.environ.get("CI") == "true":
            pytest.fail(f"{reason}. Under CI=true a missing browser is a failure, not a skip.", pytrace=False)
        pytest.skip(reason)
    return path


@pytest.fixture
def watch() -> Iterator[dt.datetime]:
    moment = tonight_at_half_past_ten()
    with time_machine.travel(moment, tick=True):
        yield moment


@pytest.fixture
def demo_data(transactional_db: None, django_db_serialized_rollback: None, watch: dt.datetime) -> Fund:
    """The demo data, and the ronda member put in tonight's group (the demo puts them on Thursdays)."""
    call_command("load_demo", verbosity=0, stdout=StringIO())
    fund = Fund.objects.select_related("region", "area").get(name=demo.FUND_NAME)
    night = nights.night_of(fund, watch)
    assert night is not None
    group = selectors.group_on_duty(fund=fund, night=night)
    ronda = User.objects.get(username=demo.RONDA_MEMBER)
    if group is not None and not RondaGroupMember.objects.filter(group=group, user=ronda).exists():
        services.group_member_add(group=group, user=ronda, actor=User.objects.get(username=demo.TREASURER))
    return fund


@pytest.fixture
def context(
    chromium: str, live_server: Any, demo_data: Fund, watch: dt.datetime, monkeypatch: pytest.MonkeyPatch
) -> Iterator[BrowserContext]:
    """A phone-sized browser with JavaScript on, its clock at the server's frozen instant."""
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    database = connections["default"]
    with sync_playwright() as playwright:
        # Playwright's greenlet gets a fresh context, in which Django would open a second connection and leave
        # it open (PostgreSQL then refuses to drop the test database): keep using the test's own connection.
        connections["default"] = database
        browser = playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        context = browser.new_context(viewport=VIEWPORT, locale="id-ID", timezone_id="Asia/Jakarta")
        context.clock.install(time=watch)
        try:
            yield context
        finally:
            context.close()
            browser.close()


def fits_the_screen(page: Page, name: str) -> None:
    page.screenshot(path=str(SCREENSHOTS / f"jimpitan-{name}.png"), full_page=True)
    scroll_width = page.evaluate("document.documentElement.scrollWidth")
    assert scroll_width <= WIDTH, f"{page.url} is {scroll_width} px wide at a {WIDTH} px viewport"


def log_in(page: Page, base: str, username: str) -> None:
    page.goto(f"{base}/accounts/login/")
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill(settings.DEMO_PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()


def house_row(page: Page, household: Household) -> Any:
    return page.locator(f"#house-{household.pk}")


def record(page: Page, household: Household) -> None:
    house_row(page, household).locator("form[data-collect] button[type=submit]").click()


def test_the_ronda_records_houses_offline_and_each_arrives_exactly_once(
    context: BrowserContext, demo_data: Fund, live_server: Any
) -> None:
    errors: list[str] = []
    page = context.new_page()
    page.on("console", lambda message: _keep_error(errors, message))
    base, fund = live_server.url, demo_data
    first, second, third = (Household.objects.get(fund=fund, number=n) for n in ("1", "2", "3"))

    log_in(page, base, demo.RONDA_MEMBER)
    page.goto(f"{base}/yogyakarta/")
    page.locator("nav a[href='/yogyakarta/jimpitan/']").click()
    page.locator(f"a[href='/yogyakarta/jimpitan/funds/{fund.pk}/tonight/']").first.click()
    fits_the_screen(page, "01-tonight-closed")
    page.locator(f"form[action='/yogyakarta/jimpitan/funds/{fund.pk}/tonight/open/'] button").click()
    expect(house_row(page, first).locator("form[data-collect]")).to_be_visible()
    assert page.evaluate("navigator.serviceWorker.ready.then(() => true)")

    record(page, first)
    expect(house_row(page, first)).to_have_class("house is-recorded")
    record(page, second)
    expect(house_row(page, second)).to_have_class("house is-recorded")
    fits_the_screen(page, "02-two-recorded")

    context.set_offline(True)
    expect(page.locator("[data-offline-note]")).to_be_visible()
    record(page, third)
    expect(house_row(page, third)).to_have_class("house is-queued")
    expect(page.locator("[data-queue-count]")).to_have_text("1")
    queued = page.evaluate("window.localStorage.getItem('jimpitan-queue-v1')")
    fits_the_screen(page, "03-offline-queued")
    assert Collection.objects.filter(household=third).count() == 0

    context.set_offline(False)
    expect(house_row(page, third)).to_have_class("house is-recorded", timeout=15_000)
    expect(page.locator("[data-queue-note]")).to_be_hidden()
    fits_the_screen(page, "04-back-online")

    # The phone never heard the answer and sends the same record again: it still counts once.
    page.evaluate(
        "queue => { localStorage.setItem('jimpitan-queue-v1', queue); dispatchEvent(new Event('online')); }", queued
    )
    expect(page.locator("[data-queue-note]")).to_be_hidden(timeout=15_000)
    assert Collection.objects.filter(household=third).count() == 1
    assert Collection.objects.filter(fund=fund).count() == 3

    page.locator(LOGOUT_BUTTON).click()
    log_in(page, base, demo.TREASURER)
    page.goto(f"{base}/yogyakarta/jimpitan/funds/{fund.pk}/tonight/")
    page.locator("a[href$='/close/']").first.click()
    expect(page.locator("#id_counted_total")).to_have_value("1500")
    fits_the_screen(page, "05-close")
    page.locator("main form button[type=submit]").click()
    expect(page.locator(".messages li")).to_be_visible()
    fits_the_screen(page, "06-closed")

    shift = Shift.objects.get(fund=fund)
    assert (shift.status, shift.counted_total, shift.recorded_total, shift.closed_by.username) == (
        "closed", 1500, 1500, demo.TREASURER,
    )  # fmt: skip
    assert list(LedgerEntry.objects.filter(shift=shift).values_list("kind", "amount")) == [(EntryKind.COLLECTION, 1500)]
    assert errors == [], f"the browser console reported errors: {errors}"


def _keep_error(errors: list[str], message: ConsoleMessage) -> None:
    """Console errors include CSP violations and failed asset loads."""
    if message.type == "error":
        errors.append(message.text)
