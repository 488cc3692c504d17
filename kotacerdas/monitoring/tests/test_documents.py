"""The printable reports: the evaluation and a programme's progress, as PDF and XLSX with the same numbers."""

from __future__ import annotations

import io
import re
import zlib
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.http import HttpResponse
from django.urls import reverse
from django.utils.translation import gettext, override
from openpyxl import load_workbook

from kotacerdas.framework.models import Dimension
from kotacerdas.monitoring import documents, selectors, services
from kotacerdas.monitoring.tests.factories import MonitoringTestCase, committed
from kotacerdas.monitoring.views import DOWNLOAD_TYPES

STREAM = re.compile(rb"stream\r?\n(.*?)\r?\nendstream", re.DOTALL)


def pdf_text(content: bytes) -> str:
    """Every text the PDF's page streams draw, in order (fpdf2 compresses them with zlib)."""
    texts = []
    for raw in STREAM.findall(content):
        try:
            page = zlib.decompress(raw)
        except zlib.error:
            continue  # not a content stream (fonts are built in; nothing else is compressed differently)
        texts += [t.decode("latin-1") for t in re.findall(rb"\((.*?)(?<!\\)\) ?Tj", page)]
    return re.sub(r"\\([()\\])", r"\1", "\n".join(texts))  # PDF escapes ( ) and \ in strings


def sheets(content: bytes) -> dict[str, list[tuple[Any, ...]]]:
    book = load_workbook(io.BytesIO(content), read_only=True)
    return {sheet.title: [tuple(row) for row in sheet.iter_rows(values_only=True)] for sheet in book.worksheets}


class DocumentTestCase(MonitoringTestCase):
    def url(self, name: str, **kwargs: Any) -> str:
        return reverse(f"monitoring:{name}", kwargs={"region_slug": self.region.slug, **kwargs})

    def in_english(self) -> None:
        """The language switch's cookie, as the site's language form sets it."""
        self.client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"

    def download(self, name: str, **kwargs: Any) -> HttpResponse:
        response = self.client.get(self.url(name, **kwargs))
        self.assertEqual(response.status_code, 200, response.content[:200])
        return response


class EvaluationReportTests(DocumentTestCase):
    def setUp(self) -> None:
        super().setUp()
        with committed():
            self.plan = self.masterplan()
            self.make_programme(title="Taman kota", status="completed", masterplan=self.plan)
            self.make_programme(title="Pasar sehat", status="planned", masterplan=self.plan)
            self.published_evaluation(2025, "3,3,3,3,3")
            self.year = self.evaluation(
                2026, scores=dict.fromkeys(("baseline", "output", "outcome", "impact", "quick_win"), "3.25")
            )
            services.score_enter(
                evaluation=self.year,
                eval_dimension="outcome",
                smart_dimension=Dimension.objects.get(code="living"),
                score=Decimal("4.5"),
                evidence="Rumah mundur dari sungai.",
                actor=self.planner,
            )

    def test_it_writes_the_index_scores_running_programmes_and_the_years_as_pdf(self) -> None:
        self.client.force_login(self.leader)
        self.in_english()
        response = self.download("evaluation_pdf", evaluation_id=self.year.pk)
        self.assertEqual(response["Content-Type"], "application/pdf")
        self.assertEqual(
            response["Content-Disposition"], 'attachment; filename="evaluasi-smart-city-kotaraya-2026.pdf"'
        )
        self.assertTrue(response.content.startswith(b"%PDF-"))
        text = pdf_text(response.content)
        for expected in (
            "Smart City evaluation 2026",
            self.region.name,
            "Index (0-5): 3.25",
            "Status: draft, not published",
            "Rumah mundur dari sungai.",
            "Masterplan programmes running",
            "Year on year",
        ):
            self.assertIn(expected, text)

    def test_it_writes_the_same_numbers_as_xlsx(self) -> None:
        self.client.force_login(self.planner)
        self.in_english()
        response = self.download("evaluation_xlsx", evaluation_id=self.year.pk)
        self.assertEqual(response["Content-Type"], DOWNLOAD_TYPES["xlsx"])
        book = sheets(response.content)
        self.assertEqual(
            list(book), ["Summary", "Scores", "Per smart dimension", "Masterplan programmes running", "Year on year"]
        )
        self.assertIn(("Index (0–5)", "3.25"), book["Summary"])
        scores = book["Scores"]
        self.assertEqual(
            scores[0], ("Evaluation dimension", "Smart dimension", "Weight (%)", "Self", "Verified", "Evidence")
        )
        self.assertEqual(scores[1][:5], ("Baseline", "Overall", 10, 3.25, None))
        self.assertIn(("Outcome", "Smart Living", 30, 4.5, None, "Rumah mundur dari sungai."), scores)
        living = next(r for r in book["Masterplan programmes running"] if r[0] == "Smart Living")
        self.assertEqual(living, ("Smart Living", 1, 2, 50))
        self.assertEqual(book["Year on year"][1:], [(2025, 3, 3, "yes"), (2026, 3.25, 3.25, "no")])

    def test_it_speaks_the_readers_language(self) -> None:
        self.client.force_login(self.leader)
        with override("id"):
            text = pdf_text(self.download("evaluation_pdf", evaluation_id=self.year.pk).content)
            self.assertIn(gettext("Smart City evaluation %(year)s") % {"year": 2026}, text)
            self.assertIn(f"{gettext('Index (0–5)')}: 3,25".replace("–", "-"), text)

    def test_it_copes_with_a_very_long_evidence_and_pasted_control_characters(self) -> None:
        evidence = "Notulen rapat\x0bhalaman dua. " + "Uraian bukti dukung yang sangat panjang. " * 100
        services.score_enter(
            evaluation=self.year,
            eval_dimension="impact",
            smart_dimension=Dimension.objects.get(code="society"),
            score=Decimal(2),
            evidence=evidence,
            actor=self.planner,
        )
        self.client.force_login(self.planner)
        self.in_english()
        text = pdf_text(self.download("evaluation_pdf", evaluation_id=self.year.pk).content)
        self.assertIn("Notulen rapat", text)
        self.assertNotIn(evidence.strip()[-200:], text)  # clipped so the row fits on a page
        scores = sheets(self.download("evaluation_xlsx", evaluation_id=self.year.pk).content)["Scores"]
        [row] = [r for r in scores if r[1] == "Smart Society"]
        self.assertEqual(row[5], evidence.strip().replace("\x0b", ""))  # the workbook keeps it whole

    def test_it_is_for_dashboard_readers_of_the_region(self) -> None:
        for user, status in ((self.operator, 403), (self.citizen, 403), (self.outsider, 404)):
            with self.subTest(user=user.username):
                self.client.force_login(user)
                self.assertEqual(
                    self.client.get(self.url("evaluation_pdf", evaluation_id=self.year.pk)).status_code, status
                )
        self.client.force_login(self.assessor)
        self.download("evaluation_xlsx", evaluation_id=self.year.pk)


class ProgrammeReportTests(DocumentTestCase):
    def setUp(self) -> None:
        super().setUp()
        with committed():
            self.report(status="approved")
            services.milestone_create(
                programme=self.river, title="Lelang jalan inspeksi", planned_date=self.s1.starts_on, actor=self.planner
            )
            self.child(self.river, title="Jalan inspeksi 3 m", weight=1)

    def test_it_writes_indicators_milestones_reports_and_activities_as_pdf(self) -> None:
        self.client.force_login(self.operator)
        self.in_english()
        response = self.download("programme_pdf", programme_id=self.river.pk)
        self.assertEqual(
            response["Content-Disposition"], f'attachment; filename="laporan-program-kotaraya-{self.river.pk}.pdf"'
        )
        text = pdf_text(response.content)
        for expected in (
            "Penataan tepi sungai",
            "Programme progress report",
            f"Lead agency: {self.public_works.name}",
            "Rumah yang dimundurkan (rumah)",
            "Lelang jalan inspeksi",
            "overdue",
            "Approved",
            "Jalan inspeksi 3 m",
        ):
            self.assertIn(expected, text)
        self.assertNotIn("Tiga puluh rumah", text)  # the narrative stays on the report's page

    def test_it_writes_one_row_per_indicator_and_period_in_xlsx(self) -> None:
        self.client.force_login(self.inspector)
        self.in_english()
        book = sheets(self.download("programme_xlsx", programme_id=self.river.pk).content)
        self.assertEqual(
            book["Indicators"],
            [
                ("Indicator", "Baseline", "Period", "Target", "Actual"),
                ("Rumah yang dimundurkan (rumah)", "12.00 (2025)", "2027 S1", 40, 30),
                ("Tepi sungai tertata", "20.00 (2025)", "2027 S1", 60, 45),
                ("Kepuasan warga", "Belum diukur (2025)", "2027 S1", "Warga puas", "Sebagian warga puas"),
            ],
        )
        self.assertEqual(book["Progress reports"][1][:3], ("2027 S1", "Approved", 40))
        self.assertEqual(
            book["Sub-programmes and activities"][1],
            ("Jalan inspeksi 3 m", self.public_works.name, "In implementation", 50),
        )

    def test_it_hides_an_unpublished_programme_like_its_page(self) -> None:
        hidden = self.make_programme(title="Belum diumumkan", published=False)
        self.client.force_login(self.operator)
        self.assertEqual(self.client.get(self.url("programme_pdf", programme_id=hidden.pk)).status_code, 404)
        self.client.force_login(self.outsider)
        self.assertEqual(self.client.get(self.url("programme_xlsx", programme_id=self.river.pk)).status_code, 404)
        self.client.force_login(self.citizen)
        self.assertEqual(self.client.get(self.url("programme_xlsx", programme_id=self.river.pk)).status_code, 403)


class LatinOneTests(MonitoringTestCase):
    def test_it_keeps_indonesian_text_and_replaces_what_the_core_fonts_cannot_draw(self) -> None:
        self.assertEqual(documents.latin1("Rumah – “mundur” … Ĝ·ĳ 😀"), 'Rumah - "mundur" ... G-ij ')

    def test_it_lays_out_the_evaluation_from_the_selectors(self) -> None:
        evaluation = self.evaluation(2026, scores={"baseline": "4"})
        document = documents.evaluation_document(
            result=selectors.evaluation_detail(evaluation=evaluation),
            history=selectors.evaluation_history(region=self.region),
            dimensions=selectors.dimension_rows(region=self.region),
        )
        self.assertEqual(next(s.title for s in document.sections), gettext("Scores"))
        self.assertEqual(document.facts[0], (gettext("Index (0–5)"), "–"))  # no index while dimensions are unscored
