"""The monitoring pages: who may open them, the report round trip with evidence, periods, evaluation, query counts."""

from __future__ import annotations

import datetime as dt
import re
import shutil
import tempfile
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.messages import get_messages
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import HttpResponse
from django.test import Client, override_settings
from django.urls import reverse
from django.utils.formats import localize
from django.utils.translation import gettext, override

from kotacerdas.accounts import services as accounts
from kotacerdas.accounts.roles import Role
from kotacerdas.agencies.services import CapabilityChoice, capabilities_declare
from kotacerdas.core.pagecache import CSRF_PLACEHOLDER
from kotacerdas.framework.selectors import coverage_gaps
from kotacerdas.monitoring import selectors, services
from kotacerdas.monitoring.evidence import NOT_A_PDF, NOT_AN_IMAGE
from kotacerdas.monitoring.forms import MAX_UPLOAD
from kotacerdas.monitoring.models import (
    Evaluation,
    EvaluationDimension,
    EvaluationScore,
    IndicatorValue,
    OpenDataPortal,
    Period,
    ProgressReport,
    ReportStatus,
    ReportValue,
    StatusPercent,
)
from kotacerdas.monitoring.services import (
    NEGATIVE,
    PERCENT_RANGE,
    PERIOD_LOCKED,
    REPORT_FROZEN,
    TOKEN_REQUIRED,
    WEIGHTS_SUM,
    ReportData,
)
from kotacerdas.monitoring.tests.factories import (
    TINY_PDF,
    TINY_PNG,
    MonitoringTestCase,
    committed,
    png_upload,
)
from kotacerdas.monitoring.tests.fake_ckan import ORGANIZATION, TOKEN, FakeCkan

R = ReportStatus


class MonitoringViewTestCase(MonitoringTestCase):
    def setUp(self) -> None:
        super().setUp()
        cache.clear()  # the dashboard's board outlives a test's transaction, and ids repeat from test to test

    def url(self, name: str, **kwargs: Any) -> str:
        return reverse(f"monitoring:{name}", kwargs={"region_slug": self.region.slug, **kwargs})

    def messages_of(self, response: HttpResponse) -> list[str]:
        return [str(m) for m in get_messages(response.wsgi_request)]


class DashboardViewTests(MonitoringViewTestCase):
    def test_it_opens_for_bappeda_diskominfo_leadership_inspector_and_assessor(self) -> None:
        for user in (self.planner, self.officer, self.leader, self.inspector, self.assessor):
            with self.subTest(user=user.username):
                self.client.force_login(user)
                response = self.client.get(self.url("dashboard"))
                self.assertEqual(response.status_code, 200)
                self.assertContains(response, 'id="dimension-table"')

    def test_it_shows_the_numbers_behind_the_svg_charts_in_a_table(self) -> None:
        with committed():
            plan = self.masterplan()
            self.make_programme(title="Taman kota", status="completed", masterplan=plan)
            self.make_programme(title="Pasar sehat", status="planned", masterplan=plan)
        self.client.force_login(self.leader)
        response = self.client.get(self.url("dashboard"))
        content = response.content.decode()
        self.assertNotIn("{#", content)  # a template comment over two lines is printed, not dropped
        self.assertEqual(content.count('<svg class="chart"'), 2)
        self.assertIn(f"{self.living.label} · {gettext('Completed')}: 1</title>", content)
        living_row = content[content.index(f'<th scope="row">{self.living.label}</th>') :].split("</tr>")[0]
        # planned 1, in implementation 1 (the river), completed 1, cancelled 0, suspended 0; (0 + 50 + 100) / 3 = 50 %;
        # of the two masterplan programmes one runs (the completed one).
        running = gettext("%(n)s of %(m)s") % {"n": 1, "m": 2}
        self.assertEqual(
            re.findall(r'<td class="num">(.*?)</td>', living_row), ["1", "1", "1", "0", "0", "50%", f"{running} (50%)"]
        )

    def test_it_lists_agencies_with_their_overdue_milestones(self) -> None:
        with committed():
            services.milestone_create(
                programme=self.river, title="Tahap", planned_date=self.s1.starts_on, actor=self.planner
            )
        self.client.force_login(self.planner)
        response = self.client.get(self.url("dashboard"))
        self.assertContains(response, '<td class="num gap">1</td>', html=False)

    def test_it_shows_bappeda_the_reports_waiting_for_approval(self) -> None:
        report = self.report(status="submitted")
        self.report(programme=self.make_programme(title="Pasar sehat"), narrative="x", progress_percent=5, values={})
        self.client.force_login(self.planner)
        response = self.client.get(self.url("dashboard"))
        waiting = response.content.decode().split('id="awaiting-approval"')[1].split("</section>")[0]
        self.assertIn(self.url("report", report_id=report.pk), waiting)
        self.assertNotIn("Pasar sehat", waiting)
        self.assertContains(response, self.url("statuses"))
        self.client.force_login(self.leader)
        response = self.client.get(self.url("dashboard"))
        self.assertNotContains(response, 'id="awaiting-approval"')
        self.assertNotContains(response, self.url("statuses"))

    def test_it_shows_the_digital_jimpitan_in_numbers_only_with_a_link_to_the_kelurahan_table(self) -> None:
        self.client.force_login(self.leader)
        response = self.client.get(self.url("dashboard"))
        card = response.content.decode().split('id="jimpitan"')[1].split("</section>")[0]
        self.assertIn(reverse("jimpitan:city", args=[self.region.slug]), card)
        self.assertIn("Rp0", card)

    def test_it_refuses_agency_operators_and_citizens(self) -> None:
        for user in (self.operator, self.head, self.citizen, self.treasurer):
            with self.subTest(user=user.username):
                self.client.force_login(user)
                self.assertEqual(self.client.get(self.url("dashboard")).status_code, 403)

    def test_it_hides_the_region_from_outsiders_and_sends_visitors_to_log_in(self) -> None:
        self.client.force_login(self.outsider)
        self.assertEqual(self.client.get(self.url("dashboard")).status_code, 404)
        self.client.logout()
        response = self.client.get(self.url("dashboard"))
        self.assertEqual(response.status_code, 302)
        self.assertIn(reverse("accounts:login"), response["Location"])

    def test_it_reads_the_same_number_of_queries_for_1_or_10_programmes(self) -> None:
        with committed():
            self.published_evaluation(2025)
        self.client.force_login(self.leader)
        # Rendering the board: the region, session+user+memberships, the stamp, the summary row, dimensions,
        # evaluations, scores, agencies' names, the two coverage gaps and the jimpitan roll-up (2).
        with self.assertNumQueries(12):
            self.client.get(self.url("dashboard"))
        with committed():
            for n in range(9):
                self.make_programme(title=f"Program {n}", lead=self.health if n % 2 else self.public_works)
                services.milestone_create(
                    programme=self.river, title=f"Tahap {n}", planned_date=self.s1.ends_on, actor=self.planner
                )
        with self.assertNumQueries(12):  # the rebuild gave a new stamp: rendered again
            response = self.client.get(self.url("dashboard"))
        self.assertContains(response, "Dinkes")


class DashboardCacheTests(MonitoringViewTestCase):
    """The board is kept in the cache per stamp, the links per pair of permissions; the reports waiting never."""

    def board(self, response: HttpResponse) -> str:
        content = response.content.decode()
        return content[content.index('<div class="grid charts">') : content.index("</main>")]

    def test_it_serves_the_board_from_the_cache_until_the_stamp_changes(self) -> None:
        with committed():
            self.published_evaluation(2025)
        self.client.force_login(self.leader)
        with self.assertNumQueries(12):
            first = self.client.get(self.url("dashboard"))
        with self.assertNumQueries(3):  # the region, session+user+memberships, the stamp
            second = self.client.get(self.url("dashboard"))
        self.assertEqual(self.board(first), self.board(second))
        self.assertContains(second, "2025")

    def test_it_shows_a_change_to_the_summaries_on_the_next_view(self) -> None:
        self.client.force_login(self.leader)
        stamp = selectors.board_stamp(region=self.region)
        self.assertNotContains(self.client.get(self.url("dashboard")), '<td class="num gap">')
        with committed():
            services.milestone_create(
                programme=self.river, title="Tahap", planned_date=self.s1.starts_on, actor=self.planner
            )
        self.assertNotEqual(selectors.board_stamp(region=self.region), stamp)
        self.assertContains(self.client.get(self.url("dashboard")), '<td class="num gap">1</td>', html=False)

    def test_it_shows_a_new_capability_on_the_next_view(self) -> None:
        gap = coverage_gaps(region=self.region).uncovered_elements[0]
        self.client.force_login(self.leader)
        self.assertContains(self.client.get(self.url("dashboard")), gap.name)
        with committed():
            capabilities_declare(agency=self.health, choices=[CapabilityChoice(element=gap)], actor=self.planner)
        self.assertNotContains(self.client.get(self.url("dashboard")), gap.name)

    def test_two_viewers_with_different_permissions_share_only_the_board(self) -> None:
        report = self.report(status="submitted")
        self.client.force_login(self.planner)  # approves reports and manages the status catalogue
        planner_page = self.client.get(self.url("dashboard"))
        self.assertContains(planner_page, self.url("report", report_id=report.pk))
        self.assertContains(planner_page, self.url("statuses"))
        self.client.force_login(self.leader)
        with self.assertNumQueries(3):  # the planner's board, from the cache
            leader_page = self.client.get(self.url("dashboard"))
        self.assertEqual(self.board(leader_page), self.board(planner_page))
        for theirs in ('id="awaiting-approval"', self.url("report", report_id=report.pk), self.url("statuses")):
            self.assertNotContains(leader_page, theirs)
        self.client.force_login(self.officer)  # publishes open data, approves nothing
        officer_page = self.client.get(self.url("dashboard"))
        self.assertContains(officer_page, self.url("portal"))
        self.assertNotContains(officer_page, 'id="awaiting-approval"')
        self.assertNotContains(leader_page, self.url("portal"))

    def test_the_links_follow_the_viewers_permissions_at_every_view(self) -> None:
        self.client.force_login(self.officer)
        self.assertNotContains(self.client.get(self.url("dashboard")), self.url("statuses"))
        planner = accounts.membership_grant(
            user=self.officer, role=Role.BAPPEDA_PLANNER, region=self.region, agency=self.bappeda, actor=None
        )
        with self.assertNumQueries(4):  # the region, session+user+memberships, the stamp, the reports waiting
            page = self.client.get(self.url("dashboard"))
        self.assertContains(page, self.url("statuses"))
        self.assertContains(page, 'id="awaiting-approval"')
        accounts.membership_revoke(membership=planner, actor=None)
        self.assertNotContains(self.client.get(self.url("dashboard")), self.url("statuses"))

    def test_the_board_holds_nothing_of_the_viewer_who_filled_the_cache(self) -> None:
        self.client.force_login(self.planner)
        board = self.board(self.client.get(self.url("dashboard")))
        for personal in ("csrfmiddlewaretoken", self.planner.username, self.url("statuses"), "awaiting-approval"):
            self.assertNotIn(personal, board)

    def test_it_keeps_one_board_per_language(self) -> None:
        self.client.force_login(self.leader)
        indonesian = self.board(self.client.get(self.url("dashboard")))
        self.client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
        english = self.board(self.client.get(self.url("dashboard")))
        self.assertIn("Programmes per dimension and status", english)
        self.assertNotIn("Programmes per dimension and status", indonesian)


class DashboardFrameTests(MonitoringViewTestCase):
    """The page around the board (core/frame.py): kept per viewer, filled with this request's token and messages."""

    def test_a_second_view_renders_only_the_content(self) -> None:
        self.client.force_login(self.leader)
        with self.assertTemplateUsed("core/frame.html"):
            first = self.client.get(self.url("dashboard"))
        with self.assertTemplateNotUsed("core/frame.html"), self.assertTemplateNotUsed("base.html"):
            second = self.client.get(self.url("dashboard"))

        def tokenless(page: HttpResponse) -> str:  # a token is masked afresh for every response
            return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", page.content.decode())

        self.assertEqual(tokenless(first), tokenless(second))
        content = second.content.decode()
        self.assertTrue(content.startswith("<!doctype html>"))
        self.assertTrue(content.rstrip().endswith("</html>"))
        self.assertIn(f"<title>{gettext('Smart City dashboard')} · {self.region.name}</title>", content)
        self.assertNotIn("kc-frame-content", content)
        self.assertLess(content.index('id="dimension-table"'), content.index("</main>"))

    def test_each_visitor_gets_their_own_csrf_token_in_the_kept_frame(self) -> None:
        pages = []
        for _ in range(2):  # two browsers of the same user: the second gets the first one's kept frame
            browser = Client(enforce_csrf_checks=True)
            browser.force_login(self.leader)
            page = browser.get(self.url("dashboard")).content.decode()
            self.assertNotIn(CSRF_PLACEHOLDER, page)
            tokens = re.findall(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
            self.assertEqual(len(tokens), 1)  # the log-out button's (the language switch needs none)
            pages.append((browser, tokens[0]))
        (first, first_token), (second, second_token) = pages
        self.assertNotEqual(first_token, second_token)
        logout = reverse("accounts:logout")
        self.assertEqual(first.post(logout, {"csrfmiddlewaretoken": second_token}).status_code, 403)
        self.assertEqual(first.post(logout, {"csrfmiddlewaretoken": first_token}).status_code, 302)
        self.assertEqual(second.post(logout, {"csrfmiddlewaretoken": second_token}).status_code, 302)

    def test_messages_show_once_and_are_never_kept(self) -> None:
        self.client.force_login(self.leader)
        first = self.client.get(self.url("dashboard"))  # the frame is kept now
        storage = CookieStorage(first.wsgi_request)
        storage.add(messages.SUCCESS, "Laporan tersimpan.")
        storage.update(first)
        self.client.cookies.update(first.cookies)
        shown = self.client.get(self.url("dashboard")).content.decode()
        self.assertIn('<ul class="messages"><li class="success">Laporan tersimpan.</li></ul>', shown)
        self.assertLess(shown.index("Laporan tersimpan."), shown.index('id="dimension-table"'))
        self.assertNotContains(self.client.get(self.url("dashboard")), "Laporan tersimpan.")

    def test_the_frame_follows_its_viewer_their_name_and_their_links(self) -> None:
        self.client.force_login(self.leader)
        self.assertContains(self.client.get(self.url("dashboard")), self.leader.display_name)
        self.client.force_login(self.officer)
        officer_page = self.client.get(self.url("dashboard"))
        self.assertContains(officer_page, self.officer.display_name)
        self.assertNotContains(officer_page, self.leader.display_name)
        self.officer.full_name = "Nama Baru Petugas"
        self.officer.save(update_fields=["full_name"])
        self.assertContains(self.client.get(self.url("dashboard")), "Nama Baru Petugas")
        jimpitan = f'href="{reverse("jimpitan:home", args=[self.region.slug])}"'  # the navigation's link
        self.assertNotContains(self.client.get(self.url("dashboard")), jimpitan)
        role = accounts.membership_grant(
            user=self.officer, role=Role.RT_TREASURER, region=self.region, area=self.rt, actor=None
        )
        self.assertContains(self.client.get(self.url("dashboard")), jimpitan)
        accounts.membership_revoke(membership=role, actor=None)
        self.assertNotContains(self.client.get(self.url("dashboard")), jimpitan)

    def test_the_frame_follows_the_language(self) -> None:
        self.client.force_login(self.leader)
        indonesian = self.client.get(self.url("dashboard")).content.decode()
        self.client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
        english = self.client.get(self.url("dashboard")).content.decode()
        self.assertIn('<html lang="id">', indonesian)
        self.assertIn('<html lang="en">', english)
        self.assertIn(">Log out<", english)
        self.assertNotIn(">Log out<", indonesian)


class ScratchMediaMixin(MonitoringViewTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.media = tempfile.mkdtemp()
        self.addCleanup(shutil.rmtree, self.media)
        settings = override_settings(MEDIA_ROOT=self.media)
        settings.enable()
        self.addCleanup(settings.disable)


class ReportViewTests(ScratchMediaMixin):
    def form(self, **overrides: Any) -> dict[str, Any]:
        data: dict[str, Any] = {
            "narrative": "Tiga puluh rumah sudah dimundurkan.",
            "progress_percent": "40",
            f"ind_{self.houses.pk}": "30",
            f"ind_{self.coverage.pk}": "45.5",
            f"ind_{self.quality.pk}": "Sebagian warga puas",
        }
        data.update(overrides)
        return data

    def edit_url(self, period: Period | None = None) -> str:
        return self.url("report_edit", programme_id=self.river.pk, period_id=(period or self.s1).pk)

    def test_it_offers_a_field_per_indicator(self) -> None:
        self.client.force_login(self.operator)
        response = self.client.get(self.edit_url())
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, 'enctype="multipart/form-data"')
        for indicator in (self.houses, self.coverage, self.quality):
            self.assertContains(response, f'name="ind_{indicator.pk}"')
        self.assertContains(response, "Rumah yang dimundurkan (rumah)")

    def test_it_lets_the_operator_write_with_a_photo_and_submit_then_bappeda_approve(self) -> None:
        self.client.force_login(self.operator)
        response = self.client.post(self.edit_url(), self.form(attachment=png_upload()))
        report = ProgressReport.objects.get()
        self.assertRedirects(response, self.url("report", report_id=report.pk))
        self.assertEqual(
            self.messages_of(response),
            [gettext("The report was saved as a draft. Submit it to Bappeda when complete.")],
        )
        self.assertEqual((report.status, report.created_by, report.progress_percent), (R.DRAFT, self.operator, 40))
        self.assertTrue(report.attachment.name.endswith(".png"))
        with report.attachment.open("rb") as stored:
            self.assertEqual(stored.read(), png_upload().read())
        self.assertEqual(
            sorted(report.values.values_list("indicator_id", "value", "text")),
            sorted(
                [
                    (self.houses.pk, Decimal(30), ""),
                    (self.coverage.pk, Decimal("45.5"), ""),
                    (self.quality.pk, None, "Sebagian warga puas"),
                ]
            ),
        )

        detail = self.client.get(self.url("report", report_id=report.pk))
        self.assertContains(detail, f'<img src="{self.url("report_attachment", report_id=report.pk)}"')
        self.assertNotContains(detail, report.attachment.url)  # never the MEDIA address
        self.assertContains(detail, self.url("report_act", report_id=report.pk, action="submit"))
        self.assertNotContains(detail, self.url("report_act", report_id=report.pk, action="approve"))

        response = self.client.post(self.url("report_act", report_id=report.pk, action="submit"))
        self.assertRedirects(response, self.url("report", report_id=report.pk))
        report.refresh_from_db()
        self.assertEqual(report.status, R.SUBMITTED)
        self.assertEqual(
            self.messages_of(response), [gettext("Report status: %(status)s.") % {"status": gettext("Submitted")}]
        )

        self.client.force_login(self.planner)
        detail = self.client.get(self.url("report", report_id=report.pk))
        self.assertContains(detail, self.url("report_act", report_id=report.pk, action="approve"))
        self.assertContains(detail, self.url("report_act", report_id=report.pk, action="return"))
        with committed():
            response = self.client.post(self.url("report_act", report_id=report.pk, action="approve"))
        self.assertRedirects(response, self.url("report", report_id=report.pk))
        report.refresh_from_db()
        self.assertEqual((report.status, report.approved_by), (R.APPROVED, self.planner))
        self.assertEqual(IndicatorValue.objects.get(indicator=self.coverage, period=self.s1).actual, Decimal("45.5"))
        results = self.client.get(self.url("results", programme_id=self.river.pk))
        self.assertContains(results, "40%")  # the rolled-up progress after commit

    def test_it_returns_a_report_with_the_reason_shown_to_the_agency(self) -> None:
        report = self.report(status="submitted")
        self.client.force_login(self.planner)
        self.client.post(
            self.url("report_act", report_id=report.pk, action="return"), {"note": "Lampirkan foto lokasi."}
        )
        report.refresh_from_db()
        self.assertEqual((report.status, report.review_note), (R.RETURNED, "Lampirkan foto lokasi."))
        self.client.force_login(self.operator)
        self.assertContains(self.client.get(self.edit_url()), "Lampirkan foto lokasi.")

    def test_it_shows_a_refused_action_as_a_message(self) -> None:
        report = self.report()
        self.client.force_login(self.operator)
        response = self.client.post(self.url("report_act", report_id=report.pk, action="approve"))
        self.assertRedirects(response, self.url("report", report_id=report.pk))
        self.assertEqual(self.messages_of(response), [gettext("Your role does not allow this action.")])
        self.assertEqual(ProgressReport.objects.get().status, R.DRAFT)

    def test_it_refuses_an_executable_with_a_form_error(self) -> None:
        self.client.force_login(self.operator)
        program = SimpleUploadedFile(
            "laporan.exe", b"MZ\x90\x00" + b"\x00" * 60, content_type="application/octet-stream"
        )
        response = self.client.post(self.edit_url(), self.form(attachment=program))
        self.assertEqual(response.status_code, 200)
        message = gettext(
            "File extension “%(extension)s” is not allowed. Allowed extensions are: %(allowed_extensions)s."
        )
        self.assertEqual(
            response.context["form"].errors["attachment"],
            [message % {"extension": "exe", "allowed_extensions": "jpg, jpeg, png, pdf"}],
        )
        self.assertFalse(ProgressReport.objects.exists())

    def test_it_refuses_a_file_over_5_mb_with_a_form_error(self) -> None:
        self.client.force_login(self.operator)
        big = SimpleUploadedFile(
            "foto-besar.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * (MAX_UPLOAD - 7), content_type="image/png"
        )
        self.assertEqual(big.size, MAX_UPLOAD + 1)
        response = self.client.post(self.edit_url(), self.form(attachment=big))
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.context["form"].errors["attachment"], [gettext("The file is larger than 5 MB.")])
        self.assertFalse(ProgressReport.objects.exists())

    def test_it_accepts_a_file_of_exactly_5_mb(self) -> None:
        self.client.force_login(self.operator)
        padding = b"%" + b"0" * (MAX_UPLOAD - len(TINY_PDF) - 2) + b"\n"  # a PDF comment line
        exact = SimpleUploadedFile("berita-acara.pdf", TINY_PDF[:9] + padding + TINY_PDF[9:])
        self.assertEqual(exact.size, MAX_UPLOAD)
        response = self.client.post(self.edit_url(), self.form(attachment=exact))
        self.assertEqual(response.status_code, 302)
        self.assertEqual(ProgressReport.objects.get().attachment.size, MAX_UPLOAD)

    def test_it_refuses_a_disguised_file_with_a_form_error_and_stores_nothing(self) -> None:
        self.client.force_login(self.operator)
        cases = {
            "foto.jpg": (b"MZ\x90\x00" + b"\x00" * 60, NOT_AN_IMAGE),
            "laporan.pdf": (b"<html><body>bukan pdf</body></html>", NOT_A_PDF),
        }
        for name, (content, message) in cases.items():
            with self.subTest(name):
                response = self.client.post(self.edit_url(), self.form(attachment=SimpleUploadedFile(name, content)))
                self.assertEqual(response.status_code, 200)
                self.assertEqual(response.context["form"].errors["attachment"], [gettext(message)])
        self.assertFalse(ProgressReport.objects.exists())
        self.assertEqual(list(Path(self.media).rglob("*.*")), [])

    def test_it_refuses_bad_numbers_with_a_clear_error_and_stores_nothing(self) -> None:
        self.client.force_login(self.operator)
        cases = {
            "text in a number field": (self.houses, "tiga puluh", gettext("Enter a number.")),
            "a negative count": (self.houses, "-3", gettext(NEGATIVE)),
            "a percentage over 100": (self.coverage, "100.5", gettext(PERCENT_RANGE)),
            "a percentage under 0": (self.coverage, "-1", gettext(PERCENT_RANGE)),
        }
        for case, (indicator, value, message) in cases.items():
            with self.subTest(case):
                response = self.client.post(self.edit_url(), self.form(**{f"ind_{indicator.pk}": value}))
                self.assertEqual(response.status_code, 200)
                self.assertEqual(response.context["form"].errors[f"ind_{indicator.pk}"], [message])
                self.assertContains(response, message)
        self.assertFalse(ProgressReport.objects.exists())
        self.assertFalse(ReportValue.objects.exists())

    def test_it_shows_the_service_refusal_for_a_qualitative_indicator_left_out(self) -> None:
        self.client.force_login(self.operator)
        response = self.client.post(self.edit_url(), self.form(**{f"ind_{self.houses.pk}": "banyak"}))
        self.assertEqual(response.status_code, 200)
        self.assertIn(f"ind_{self.houses.pk}", response.context["form"].errors)
        self.assertFalse(ProgressReport.objects.exists())

    def test_it_shows_the_locked_period_message_on_the_form_and_refuses_the_post(self) -> None:
        services.period_lock(period=self.s1, actor=self.planner)
        self.client.force_login(self.operator)
        self.assertContains(self.client.get(self.edit_url()), gettext(PERIOD_LOCKED))
        response = self.client.post(self.edit_url(), self.form())
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.context["form"].non_field_errors(), [gettext(PERIOD_LOCKED)])
        self.assertFalse(ProgressReport.objects.exists())

    def test_it_refuses_to_change_a_submitted_report_through_the_form(self) -> None:
        self.report(status="submitted")
        self.client.force_login(self.operator)
        response = self.client.post(self.edit_url(), self.form(narrative="Diubah."))
        self.assertEqual(response.context["form"].non_field_errors(), [gettext(REPORT_FROZEN)])
        self.assertEqual(ProgressReport.objects.get().narrative, "Tiga puluh rumah sudah dimundurkan.")

    def test_it_refuses_bappeda_writing_the_agencys_report(self) -> None:
        self.client.force_login(self.planner)
        response = self.client.post(self.edit_url(), self.form())
        self.assertEqual(response.status_code, 200)
        self.assertEqual(
            response.context["form"].non_field_errors(), [gettext("Your role does not allow this action.")]
        )
        self.assertFalse(ProgressReport.objects.exists())

    def test_it_hides_an_unpublished_programme_from_its_operator_and_other_regions(self) -> None:
        hidden = self.make_programme(title="Belum diumumkan", published=False)
        self.client.force_login(self.operator)
        url = self.url("report_edit", programme_id=hidden.pk, period_id=self.s1.pk)
        self.assertEqual(self.client.get(url).status_code, 404)
        self.client.force_login(self.outsider)
        self.assertEqual(self.client.get(self.edit_url()).status_code, 404)

    def test_it_speaks_indonesian(self) -> None:
        with override("id"):
            self.assertEqual(
                gettext(PERIOD_LOCKED), "Periode pelaporan ini sudah dikunci; tidak menerima laporan lagi."
            )
        services.period_lock(period=self.s1, actor=self.planner)
        self.client.force_login(self.operator)
        page = self.client.get(self.edit_url()).content.decode()  # Indonesian unless the visitor switched
        for text in (
            "Laporan kemajuan 2027 S1",
            "Periode pelaporan ini sudah dikunci; tidak menerima laporan lagi.",
            "Apa yang dikerjakan pada periode ini",
            "Foto atau dokumen",
        ):
            self.assertIn(text, page)
        self.assertNotIn("This reporting period is locked", page)


class ReportAttachmentTests(ScratchMediaMixin):
    """Evidence is served only to those who may read the report; the public pages never show it.

    The public pages publish aggregates of published programmes, never a report's narrative or evidence:
    photos of riverside houses show residents and their homes (personal data, UU 27/2022), and nothing
    in the workflow asks for consent to publish them.
    """

    def attached(self, upload: SimpleUploadedFile | None = None) -> ProgressReport:
        report = self.report(status="approved", attachment=upload or png_upload())
        return ProgressReport.objects.get(pk=report.pk)

    def test_it_serves_the_photo_inline_to_the_regions_staff(self) -> None:
        report = self.attached()
        for user in (self.operator, self.planner, self.inspector, self.leader, self.health_operator):
            with self.subTest(user=user.username):
                self.client.force_login(user)
                response = self.client.get(self.url("report_attachment", report_id=report.pk))
                self.assertEqual(response.status_code, 200)
                self.assertEqual(response.content, TINY_PNG)
                self.assertEqual(response["Content-Type"], "image/png")
                self.assertEqual(response["Content-Disposition"], f'inline; filename="laporan-{report.pk}.png"')
                self.assertEqual(response["Cache-Control"], "private, no-store")
                self.assertEqual(response["X-Content-Type-Options"], "nosniff")

    def test_it_sends_a_pdf_as_a_download(self) -> None:
        report = self.attached(SimpleUploadedFile("berita-acara.pdf", TINY_PDF))
        self.client.force_login(self.planner)
        response = self.client.get(self.url("report_attachment", report_id=report.pk))
        self.assertEqual((response["Content-Type"], response.content), ("application/pdf", TINY_PDF))
        self.assertTrue(response["Content-Disposition"].startswith("attachment;"))
        detail = self.client.get(self.url("report", report_id=report.pk))
        self.assertContains(detail, gettext("Download the document (PDF)"))
        self.assertNotContains(detail, "<img")

    def test_it_refuses_visitors_citizens_and_other_regions(self) -> None:
        report = self.attached()
        url = self.url("report_attachment", report_id=report.pk)
        response = self.client.get(url)
        self.assertEqual(response.status_code, 302)
        self.assertIn(reverse("accounts:login"), response["Location"])
        for user, status in ((self.citizen, 403), (self.treasurer, 403), (self.outsider, 404)):
            with self.subTest(user=user.username):
                self.client.force_login(user)
                self.assertEqual(self.client.get(url).status_code, status)

    def test_it_is_not_reachable_under_the_media_address(self) -> None:
        report = self.attached()
        self.assertEqual(self.client.get(report.attachment.url).status_code, 404)
        public = self.client.get(reverse("open:programme", args=[self.region.slug, self.river.pk]))
        self.assertNotContains(public, self.url("report_attachment", report_id=report.pk))

    def test_it_hides_the_evidence_of_an_unpublished_programme_like_its_report(self) -> None:
        hidden = self.make_programme(title="Belum diumumkan", published=False)
        report = services.report_save(
            programme=hidden,
            period=self.s1,
            data=ReportData(narrative="Rahasia.", progress_percent=10, values={}, attachment=png_upload()),
            actor=self.operator,
        )
        self.client.force_login(self.operator)
        self.assertEqual(self.client.get(self.url("report_attachment", report_id=report.pk)).status_code, 404)
        self.client.force_login(self.planner)
        self.assertEqual(self.client.get(self.url("report_attachment", report_id=report.pk)).status_code, 200)

    def test_it_answers_404_for_a_report_without_evidence(self) -> None:
        report = self.report()
        self.client.force_login(self.planner)
        self.assertEqual(self.client.get(self.url("report_attachment", report_id=report.pk)).status_code, 404)


class ProgrammeResultsViewTests(MonitoringViewTestCase):
    def test_it_shows_indicators_targets_and_actuals(self) -> None:
        self.report(status="approved")
        self.client.force_login(self.inspector)
        response = self.client.get(self.url("results", programme_id=self.river.pk))
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "Rumah yang dimundurkan")
        self.assertContains(response, '<th scope="row">2027 S1</th><td>40</td><td><strong>30</strong></td>', html=True)
        self.assertNotContains(response, self.url("indicator_create", programme_id=self.river.pk))

    def test_it_offers_the_lead_agency_only_the_periods_it_can_still_report(self) -> None:
        services.period_lock(period=self.p2026, actor=self.planner)
        self.report(status="approved")
        self.client.force_login(self.operator)
        response = self.client.get(self.url("results", programme_id=self.river.pk))
        edit = lambda period: self.url("report_edit", programme_id=self.river.pk, period_id=period.pk)  # noqa: E731
        self.assertNotContains(response, edit(self.p2026))  # locked
        self.assertNotContains(response, edit(self.s1))  # approved
        self.assertContains(response, gettext("Report for %(label)s") % {"label": "2027 S2"})
        self.report(period=self.s2)
        response = self.client.get(self.url("results", programme_id=self.river.pk))
        self.assertContains(response, gettext("Continue the report for %(label)s") % {"label": "2027 S2"})
        self.client.force_login(self.inspector)
        self.assertNotContains(self.client.get(self.url("results", programme_id=self.river.pk)), edit(self.s2))

    def test_it_marks_a_milestone_past_its_date_as_overdue(self) -> None:
        services.milestone_create(
            programme=self.river, title="Lelang", planned_date=self.s1.starts_on, actor=self.planner
        )
        services.milestone_create(
            programme=self.river, title="Serah terima", planned_date=self.s2.ends_on, actor=self.planner
        )
        self.client.force_login(self.inspector)
        response = self.client.get(self.url("results", programme_id=self.river.pk))
        self.assertContains(response, f'<span class="badge warn">{gettext("overdue")}</span>', count=1)

    def test_it_marks_the_targets_an_approved_actual_meets(self) -> None:
        services.target_set(indicator=self.houses, period=self.s1, target=Decimal(25), actor=self.planner)
        self.report(status="approved")  # 30 houses against 25: met; 45 % against 60 %: not met
        self.client.force_login(self.inspector)
        response = self.client.get(self.url("results", programme_id=self.river.pk))
        self.assertContains(response, f'<span class="vh">{gettext("target met")}</span>', count=1, html=False)
        self.assertContains(
            response, '<td>25</td><td><strong>30</strong> <span aria-hidden="true">✓</span>', html=False
        )

    def test_it_lets_the_lead_agency_add_an_indicator_and_a_milestone(self) -> None:
        self.client.force_login(self.operator)
        response = self.client.post(
            self.url("indicator_create", programme_id=self.river.pk),
            {"title": "Drainase", "measure": "unit", "unit": "meter", "direction": "ascending", "baseline_value": "10"},
        )
        self.assertRedirects(response, self.url("results", programme_id=self.river.pk))
        self.assertEqual(self.river.indicators.last().title, "Drainase")
        self.client.post(
            self.url("milestone_create", programme_id=self.river.pk), {"title": "Lelang", "planned_date": "2027-03-01"}
        )
        self.assertEqual(list(self.river.milestones.values_list("title", flat=True)), ["Lelang"])

    def test_it_sets_a_target_through_the_page(self) -> None:
        self.client.force_login(self.planner)
        self.client.post(
            self.url("target_set", programme_id=self.river.pk),
            {"indicator": self.houses.pk, "period": self.s2.pk, "target": "80"},
        )
        self.assertEqual(IndicatorValue.objects.get(indicator=self.houses, period=self.s2).target, Decimal(80))

    def test_it_reports_a_refused_indicator_as_a_message(self) -> None:
        self.client.force_login(self.health_operator)
        response = self.client.post(
            self.url("indicator_create", programme_id=self.river.pk),
            {"title": "Drainase", "measure": "unit", "direction": "ascending"},
        )
        self.assertEqual(self.messages_of(response), [gettext("Your role does not allow this action.")])
        self.assertEqual(self.river.indicators.count(), 3)

    def test_it_reads_a_fixed_number_of_queries(self) -> None:
        self.report(status="approved")
        self.client.force_login(self.planner)
        with self.assertNumQueries(16):
            self.client.get(self.url("results", programme_id=self.river.pk))
        for n in range(3):
            self.indicator(self.river, f"Indikator {n}", "unit")
        services.milestone_create(programme=self.river, title="Tahap", planned_date=self.s2.ends_on, actor=self.planner)
        with self.assertNumQueries(16):
            self.client.get(self.url("results", programme_id=self.river.pk))


class PeriodViewTests(MonitoringViewTestCase):
    def test_it_lets_bappeda_add_and_lock_a_period(self) -> None:
        self.client.force_login(self.planner)
        response = self.client.post(
            self.url("periods"), {"label": "2028", "starts_on": "2028-01-01", "ends_on": "2028-12-31"}
        )
        self.assertRedirects(response, self.url("periods"))
        period = Period.objects.get(label="2028")
        response = self.client.post(self.url("period_lock", period_id=period.pk))
        self.assertRedirects(response, self.url("periods"))
        period.refresh_from_db()
        self.assertTrue(period.is_locked)

    def test_it_shows_which_agencies_were_reminded_of_a_missing_report(self) -> None:
        services.reminders_send(region=self.region, today=self.s1.ends_on + dt.timedelta(days=1))
        self.client.force_login(self.planner)
        with self.assertNumQueries(4):  # the reminders of every period in one query
            response = self.client.get(self.url("periods"))
        self.assertContains(response, f"{gettext('Reminded of a missing report:')} {self.public_works}")

    def test_it_shows_a_duplicate_label_as_a_form_error(self) -> None:
        self.client.force_login(self.planner)
        response = self.client.post(
            self.url("periods"), {"label": "2027 S1", "starts_on": "2027-01-01", "ends_on": "2027-06-30"}
        )
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.context["form"].errors["label"], [gettext("This already exists.")])

    def test_it_shows_periods_to_agencies_but_lets_only_bappeda_change_them(self) -> None:
        self.client.force_login(self.operator)
        response = self.client.get(self.url("periods"))
        self.assertContains(response, "2027 S1")
        self.assertNotContains(response, self.url("period_lock", period_id=self.s1.pk))
        post = self.client.post(
            self.url("periods"), {"label": "2028", "starts_on": "2028-01-01", "ends_on": "2028-12-31"}
        )
        self.assertEqual(post.status_code, 404)
        self.assertEqual(self.client.post(self.url("period_lock", period_id=self.s1.pk)).status_code, 403)
        self.assertFalse(Period.objects.filter(label="2028").exists())
        self.assertFalse(Period.objects.get(pk=self.s1.pk).is_locked)


class StatusCatalogueViewTests(MonitoringViewTestCase):
    def test_it_saves_only_the_changed_percentages(self) -> None:
        self.client.force_login(self.planner)
        form = {
            "pct_planned": "0",
            "pct_in_implementation": "40",
            "pct_completed": "100",
            "pct_cancelled": "0",
            "pct_suspended": "50",
        }
        response = self.client.post(self.url("statuses"), form)
        self.assertRedirects(response, self.url("statuses"))
        self.assertEqual(list(StatusPercent.objects.values_list("status", "percent")), [("in_implementation", 40)])

    def test_it_refuses_a_percentage_over_100_and_other_roles(self) -> None:
        self.client.force_login(self.planner)
        form = {
            "pct_planned": "0",
            "pct_in_implementation": "140",
            "pct_completed": "100",
            "pct_cancelled": "0",
            "pct_suspended": "50",
        }
        response = self.client.post(self.url("statuses"), form)
        self.assertEqual(response.status_code, 200)
        self.assertIn("pct_in_implementation", response.context["form"].errors)
        self.client.force_login(self.operator)
        self.assertEqual(self.client.get(self.url("statuses")).status_code, 403)
        self.assertFalse(StatusPercent.objects.exists())


class EvaluationViewTests(MonitoringViewTestCase):
    def weights(self, **overrides: str) -> dict[str, str]:
        data = {"year": "2026", "weight_baseline": "10", "weight_output": "20", "weight_outcome": "30"}
        data |= {"weight_impact": "30", "weight_quick_win": "10", **overrides}
        return data

    def test_it_opens_a_year_scores_verifies_and_publishes(self) -> None:
        self.client.force_login(self.planner)
        response = self.client.post(self.url("evaluations"), self.weights())
        evaluation = Evaluation.objects.get()
        self.assertRedirects(response, self.url("evaluation", evaluation_id=evaluation.pk))
        for dimension, score in zip(EvaluationDimension.values, ["3", "3", "4", "3", "2"], strict=True):
            self.client.post(
                self.url("evaluation", evaluation_id=evaluation.pk),
                {"eval_dimension": dimension, "score": score, "evidence": "Bukti."},
            )
        page = self.client.get(self.url("evaluation", evaluation_id=evaluation.pk))
        self.assertEqual(page.context["result"].index, Decimal("3.20"))
        self.assertContains(page, f'id="evaluation-index">{localize(Decimal("3.20"))} ')
        self.client.force_login(self.assessor)
        for score in EvaluationScore.objects.all():
            self.client.post(self.url("score_verify", score_id=score.pk), {"verified_score": str(score.self_score)})
        self.assertFalse(EvaluationScore.objects.filter(verified_score__isnull=True).exists())
        self.client.force_login(self.planner)
        response = self.client.post(self.url("evaluation_publish", evaluation_id=evaluation.pk))
        self.assertEqual(self.messages_of(response)[-1], gettext("The evaluation is published."))
        self.assertTrue(Evaluation.objects.get().is_published)

    def test_it_shows_the_live_count_of_masterplan_programmes_running(self) -> None:
        with committed():
            plan = self.masterplan()
            self.make_programme(title="Taman kota", status="completed", masterplan=plan)
            self.make_programme(title="Pasar sehat", status="planned", masterplan=plan)
        evaluation = self.evaluation(2026)
        self.client.force_login(self.assessor)
        response = self.client.get(self.url("evaluation", evaluation_id=evaluation.pk))
        table = response.content.decode().split('id="running-table"')[1].split("</table>")[0]
        living = table.split(f'<th scope="row">{self.living.label}</th>')[1].split("</tr>")[0]
        running = gettext("%(n)s of %(m)s") % {"n": 1, "m": 2}
        self.assertEqual(re.findall(r'<td class="num">(.*?)</td>', living), [running, "50%"])

    def test_it_refuses_weights_that_do_not_add_up_with_a_form_error(self) -> None:
        self.client.force_login(self.planner)
        response = self.client.post(self.url("evaluations"), self.weights(weight_impact="20"))
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.context["form"].non_field_errors(), [gettext(WEIGHTS_SUM)])
        self.assertFalse(Evaluation.objects.exists())

    def test_it_refuses_publishing_before_verification_with_a_message(self) -> None:
        evaluation = self.evaluation(2026, scores=dict.fromkeys(EvaluationDimension.values, "3"))
        self.client.force_login(self.planner)
        response = self.client.post(self.url("evaluation_publish", evaluation_id=evaluation.pk))
        self.assertEqual(
            self.messages_of(response),
            [gettext("Every evaluation dimension needs a verified score before publishing.")],
        )
        self.assertFalse(Evaluation.objects.get().is_published)

    def test_it_lets_only_assessors_verify_and_readers_only_read(self) -> None:
        evaluation = self.evaluation(2026, scores={"impact": "3"})
        score = evaluation.scores.get()
        self.client.force_login(self.planner)
        self.assertEqual(
            self.client.post(self.url("score_verify", score_id=score.pk), {"verified_score": "5"}).status_code, 403
        )
        self.client.force_login(self.leader)
        self.assertEqual(self.client.get(self.url("evaluation", evaluation_id=evaluation.pk)).status_code, 200)
        self.assertEqual(self.client.post(self.url("evaluations"), self.weights(year="2027")).status_code, 404)
        self.client.force_login(self.operator)
        self.assertEqual(self.client.get(self.url("evaluations")).status_code, 403)
        self.assertIsNone(EvaluationScore.objects.get().verified_score)
        self.assertEqual(Evaluation.objects.count(), 1)


class PortalViewTests(MonitoringViewTestCase):
    def settings_form(self, url: str, **overrides: str) -> dict[str, str]:
        data = {"url": url, "organization": ORGANIZATION, "package_name": "kota-cerdas-kotaraya", "token": TOKEN}
        data["is_active"] = "on"
        return data | overrides

    def test_it_lets_diskominfo_set_the_portal_and_publish_to_it(self) -> None:
        self.client.force_login(self.officer)
        page = self.client.get(self.url("portal"))
        self.assertContains(page, 'value="kota-cerdas-kotaraya"')
        with FakeCkan() as ckan:
            response = self.client.post(self.url("portal"), self.settings_form(ckan.url))
            self.assertRedirects(response, self.url("portal"))
            page = self.client.get(self.url("portal"))
            self.assertNotContains(page, TOKEN)
            self.assertContains(page, self.url("portal_publish"))
            response = self.client.post(self.url("portal_publish"))
        self.assertRedirects(response, self.url("portal"))
        self.assertEqual(
            self.messages_of(response), [gettext("%(count)s files were published to the portal.") % {"count": 10}]
        )
        self.assertEqual(len(ckan.packages["kota-cerdas-kotaraya"].resources), 10)

    def test_it_shows_the_portals_refusal_as_a_message_and_on_the_page(self) -> None:
        self.client.force_login(self.officer)
        with FakeCkan() as ckan:
            self.client.post(self.url("portal"), self.settings_form(ckan.url, token="token-salah"))
            response = self.client.post(self.url("portal_publish"))
        reason = "package_show: Authorization Error (HTTP 403): Access denied"
        self.assertEqual(
            self.messages_of(response)[-1],
            gettext("The portal refused the publication: %(reason)s") % {"reason": reason},
        )
        self.assertContains(self.client.get(self.url("portal")), reason)

    def test_it_shows_bad_settings_as_form_errors_and_stores_nothing(self) -> None:
        self.client.force_login(self.officer)
        response = self.client.post(self.url("portal"), self.settings_form("bukan alamat", package_name="Nama Paket"))
        self.assertEqual(response.status_code, 200)
        self.assertEqual(set(response.context["form"].errors), {"url"})
        response = self.client.post(self.url("portal"), self.settings_form("https://data.kotaraya.go.id", token=""))
        self.assertEqual(response.context["form"].errors["token"], [gettext(TOKEN_REQUIRED)])
        self.assertFalse(OpenDataPortal.objects.exists())

    def test_it_is_for_diskominfo_only(self) -> None:
        for user in (self.planner, self.operator, self.leader, self.inspector):
            with self.subTest(user=user.username):
                self.client.force_login(user)
                self.assertEqual(self.client.get(self.url("portal")).status_code, 403)
                self.assertEqual(self.client.post(self.url("portal_publish")).status_code, 403)
                if user != self.operator:  # agency operators do not see the dashboard at all
                    self.assertNotContains(self.client.get(self.url("dashboard")), self.url("portal"))
        self.client.force_login(self.officer)
        self.assertContains(self.client.get(self.url("dashboard")), self.url("portal"))
