"""A real Chromium at 360 px: the ronda records houses, loses the signal, records one more, and it arrives once.

Runs against pytest-django's live server with the real demo data (RT 01 / RW 01 Patangpuluhan). The server's
clock is frozen at 22:30 WIB tonight (time-machine, ticking) and the browser's clock is set to the same instant,
so the phone's own time stamps on queued records fall inside the watch. Debian's `chromium` is required:
without it the test is skipped locally and fails under CI=true.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections.abc import Iterator
from io import StringIO
from typing import Any

import pytest
import time_machine
from django.core.management import call_command
from playwright.sync_api import BrowserContext, ConsoleMessage, Page, expect

from kotacerdas.core.tests.browser import LOGOUT_BUTTON, fits_the_screen, log_in, phone
from kotacerdas.demo import jimpitan as demo
from kotacerdas.jimpitan import nights, selectors
from kotacerdas.jimpitan.models import Collection, EntryKind, Fund, Household, LedgerEntry, RondaGroupMember, Shift

pytestmark = pytest.mark.browser

WIB = zoneinfo.ZoneInfo("Asia/Jakarta")


def tonight_at_half_past_ten() -> dt.datetime:
    """22:30 WIB on today's date in Yogyakarta: inside the demo fund's watch (22:00–06:00)."""
    today = dt.datetime.now(WIB).date()
    return dt.datetime.combine(today, dt.time(22, 30), WIB)


@pytest.fixture
def watch() -> Iterator[dt.datetime]:
    moment = tonight_at_half_past_ten()
    with time_machine.travel(moment, tick=True):
        yield moment


@pytest.fixture
def demo_data(transactional_db: None, django_db_serialized_rollback: None, watch: dt.datetime) -> Fund:
    """The demo data, loaded at tonight's watch; the demo puts the ronda member in every night's group."""
    call_command("load_demo", verbosity=0, stdout=StringIO())
    fund = Fund.objects.select_related("region", "area").get(name=demo.RTS[0].terms.name)
    night = nights.night_of(fund, watch)
    assert night is not None
    group = selectors.group_on_duty(fund=fund, night=night)
    assert RondaGroupMember.objects.filter(group=group, user__username=demo.RONDA_MEMBER).exists()
    return fund


@pytest.fixture
def context(chromium: str, live_server: Any, demo_data: Fund, watch: dt.datetime) -> Iterator[BrowserContext]:
    """A phone-sized browser with JavaScript on, its clock at the server's frozen instant."""
    with phone(chromium, locale="id-ID", timezone_id="Asia/Jakarta") as context:
        context.clock.install(time=watch)
        yield context


def house_row(page: Page, household: Household) -> Any:
    return page.locator(f"#house-{household.pk}")


def record(page: Page, household: Household) -> None:
    house_row(page, household).locator("form[data-collect] button[type=submit]").click()


def test_the_ronda_records_houses_offline_and_each_arrives_exactly_once(
    context: BrowserContext, demo_data: Fund, live_server: Any, watch: dt.datetime
) -> None:
    errors: list[str] = []
    page = context.new_page()
    page.on("console", lambda message: _keep_error(errors, message))
    base, fund = live_server.url, demo_data
    first, second, third = (Household.objects.get(fund=fund, number=n) for n in ("1", "2", "3"))
    tonight = nights.night_of(fund, watch)  # the demo's history holds the nights before

    log_in(page, base, demo.RONDA_MEMBER)
    page.goto(f"{base}/yogyakarta/")
    page.locator("nav a[href='/yogyakarta/jimpitan/']").click()
    page.locator(f"a[href='/yogyakarta/jimpitan/funds/{fund.pk}/tonight/']").first.click()
    fits_the_screen(page, "jimpitan-01-tonight-closed")
    page.locator(f"form[action='/yogyakarta/jimpitan/funds/{fund.pk}/tonight/open/'] button").click()
    expect(house_row(page, first).locator("form[data-collect]")).to_be_visible()
    assert page.evaluate("navigator.serviceWorker.ready.then(() => true)")

    record(page, first)
    expect(house_row(page, first)).to_have_class("house is-recorded")
    record(page, second)
    expect(house_row(page, second)).to_have_class("house is-recorded")
    fits_the_screen(page, "jimpitan-02-two-recorded")

    context.set_offline(True)
    expect(page.locator("[data-offline-note]")).to_be_visible()
    record(page, third)
    expect(house_row(page, third)).to_have_class("house is-queued")
    expect(page.locator("[data-queue-count]")).to_have_text("1")
    queued = page.evaluate("window.localStorage.getItem('jimpitan-queue-v1')")
    fits_the_screen(page, "jimpitan-03-offline-queued")
    assert Collection.objects.filter(household=third, night=tonight).count() == 0

    context.set_offline(False)
    expect(house_row(page, third)).to_have_class("house is-recorded", timeout=15_000)
    expect(page.locator("[data-queue-note]")).to_be_hidden()
    fits_the_screen(page, "jimpitan-04-back-online")

    # The phone never heard the answer and sends the same record again: it still counts once.
    page.evaluate(
        "queue => { localStorage.setItem('jimpitan-queue-v1', queue); dispatchEvent(new Event('online')); }", queued
    )
    expect(page.locator("[data-queue-note]")).to_be_hidden(timeout=15_000)
    assert Collection.objects.filter(household=third, night=tonight).count() == 1
    assert Collection.objects.filter(fund=fund, night=tonight).count() == 3

    page.locator(LOGOUT_BUTTON).click()
    log_in(page, base, demo.TREASURER)
    page.goto(f"{base}/yogyakarta/jimpitan/funds/{fund.pk}/tonight/")
    page.locator("a[href$='/close/']").first.click()
    expect(page.locator("#id_counted_total")).to_have_value("1500")
    fits_the_screen(page, "jimpitan-05-close")
    page.locator("main form button[type=submit]").click()
    expect(page.locator(".messages li")).to_be_visible()
    fits_the_screen(page, "jimpitan-06-closed")

    shift = Shift.objects.get(fund=fund, night=tonight)
    assert (shift.status, shift.counted_total, shift.recorded_total, shift.closed_by.username) == (
        "closed", 1500, 1500, demo.TREASURER,
    )  # fmt: skip
    assert list(LedgerEntry.objects.filter(shift=shift).values_list("kind", "amount")) == [(EntryKind.COLLECTION, 1500)]
    assert errors == [], f"the browser console reported errors: {errors}"


def _keep_error(errors: list[str], message: ConsoleMessage) -> None:
    """Console errors include CSP violations and failed asset loads."""
    if message.type == "error":
        errors.append(message.text)
