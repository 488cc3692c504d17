"""A real Chromium at 360 px: M3K's lead agency reports with a photo, Bappeda approves, the public page shows it.

Runs against pytest-django's live server with the real demo data (Kota Yogyakarta; M3K is led by DPUPKP and
published; its period "2026" is open). JavaScript is off: every step is a plain form. Debian's `chromium` is
required: without it the test is skipped locally and fails under CI=true, never a silent skip in CI.
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from playwright.sync_api import ConsoleMessage, Page, expect

from kotacerdas.core.tests.browser import LOGOUT_BUTTON, fits_the_screen, log_in, phone
from kotacerdas.monitoring.models import Indicator, IndicatorValue, Period, ProgressReport, ReportStatus
from kotacerdas.monitoring.tests.factories import TINY_PNG
from kotacerdas.planning.models import Programme

pytestmark = pytest.mark.browser

LEAD_AGENCY_OPERATOR = "dpupkp.yogyakarta"
PLANNER = "bappeda.yogyakarta"
SLUM_AREA = "Luas kawasan permukiman kumuh kota"
HOUSES = "Rumah yang dimundurkan dari bibir sungai"


@pytest.fixture
def demo_data(transactional_db: None, django_db_serialized_rollback: None, tmp_path: Path, settings: Any) -> None:
    """The demo data, with uploads kept in a scratch MEDIA_ROOT."""
    settings.MEDIA_ROOT = tmp_path
    call_command("load_demo", verbosity=0, stdout=StringIO())


@pytest.fixture
def page(chromium: str, live_server: Any, demo_data: None) -> Iterator[Page]:
    with phone(chromium, locale="id-ID", java_script_enabled=False) as context:
        yield context.new_page()


def log_out(page: Page, base: str) -> None:
    page.locator(LOGOUT_BUTTON).click()
    page.wait_for_url(f"{base}/")


def test_the_lead_agency_reports_bappeda_approves_and_the_public_sees_the_progress(
    page: Page, live_server: Any
) -> None:
    errors: list[str] = []
    page.on("console", lambda message: _keep_error(errors, message))
    base = live_server.url
    m3k = Programme.objects.get(region__slug="yogyakarta", title__startswith="M3K")
    period = Period.objects.get(region__slug="yogyakarta", label="2026")
    slum = Indicator.objects.get(programme=m3k, title=SLUM_AREA)
    houses = Indicator.objects.get(programme=m3k, title=HOUSES)
    results = f"{base}/yogyakarta/monitoring/programmes/{m3k.pk}/"
    public = f"{base}/yogyakarta/open/programmes/{m3k.pk}/"

    page.goto(public)
    expect(page.locator("progress.progress")).to_have_attribute("value", "50")  # in implementation, no report yet
    fits_the_screen(page, "monitoring-01-public-before")

    # 1. DPUPKP's operator writes the 2026 report with a photo and submits it.
    log_in(page, base, LEAD_AGENCY_OPERATOR, lands_on="/yogyakarta/")
    page.goto(results)
    fits_the_screen(page, "monitoring-02-results")
    page.locator(f"a[href='/yogyakarta/monitoring/programmes/{m3k.pk}/reports/{period.pk}/']").click()
    page.locator("#id_narrative").fill("Empat puluh rumah di tepi Winongo sudah mundur; jalan inspeksi dicor.")
    page.locator("#id_progress_percent").fill("70")
    page.locator(f"#id_ind_{slum.pk}").fill("98.40")
    page.locator(f"#id_ind_{houses.pk}").fill("40")
    page.locator("#id_attachment").set_input_files(
        files=[{"name": "foto-winongo.png", "mimeType": "image/png", "buffer": TINY_PNG}]
    )
    fits_the_screen(page, "monitoring-03-report-form")
    page.locator("main form.card button[type=submit]").click()
    page.wait_for_url(f"{base}/yogyakarta/monitoring/reports/*/")
    report = ProgressReport.objects.get(programme=m3k, period=period)
    expect(page.locator("#report-evidence img")).to_be_visible()
    page.locator("form[action$='/submit/'] button[type=submit]").click()
    page.wait_for_url(f"{base}/yogyakarta/monitoring/reports/{report.pk}/")
    expect(page.locator("#report-status")).to_have_text("Diajukan")
    fits_the_screen(page, "monitoring-04-report-submitted")
    log_out(page, base)

    # 2. Bappeda finds it on the dashboard and approves it.
    log_in(page, base, PLANNER, lands_on="/yogyakarta/")
    page.goto(f"{base}/yogyakarta/monitoring/")
    waiting = page.locator(f"#awaiting-approval a[href='/yogyakarta/monitoring/reports/{report.pk}/']")
    expect(waiting).to_be_visible()
    fits_the_screen(page, "monitoring-05-dashboard")
    waiting.click()
    page.wait_for_url(f"{base}/yogyakarta/monitoring/reports/{report.pk}/")
    page.locator("form[action$='/approve/'] button[type=submit]").click()
    page.wait_for_url(f"{base}/yogyakarta/monitoring/reports/{report.pk}/")
    expect(page.locator("#report-status")).to_have_text("Disetujui")
    fits_the_screen(page, "monitoring-06-report-approved")
    log_out(page, base)

    # 3. Anyone sees the new progress and the new actual on the public page.
    page.goto(public)
    expect(page.locator("progress.progress")).to_have_attribute("value", "70")
    expect(page.locator("main")).to_contain_text("70%")
    expect(page.locator("main")).to_contain_text("98,4")
    expect(page.locator("main")).not_to_contain_text("Empat puluh rumah")  # the narrative stays internal
    expect(page.locator("img")).to_have_count(0)  # and so does the photo
    fits_the_screen(page, "monitoring-07-public-after")
    page.goto(f"{base}/yogyakarta/open/")
    expect(
        page.locator(f"#open-programmes a[href='/yogyakarta/open/programmes/{m3k.pk}/'] ~ progress")
    ).to_have_attribute("value", "70")
    fits_the_screen(page, "monitoring-08-public-home")

    report.refresh_from_db()
    assert report.status == ReportStatus.APPROVED
    assert IndicatorValue.objects.get(indicator=slum, period=period).actual == Decimal("98.40")
    assert errors == [], f"the browser console reported errors: {errors}"


def _keep_error(errors: list[str], message: ConsoleMessage) -> None:
    if message.type == "error":
        errors.append(message.text)
