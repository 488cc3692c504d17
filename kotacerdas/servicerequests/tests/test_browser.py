"""A real Chromium at 360 px, JavaScript off: a complaint from sign-up to fixed, seen by the public without a name.

A resident signs up (name, e-mail, password, NIK), sends an anonymous complaint about a road with a photo,
Diskominfo's coordinator verifies and dispatches it, DPUPKP's officer marks it fixed with a public note, the
resident sees the status on their own page, and a visitor finds it on the public map and list and on its page,
without the reporter. Before that, the demo citizen (who has no NIK in the demo data) is asked for one.
Runs against pytest-django's live server with the real demo data. Debian's `chromium` is required: without it
the test is skipped locally and fails under CI=true.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PIL import Image
from playwright.sync_api import ConsoleMessage, Page, expect

from kotacerdas.core.tests.browser import LOGOUT_BUTTON, fits_the_screen, log_in, phone
from kotacerdas.servicerequests.models import CitizenProfile, ServiceRequest

pytestmark = pytest.mark.browser

SERVICES = "/yogyakarta/services"
RESIDENT = "Rina Wulandari"
EMAIL = "rina.wulandari@example.id"
PASSWORD = "jalan-berlubang-2026"
# A fictional NIK of the right shape (Kota Yogyakarta, a woman born 12 March 1990); tests only, never demo data.
NIK = "3471015203900007"
COMPLAINT = "Lubang besar di Jl. Bugisan depan Balai RW 01, berbahaya untuk motor pada malam hari."
FIX_NOTE = "Lubang sudah ditambal aspal oleh tim DPUPKP."


@pytest.fixture
def photo(tmp_path: Path, settings: Any) -> Path:
    """A real photo to upload; uploads land in a throw-away MEDIA_ROOT."""
    settings.MEDIA_ROOT = str(tmp_path / "media")
    path = tmp_path / "jalan-berlubang.jpg"
    Image.new("RGB", (64, 48), (90, 90, 90)).save(path, format="JPEG")
    return path


@pytest.fixture
def page(chromium: str, live_server: Any, demo_data: None) -> Iterator[Page]:
    """A phone-sized browser with JavaScript off: every step works without it."""
    with phone(chromium, locale="id-ID", timezone_id="Asia/Jakarta", java_script_enabled=False) as context:
        yield context.new_page()


def log_out(page: Page) -> None:
    page.locator(LOGOUT_BUTTON).click()
    page.wait_for_load_state()


def take_step(page: Page, action: str, note: str) -> None:
    """Write the public note and press the step's button on the request page."""
    page.locator("#id_note").fill(note)
    page.locator(f"button[formaction$='/{action}/']").click()
    page.wait_for_load_state()


def test_a_complaint_goes_from_sign_up_to_fixed_and_the_public_sees_it_without_the_reporter(
    page: Page, live_server: Any, photo: Path
) -> None:
    errors: list[str] = []
    page.on("console", lambda message: _keep_error(errors, message))
    base = live_server.url

    # The demo citizen has no NIK (the demo invents none): the service page asks for it instead of the form.
    log_in(page, base, "warga.yogyakarta")
    page.goto(f"{base}{SERVICES}/JALAN-01/")
    expect(page.locator("html")).to_have_attribute("lang", "id")
    expect(page.locator("#nik-needed a[href*='/services/my/nik/']")).to_be_visible()
    expect(page.locator("textarea[name=description]")).to_have_count(0)
    fits_the_screen(page, "servicerequests-01-demo-citizen-asked-for-nik")
    log_out(page)

    # A resident signs up; a NIK of the wrong length is refused first and nothing is created.
    page.goto(f"{base}{SERVICES}/signup/")
    page.locator("#id_full_name").fill(RESIDENT)
    page.locator("#id_email").fill(EMAIL)
    page.locator("#id_nik").fill(NIK[:15])
    page.locator("#id_password").fill(PASSWORD)
    page.locator("#id_consent").check()
    page.locator("main form button[type=submit]").click()
    expect(page.locator("#id_nik ~ .errorlist, .errorlist:near(#id_nik)").first).to_be_visible()
    assert not CitizenProfile.objects.filter(user__username=EMAIL).exists()
    fits_the_screen(page, "servicerequests-02-signup-refused")
    page.locator("#id_nik").fill(NIK)
    page.locator("#id_password").fill(PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(f"{base}{SERVICES}/")
    expect(page.locator(".messages li")).to_be_visible()

    # The complaint about the road, with a photo, anonymous: public, but without the reporter.
    page.goto(f"{base}{SERVICES}/JALAN-01/")
    page.locator("#id_kind").select_option("complaint")
    page.locator("#id_description").fill(COMPLAINT)
    page.locator("#id_area").select_option(label="Kelurahan Patangpuluhan")
    page.locator("#id_address").fill("Jl. Bugisan, depan Balai RW 01")
    page.locator("#id_lat").fill("-7.801234")
    page.locator("#id_long").fill("110.352345")
    page.locator("#id_photo").set_input_files(str(photo))
    page.locator("#id_is_anonymous").check()
    fits_the_screen(page, "servicerequests-03-request-form")
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(f"{base}{SERVICES}/requests/*/")
    request = ServiceRequest.objects.select_related("agency").get(description=COMPLAINT)
    assert (request.status, request.is_anonymous, request.agency.slug) == ("submitted", True, "dpupkp")
    assert request.photo.name.startswith(f"requests/{request.region_id}/")
    expect(page.locator("#request-status")).to_have_text("Menunggu verifikasi")
    fits_the_screen(page, "servicerequests-04-request-sent")
    log_out(page)

    # Diskominfo's coordinator finds it in the verification queue and dispatches it.
    log_in(page, base, "diskominfo.yogyakarta")
    page.goto(f"{base}{SERVICES}/inbox/")
    page.locator(f"a[href='{SERVICES}/requests/{request.pk}/']").first.click()
    expect(page.locator("main")).to_contain_text(RESIDENT)  # staff see the reporter
    fits_the_screen(page, "servicerequests-05-coordinator")
    take_step(page, "verify", "Diteruskan ke DPUPKP untuk ditindaklanjuti.")
    expect(page.locator("#request-status")).to_have_text("Menunggu tindak lanjut")
    log_out(page)

    # DPUPKP's officer finds it in the agency's queue (filtered by kelurahan) and marks it fixed.
    log_in(page, base, "dpupkp.yogyakarta")
    page.goto(f"{base}{SERVICES}/inbox/")
    page.locator("#id_area").select_option(label="Kelurahan Patangpuluhan")
    page.locator("#filters button[type=submit]").click()
    page.wait_for_load_state()
    fits_the_screen(page, "servicerequests-06-agency-queue")
    page.locator(f"a[href='{SERVICES}/requests/{request.pk}/']").click()
    take_step(page, "fix", FIX_NOTE)
    expect(page.locator("#request-status")).to_have_text("Selesai")
    fits_the_screen(page, "servicerequests-07-fixed")
    log_out(page)

    # The resident sees the new status and the agency's note.
    log_in(page, base, EMAIL, PASSWORD)
    page.goto(f"{base}{SERVICES}/my/")
    expect(page.locator("main")).to_contain_text("Selesai")
    fits_the_screen(page, "servicerequests-08-my-requests")
    page.locator(f"a[href='{SERVICES}/requests/{request.pk}/']").click()
    expect(page.locator(".timeline")).to_contain_text(FIX_NOTE)
    log_out(page)

    # A visitor finds it on the public map and list, and its page shows no reporter.
    page.goto(f"{base}{SERVICES}/requests/")
    expect(page.locator(f".request-map a[href='{SERVICES}/requests/{request.pk}/']")).to_have_count(1)
    expect(page.locator(f"#request-list a[href='{SERVICES}/requests/{request.pk}/']")).to_be_visible()
    expect(page.locator("main")).not_to_contain_text(RESIDENT)
    fits_the_screen(page, "servicerequests-09-public-list")
    page.locator(f"#request-list a[href='{SERVICES}/requests/{request.pk}/']").click()
    expect(page.locator("#request-status")).to_have_text("Selesai")
    expect(page.locator("main")).to_contain_text(FIX_NOTE)
    expect(page.locator("main")).not_to_contain_text(RESIDENT)
    expect(page.locator("main")).not_to_contain_text(EMAIL)
    fits_the_screen(page, "servicerequests-10-public-request")

    request.refresh_from_db()
    assert request.status == "fixed"
    assert request.responded_at is not None
    assert request.resolved_at is not None
    assert errors == [], f"the browser console reported errors: {errors}"


def _keep_error(errors: list[str], message: ConsoleMessage) -> None:
    """Console errors include CSP violations and failed asset loads."""
    if message.type == "error":
        errors.append(message.text)


def test_the_coordinator_answers_a_data_request_reveals_a_nik_and_edits_the_catalogue(
    page: Page, live_server: Any
) -> None:
    errors: list[str] = []
    page.on("console", lambda message: _keep_error(errors, message))
    base = live_server.url

    # The demo citizen puts a NIK on file when asked, then asks for a correction of their name.
    log_in(page, base, "warga.yogyakarta")
    page.goto(f"{base}{SERVICES}/my/")
    page.locator("#nik-needed a").click()
    page.locator("#id_nik").fill(NIK)
    page.locator("#id_consent").check()
    fits_the_screen(page, "servicerequests-11-add-nik")
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(f"{base}{SERVICES}/my/")
    expect(page.locator("#nik-needed")).to_have_count(0)
    expect(page.locator("main")).to_contain_text("************0007")
    page.locator("details:has(form[action$='/my/data-request/correction/']) summary").click()
    page.locator("form[action$='/my/data-request/correction/'] textarea").fill("Nama saya Warga Kota Yogyakarta.")
    page.locator("form[action$='/my/data-request/correction/'] button[type=submit]").click()
    page.wait_for_url(f"{base}{SERVICES}/my/")
    fits_the_screen(page, "servicerequests-12-correction-asked")
    log_out(page)

    # Diskominfo answers it from the data requests screen, then reveals the NIK for a stated reason.
    log_in(page, base, "diskominfo.yogyakarta")
    page.goto(f"{base}{SERVICES}/inbox/")
    page.locator(f"a[href='{SERVICES}/data-requests/']").click()
    fits_the_screen(page, "servicerequests-13-data-requests")
    page.locator("#waiting a").first.click()
    expect(page.locator("main")).to_contain_text("Nama saya Warga Kota Yogyakarta.")
    expect(page.locator("main")).not_to_contain_text(NIK)
    page.locator("#id_full_name").fill("Warga Kota Yogyakarta")
    page.locator("#id_response").fill("Nama sudah kami perbaiki.")
    fits_the_screen(page, "servicerequests-14-data-request")
    page.locator("form[action$='/correct/'] button[type=submit]").click()
    page.wait_for_url(f"{base}{SERVICES}/data-requests/")
    page.locator("#answered a").first.click()
    page.locator("a[href*='/services/citizens/']").click()
    expect(page.locator("main")).to_contain_text("************0007")
    page.locator("details:has(form[action$='/nik/']) summary").click()
    page.locator("#id_reason").fill("Mencocokkan identitas dengan data Disdukcapil.")
    page.locator("form[action$='/nik/'] button[type=submit]").click()
    expect(page.locator("#nik-revealed")).to_have_text(NIK)
    fits_the_screen(page, "servicerequests-15-nik-revealed")

    # Diskominfo adds a choice question to the road service and routes one kelurahan to UPT PJU.
    page.goto(f"{base}{SERVICES}/manage/JALAN-01/")
    page.locator("details:has(form[action$='/questions/']) summary").click()
    page.locator("#id_question-description").fill("Jalan milik siapa?")
    page.locator("#id_question-code").fill("jenis_jalan")
    page.locator("#id_question-datatype").select_option("singlevaluelist")
    page.locator("#id_question-values").fill("kampung = Jalan kampung\nkota = Jalan kota")
    page.locator("form[action$='/questions/'] button[type=submit]").click()
    page.wait_for_url(f"{base}{SERVICES}/manage/JALAN-01/")
    expect(page.locator("#question-list")).to_contain_text("Jalan milik siapa?")
    page.locator("details:has(form[action$='/routes/']) summary").click()
    page.locator("#id_route-area").select_option(label="Kelurahan Pakuncen")
    page.locator("#id_route-agency").select_option(label="UPT PJU")
    page.locator("form[action$='/routes/'] button[type=submit]").click()
    page.wait_for_url(f"{base}{SERVICES}/manage/JALAN-01/")
    expect(page.locator("#route-list")).to_contain_text("Pakuncen")
    fits_the_screen(page, "servicerequests-16-catalogue")
    page.locator("#question-list a[href*='/questions/']").last.click()
    fits_the_screen(page, "servicerequests-17-question")
    log_out(page)

    # The citizen reads the answer; the new question is on the service's form.
    log_in(page, base, "warga.yogyakarta")
    page.goto(f"{base}{SERVICES}/my/")
    expect(page.locator("#my-data-requests")).to_contain_text("Nama sudah kami perbaiki.")
    page.goto(f"{base}{SERVICES}/JALAN-01/")
    expect(page.locator("#id_attr_jenis_jalan")).to_be_visible()
    assert errors == [], f"the browser console reported errors: {errors}"
