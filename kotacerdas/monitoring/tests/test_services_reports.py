"""Progress reports: the lead agency writes and submits, Bappeda returns or approves; approval sets the actuals."""

from __future__ import annotations

import datetime as dt
import shutil
import tempfile
from decimal import Decimal
from pathlib import Path

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.utils.translation import gettext

from kotacerdas.audit.actions import AuditAction
from kotacerdas.core.errors import ApplicationError, Conflict, NotAllowed
from kotacerdas.core.workflow import NOT_ALLOWED_FROM_STATE, REASON_REQUIRED
from kotacerdas.monitoring import services
from kotacerdas.monitoring.evidence import NOT_A_PDF, NOT_AN_IMAGE, TOO_MANY_PIXELS, UNKNOWN_KIND
from kotacerdas.monitoring.models import IndicatorValue, Measure, ProgressReport, ReportStatus, ReportValue
from kotacerdas.monitoring.services import (
    INDICATOR_OF_OTHER_PROGRAMME,
    NEGATIVE,
    NOT_PERMITTED,
    NOT_REPORTABLE,
    PERCENT_RANGE,
    PERIOD_LOCKED,
    REPORT_FROZEN,
    TEXT_REQUIRED,
    VALUE_REQUIRED,
    WRONG_REGION,
    MonitoringError,
)
from kotacerdas.monitoring.tests.factories import (
    NOW,
    TINY_PDF,
    TINY_PNG,
    MonitoringTestCase,
    actions_of,
    audit_trail,
    gif_bytes,
    jpeg_bytes,
    png_bytes,
    png_upload,
)

R = ReportStatus


def fresh(report: ProgressReport) -> ProgressReport:
    return ProgressReport.objects.get(pk=report.pk)


def actuals(*indicators: object) -> list[tuple[Decimal | None, str]]:
    """The (actual, actual text) of each indicator in "2027 S1", in the order given."""
    rows = IndicatorValue.objects.filter(period__label="2027 S1")
    values = {v.indicator_id: (v.actual, v.actual_text) for v in rows}
    return [values.get(i.pk, (None, "")) for i in indicators]  # type: ignore[attr-defined]


class ReportSaveTests(MonitoringTestCase):
    def save(self, actor: object = None, **overrides: object) -> ProgressReport:
        return services.report_save(
            programme=overrides.pop("programme", self.river),  # type: ignore[arg-type]
            period=overrides.pop("period", self.s1),  # type: ignore[arg-type]
            data=self.report_data(**overrides),
            actor=actor or self.operator,
        )

    def test_it_saves_a_draft_with_a_value_per_indicator(self) -> None:
        report = fresh(self.save())
        self.assertEqual((report.status, report.programme, report.period), (R.DRAFT, self.river, self.s1))
        self.assertEqual(
            (report.agency, report.created_by, report.region), (self.public_works, self.operator, self.region)
        )
        self.assertEqual((report.narrative, report.progress_percent), ("Tiga puluh rumah sudah dimundurkan.", 40))
        self.assertEqual(
            sorted(report.values.values_list("indicator__title", "value", "text")),
            [
                ("Kepuasan warga", None, "Sebagian warga puas"),
                ("Rumah yang dimundurkan", Decimal(30), ""),
                ("Tepi sungai tertata", Decimal(45), ""),
            ],
        )

    def test_it_records_the_saved_values_in_the_audit_log(self) -> None:
        report = self.save()
        [entry] = audit_trail(report)
        self.assertEqual((entry.action, entry.actor), (AuditAction.REPORT_SAVED, self.operator))
        self.assertEqual(
            entry.after,
            {
                "period": "2027 S1",
                "progress_percent": 40,
                "values": {
                    str(self.houses.pk): "30",
                    str(self.coverage.pk): "45",
                    str(self.quality.pk): "Sebagian warga puas",
                },
            },
        )

    def test_it_edits_the_same_draft_and_replaces_its_values(self) -> None:
        first = self.save()
        second = self.save(actor=self.head, narrative="Revisi.", values={self.houses.pk: (Decimal(31), "")})
        self.assertEqual(first.pk, second.pk)
        self.assertEqual(ProgressReport.objects.count(), 1)
        self.assertEqual(fresh(first).narrative, "Revisi.")
        self.assertEqual(list(ReportValue.objects.values_list("indicator", "value")), [(self.houses.pk, Decimal(31))])

    def test_it_lets_the_agency_revise_a_returned_report(self) -> None:
        report = self.report(status="returned")
        self.save(narrative="Foto sudah dilampirkan.")
        self.assertEqual((fresh(report).status, fresh(report).narrative), (R.RETURNED, "Foto sudah dilampirkan."))

    def use_scratch_media(self) -> str:
        media = tempfile.mkdtemp()
        self.addCleanup(shutil.rmtree, media)
        scratch = override_settings(MEDIA_ROOT=media)
        scratch.enable()
        self.addCleanup(scratch.disable)
        return media

    def test_it_keeps_a_photo_as_evidence_under_a_random_name(self) -> None:
        self.use_scratch_media()
        report = fresh(self.save(attachment=png_upload()))
        self.assertRegex(report.attachment.name, rf"^reports/{self.region.pk}/{self.river.pk}/[0-9a-f]{{32}}\.png$")
        with report.attachment.open("rb") as stored:
            self.assertEqual(stored.read(), TINY_PNG)
        # Saving again without a new file keeps the photo.
        self.save(narrative="Tanpa lampiran baru.")
        self.assertEqual(fresh(report).attachment.name, report.attachment.name)

    def test_it_stores_a_file_under_the_kind_its_content_shows(self) -> None:
        self.use_scratch_media()
        photo = SimpleUploadedFile("foto.png", jpeg_bytes(), content_type="image/png")
        self.assertTrue(fresh(self.save(attachment=photo)).attachment.name.endswith(".jpg"))

    def test_it_keeps_a_real_pdf(self) -> None:
        self.use_scratch_media()
        document = SimpleUploadedFile("berita-acara.pdf", TINY_PDF, content_type="application/pdf")
        report = fresh(self.save(attachment=document))
        self.assertTrue(report.attachment.name.endswith(".pdf"))
        with report.attachment.open("rb") as stored:
            self.assertEqual(stored.read(), TINY_PDF)

    def test_it_deletes_the_file_a_new_one_replaces_once_committed(self) -> None:
        media = self.use_scratch_media()
        first = fresh(self.save(attachment=png_upload())).attachment.name
        with self.captureOnCommitCallbacks(execute=True):
            second = fresh(self.save(attachment=png_upload())).attachment.name
        self.assertNotEqual(first, second)
        self.assertFalse((Path(media) / first).exists())
        self.assertTrue((Path(media) / second).exists())

    def test_it_refuses_files_whose_content_is_not_what_their_name_says(self) -> None:
        self.use_scratch_media()
        cases = {
            "an executable named .png": ("foto.png", b"MZ\x90\x00" + b"\x00" * 200, NOT_AN_IMAGE),
            "a png cut short": ("foto.png", TINY_PNG[:40], NOT_AN_IMAGE),
            "a png header and nothing else": ("foto.jpg", b"\x89PNG\r\n\x1a\n" + b"\x00" * 64, NOT_AN_IMAGE),
            "a gif": ("foto.png", gif_bytes(), NOT_AN_IMAGE),
            "html named .pdf": ("laporan.pdf", b"<html><script>alert(1)</script></html>", NOT_A_PDF),
            "a pdf without its end": ("laporan.pdf", TINY_PDF[:-8], NOT_A_PDF),
            "an unknown extension": ("laporan.docx", TINY_PDF, UNKNOWN_KIND),
        }
        for case, (name, content, message) in cases.items():
            with self.subTest(case):
                upload = SimpleUploadedFile(name, content)
                error = self.assertRefused(MonitoringError, message, lambda upload=upload: self.save(attachment=upload))
                self.assertEqual(error.field, "attachment")
        self.assertFalse(ProgressReport.objects.exists())

    def test_it_refuses_a_decompression_bomb(self) -> None:
        self.use_scratch_media()
        bomb = SimpleUploadedFile("foto.png", png_bytes(8000, 6000), content_type="image/png")
        self.assertLess(bomb.size, 1024 * 1024)
        self.assertRefused(MonitoringError, TOO_MANY_PIXELS, lambda: self.save(attachment=bomb))
        self.assertFalse(ProgressReport.objects.exists())

    def test_it_leaves_the_actuals_alone(self) -> None:
        self.save()
        self.assertEqual(actuals(self.houses, self.coverage, self.quality), [(None, "")] * 3)

    def test_it_refuses_bappeda_another_agency_readers_and_outsiders(self) -> None:
        for actor in (self.planner, self.health_operator, self.officer, self.leader, self.inspector, self.outsider):
            with self.subTest(actor=actor.username):
                self.assertRefused(NotAllowed, NOT_PERMITTED, lambda actor=actor: self.save(actor=actor))
        self.assertFalse(ProgressReport.objects.exists())

    def test_it_refuses_a_locked_period_with_a_clear_message(self) -> None:
        services.period_lock(period=self.s1, actor=self.planner)
        self.s1.refresh_from_db()
        error = self.assertRefused(MonitoringError, PERIOD_LOCKED, self.save)
        self.assertEqual(error.field, "period")
        self.assertEqual(error.message, gettext("This reporting period is locked; it takes no more reports."))
        self.assertFalse(ProgressReport.objects.exists())

    def test_it_refuses_programmes_that_are_not_running_or_completed(self) -> None:
        for status in ("planned", "suspended", "cancelled"):
            with self.subTest(status=status):
                programme = self.make_programme(title=f"Program {status}", status=status)
                self.assertRefused(
                    MonitoringError,
                    NOT_REPORTABLE,
                    lambda programme=programme: self.save(programme=programme, values={}),
                )
        self.assertFalse(ProgressReport.objects.exists())

    def test_it_accepts_a_completed_programme(self) -> None:
        programme = self.make_programme(title="Program selesai", status="completed")
        report = self.save(programme=programme, values={})
        self.assertEqual(report.status, R.DRAFT)

    def test_it_refuses_a_period_of_another_region(self) -> None:
        elsewhere = services.period_create(
            region=self.other_region,
            label="2027 S1",
            starts_on=dt.date(2027, 1, 1),
            ends_on=dt.date(2027, 6, 30),
            actor=self.outsider,
        )
        self.assertRefused(MonitoringError, WRONG_REGION, lambda: self.save(period=elsewhere))

    def test_it_refuses_an_indicator_of_another_programme(self) -> None:
        other = self.make_programme(title="Program lain")
        foreign = self.indicator(other, "Indikator lain", Measure.UNIT)
        self.assertRefused(
            MonitoringError, INDICATOR_OF_OTHER_PROGRAMME, lambda: self.save(values={foreign.pk: (Decimal(1), "")})
        )
        self.assertFalse(ProgressReport.objects.exists())

    def test_it_refuses_a_qualitative_indicator_without_text(self) -> None:
        error = self.assertRefused(MonitoringError, None, lambda: self.save(values={self.quality.pk: (None, "   ")}))
        self.assertEqual(error.message, gettext(TEXT_REQUIRED) % {"indicator": "Kepuasan warga"})
        self.assertEqual(error.field, f"ind_{self.quality.pk}")

    def test_it_refuses_a_quantitative_indicator_without_a_number(self) -> None:
        error = self.assertRefused(MonitoringError, None, lambda: self.save(values={self.houses.pk: (None, "banyak")}))
        self.assertEqual(error.message, gettext(VALUE_REQUIRED) % {"indicator": "Rumah yang dimundurkan"})

    def test_it_refuses_a_percentage_out_of_range(self) -> None:
        for value in ("100.5", "-0.01"):
            with self.subTest(value=value):
                error = self.assertRefused(
                    MonitoringError,
                    PERCENT_RANGE,
                    lambda value=value: self.save(values={self.coverage.pk: (Decimal(value), "")}),
                )
                self.assertEqual(error.field, f"ind_{self.coverage.pk}")
        self.assertFalse(ProgressReport.objects.exists())

    def test_it_refuses_a_negative_count(self) -> None:
        error = self.assertRefused(
            MonitoringError, NEGATIVE, lambda: self.save(values={self.houses.pk: (Decimal(-3), "")})
        )
        self.assertEqual(error.field, f"ind_{self.houses.pk}")
        self.assertFalse(ProgressReport.objects.exists())
        self.assertFalse(ReportValue.objects.exists())

    def test_it_refuses_a_progress_over_100_percent(self) -> None:
        self.assertRefused(MonitoringError, None, lambda: self.save(progress_percent=101))
        self.assertFalse(ProgressReport.objects.exists())

    def test_it_refuses_to_edit_a_submitted_or_approved_report(self) -> None:
        report = self.report(status="submitted")
        self.assertRefused(MonitoringError, REPORT_FROZEN, lambda: self.save(narrative="Diam-diam diubah."))
        services.report_approve(report=report, actor=self.planner)
        self.assertRefused(MonitoringError, REPORT_FROZEN, lambda: self.save(narrative="Diam-diam diubah."))
        self.assertEqual(fresh(report).narrative, "Tiga puluh rumah sudah dimundurkan.")


class ReportSubmitTests(MonitoringTestCase):
    def test_it_sends_the_draft_to_bappeda(self) -> None:
        report = services.report_submit(report=self.report(), actor=self.operator)
        self.assertEqual(report.status, R.SUBMITTED)
        self.assertEqual((fresh(report).status, fresh(report).submitted_at), (R.SUBMITTED, NOW))
        entry = audit_trail(report)[-1]
        self.assertEqual(
            (entry.action, entry.before, entry.after["status"]),
            (AuditAction.REPORT_SUBMITTED, {"status": "draft"}, "submitted"),
        )

    def test_it_resubmits_a_returned_report(self) -> None:
        report = self.report(status="returned")
        services.report_submit(report=report, actor=self.head)
        self.assertEqual(fresh(report).status, R.SUBMITTED)

    def test_it_refuses_bappeda_another_agency_and_outsiders(self) -> None:
        report = self.report()
        for actor in (self.planner, self.health_operator, self.leader, self.outsider):
            with self.subTest(actor=actor.username):
                self.assertRefused(
                    NotAllowed, NOT_PERMITTED, lambda actor=actor: services.report_submit(report=report, actor=actor)
                )
        self.assertEqual(fresh(report).status, R.DRAFT)

    def test_it_refuses_a_report_already_submitted(self) -> None:
        report = self.report(status="submitted")
        error = self.assertRefused(Conflict, None, lambda: services.report_submit(report=report, actor=self.operator))
        self.assertEqual(error.message, gettext(NOT_ALLOWED_FROM_STATE) % {"state": report.get_status_display()})

    def test_it_refuses_a_draft_whose_period_was_locked_meanwhile(self) -> None:
        report = self.report()
        services.period_lock(period=self.s1, actor=self.planner)
        report = fresh(report)
        self.assertRefused(
            MonitoringError, PERIOD_LOCKED, lambda: services.report_submit(report=report, actor=self.operator)
        )
        self.assertEqual(fresh(report).status, R.DRAFT)

    def test_it_refuses_a_report_loaded_before_its_period_was_locked(self) -> None:
        report = self.report()
        loaded = ProgressReport.objects.select_related("period").get(pk=report.pk)
        services.period_lock(period=self.s1, actor=self.planner)
        self.assertRefused(
            MonitoringError, PERIOD_LOCKED, lambda: services.report_submit(report=loaded, actor=self.operator)
        )
        self.assertEqual(fresh(report).status, R.DRAFT)


class ReportReturnTests(MonitoringTestCase):
    def test_it_returns_the_report_with_reasons(self) -> None:
        report = self.report(status="submitted")
        services.report_return(report=report, reason="Lampirkan foto lokasi.", actor=self.planner)
        self.assertEqual((fresh(report).status, fresh(report).review_note), (R.RETURNED, "Lampirkan foto lokasi."))
        entry = audit_trail(report)[-1]
        self.assertEqual((entry.action, entry.after["note"]), (AuditAction.REPORT_RETURNED, "Lampirkan foto lokasi."))

    def test_it_refuses_the_agency_readers_and_outsiders(self) -> None:
        report = self.report(status="submitted")
        for actor in (self.operator, self.head, self.officer, self.leader, self.outsider):
            with self.subTest(actor=actor.username):
                self.assertRefused(
                    NotAllowed,
                    NOT_PERMITTED,
                    lambda actor=actor: services.report_return(report=report, reason="Tidak.", actor=actor),
                )
        self.assertEqual(fresh(report).status, R.SUBMITTED)

    def test_it_asks_for_a_reason(self) -> None:
        report = self.report(status="submitted")
        error = self.assertRefused(
            ApplicationError,
            REASON_REQUIRED,
            lambda: services.report_return(report=report, reason=" ", actor=self.planner),
        )
        self.assertEqual(error.field, "note")
        self.assertEqual(fresh(report).status, R.SUBMITTED)

    def test_it_refuses_a_draft(self) -> None:
        report = self.report()
        self.assertRefused(
            Conflict, None, lambda: services.report_return(report=report, reason="Tidak.", actor=self.planner)
        )


class ReportApproveTests(MonitoringTestCase):
    def test_it_approves_and_writes_the_values_as_the_periods_actuals(self) -> None:
        report = services.report_approve(report=self.report(status="submitted"), actor=self.planner)
        report = fresh(report)
        self.assertEqual((report.status, report.approved_by, report.approved_at), (R.APPROVED, self.planner, NOW))
        self.assertEqual(
            actuals(self.houses, self.coverage, self.quality),
            [(Decimal(30), ""), (Decimal(45), ""), (None, "Sebagian warga puas")],
        )
        self.assertEqual(set(IndicatorValue.objects.values_list("actual_report", flat=True)), {report.pk})
        self.assertEqual(actions_of(report)[-1], AuditAction.REPORT_APPROVED)

    def test_it_keeps_the_targets(self) -> None:
        self.report(status="approved")
        self.assertEqual(
            list(
                IndicatorValue.objects.filter(period=self.s1)
                .order_by("indicator__order")
                .values_list("target", "target_text")
            ),
            [(Decimal(40), ""), (Decimal(60), ""), (None, "Warga puas")],
        )

    def test_it_creates_the_value_row_when_no_target_was_set(self) -> None:
        self.report(period=self.s2, status="approved")
        value = IndicatorValue.objects.get(indicator=self.houses, period=self.s2)
        self.assertEqual((value.target, value.actual, value.region), (None, Decimal(30), self.region))

    def test_it_is_the_only_step_that_changes_an_actual(self) -> None:
        report = self.report()
        self.assertEqual(actuals(self.houses), [(None, "")])
        services.report_submit(report=report, actor=self.operator)
        services.report_return(report=report, reason="Angka belum sesuai.", actor=self.planner)
        services.report_save(
            programme=self.river,
            period=self.s1,
            data=self.report_data(values={self.houses.pk: (Decimal(28), "")}),
            actor=self.operator,
        )
        services.target_set(indicator=self.houses, period=self.s1, target=Decimal(50), actor=self.planner)
        self.assertEqual(actuals(self.houses), [(None, "")])
        services.report_submit(report=report, actor=self.operator)
        services.report_approve(report=report, actor=self.planner)
        self.assertEqual(actuals(self.houses), [(Decimal(28), "")])

    def test_it_refuses_the_agency_readers_assessors_and_outsiders(self) -> None:
        report = self.report(status="submitted")
        for actor in (
            self.operator,
            self.head,
            self.officer,
            self.leader,
            self.inspector,
            self.assessor,
            self.outsider,
        ):
            with self.subTest(actor=actor.username):
                self.assertRefused(
                    NotAllowed, NOT_PERMITTED, lambda actor=actor: services.report_approve(report=report, actor=actor)
                )
        self.assertEqual(fresh(report).status, R.SUBMITTED)
        self.assertEqual(actuals(self.houses), [(None, "")])

    def test_it_refuses_a_draft_or_an_approved_report(self) -> None:
        draft = self.report()
        self.assertRefused(Conflict, None, lambda: services.report_approve(report=draft, actor=self.planner))
        services.report_submit(report=draft, actor=self.operator)
        services.report_approve(report=draft, actor=self.planner)
        self.assertRefused(Conflict, None, lambda: services.report_approve(report=draft, actor=self.planner))
        self.assertEqual(actions_of(draft).count(AuditAction.REPORT_APPROVED), 1)

    def test_it_refuses_a_report_whose_period_was_locked(self) -> None:
        report = self.report(status="submitted")
        services.period_lock(period=self.s1, actor=self.planner)
        self.assertRefused(
            MonitoringError, PERIOD_LOCKED, lambda: services.report_approve(report=report, actor=self.planner)
        )
        self.assertEqual(fresh(report).status, R.SUBMITTED)
        self.assertEqual(actuals(self.houses, self.coverage), [(None, ""), (None, "")])
