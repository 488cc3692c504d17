"""A real Chromium at 360 px: a Musi Rawas Bappeda planner replicates a Yogyakarta programme.

Opens Yogyakarta's catalogue, ticks a programme, maps the agencies (a forgotten one is refused), runs the
dry run, imports, and sees the new draft proposal in the round; Musi Rawas's Diskominfo then finds the
draft it now leads in the round. JavaScript is off: every step works without it. Debian's `chromium` is
required: without it the test is skipped locally and fails under CI=true.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import ConsoleMessage, Page, expect

from kotacerdas.core.tests.browser import LOGOUT_BUTTON, fits_the_screen, log_in, phone
from kotacerdas.planning.models import Proposal, ProposalStatus

pytestmark = pytest.mark.browser

PLANNER = "bappeda.musirawas"
OFFICER = "diskominfo.musirawas"
ICT_AGENCY = "Dinas Komunikasi Informatika dan Statistik"
M3K = "M3K: Mundur, Munggah, Madhep Kali di tepi Sungai Winongo"


@pytest.fixture
def page(chromium: str, live_server: Any, demo_data: None) -> Iterator[Page]:
    with phone(chromium, locale="en-US", java_script_enabled=False) as context:
        yield context.new_page()


def test_it_walks_a_planner_from_the_catalogue_through_mapping_and_dry_run_to_the_proposals(
    page: Page, live_server: Any
) -> None:
    errors: list[str] = []
    page.on("console", lambda message: _keep_error(errors, message))
    base = live_server.url
    log_in(page, base, PLANNER, lands_on="/musirawas/")

    page.goto(f"{base}/best-practices/yogyakarta/")
    expect(page.locator("html")).to_have_attribute("lang", "id")
    fits_the_screen(page, "replication-01-catalogue")
    page.locator("#m3k input[type=checkbox]").check()
    page.locator("button[name=source]").click()
    page.wait_for_url(f"{base}/musirawas/replication/imports/new/**")
    expect(page.locator("#from-catalogue input[value=m3k]")).to_be_checked()
    fits_the_screen(page, "replication-02-chosen")
    page.locator("#from-catalogue button[type=submit]").click()
    page.wait_for_url(f"{base}/musirawas/replication/imports/*/")

    selects = page.locator("#mapping select[name^=agency_]")
    expect(selects.first).to_be_visible()
    expect(page.locator("#mapping select[name^=agency_] option[selected]", has_text=ICT_AGENCY)).to_have_count(1)
    fits_the_screen(page, "replication-03-mapping")
    page.locator("#mapping button[value=import]").click()  # the public works agency is not mapped yet
    expect(page.locator("#mapping .errorlist")).to_contain_text("Dinas Pekerjaan Umum Perumahan dan Kawasan Permukiman")
    assert m3k_proposals() == []

    for index in range(selects.count()):
        if selects.nth(index).input_value() == "":
            selects.nth(index).select_option(label=ICT_AGENCY)
    page.locator("#mapping button[value=dry_run]").click()
    expect(page.locator("#dry-run")).to_contain_text(M3K)
    fits_the_screen(page, "replication-04-dry-run")
    assert m3k_proposals() == []

    page.locator("#mapping button[value=import]").click()
    expect(page.locator("#new-proposals")).to_be_visible()
    expect(page.locator("#proposals li", has_text=M3K)).to_contain_text(ICT_AGENCY)
    fits_the_screen(page, "replication-05-imported")
    assert m3k_proposals() == [ProposalStatus.DRAFT]
    round_id = page.locator("a[href*='/planning/rounds/']").first.get_attribute("href")

    page.locator(LOGOUT_BUTTON).click()
    log_in(page, base, OFFICER, lands_on="/musirawas/")
    page.goto(f"{base}{round_id}")
    expect(page.locator("main")).to_contain_text(M3K)
    fits_the_screen(page, "replication-06-round")
    assert errors == [], f"the browser console reported errors: {errors}"


def m3k_proposals() -> list[str]:
    """The statuses of Musi Rawas's M3K proposals, read on the test's own connection (see `phone`)."""
    return list(Proposal.objects.filter(region__slug="musirawas", title=M3K).values_list("status", flat=True))


def _keep_error(errors: list[str], message: ConsoleMessage) -> None:
    if message.type == "error":
        errors.append(message.text)
