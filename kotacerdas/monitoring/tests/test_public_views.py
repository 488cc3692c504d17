"""The public transparency pages: no login, only what is published, no personal data, a fixed number of queries."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.http import HttpResponse
from django.urls import reverse
from django.utils.formats import localize
from django.utils.translation import gettext

from kotacerdas.monitoring import services
from kotacerdas.monitoring.models import EvaluationDimension
from kotacerdas.monitoring.tests.factories import MonitoringTestCase, committed

NARRATIVE = "Tiga puluh rumah sudah dimundurkan."


class PublicViewTestCase(MonitoringTestCase):
    def url(self, name: str, **kwargs: Any) -> str:
        return reverse(f"open:{name}", kwargs={"region_slug": self.region.slug, **kwargs})

    def assertNoPersonalData(self, response: HttpResponse) -> None:
        """No staff username or name, no report narrative, reason for revision or evidence file."""
        content = response.content.decode()
        for user in (self.planner, self.operator, self.head, self.assessor):
            self.assertNotIn(f">{user.username}<", content)
            self.assertNotIn(user.full_name, content)
        for private in (NARRATIVE, "Lampirkan foto.", "Dokumen pendukung.", "/media/"):
            self.assertNotIn(private, content)


class OpenHomeTests(PublicViewTestCase):
    def test_it_opens_without_login_and_lists_published_programmes(self) -> None:
        with committed():
            self.make_programme(title="Pasar sehat belum diumumkan", published=False)
            self.make_programme(title="Mal pelayanan publik", dimension="governance", lead=self.health)
        response = self.client.get(self.url("home"))
        self.assertEqual(response.status_code, 200)
        self.assertEqual(
            [p.title for p in response.context["programmes"]], ["Mal pelayanan publik", "Penataan tepi sungai"]
        )
        self.assertContains(response, "Penataan tepi sungai")
        self.assertContains(response, f"{self.living.label} · {self.public_works}")
        self.assertContains(response, '<progress class="progress" max="100" value="50"')
        self.assertNotContains(response, "Pasar sehat belum diumumkan")

    def test_it_leaves_out_personal_data_and_report_texts(self) -> None:
        with committed():
            self.report(status="approved")
            self.published_evaluation(2026)
        response = self.client.get(self.url("home"))
        self.assertContains(response, '<progress class="progress" max="100" value="40"')
        self.assertNoPersonalData(response)

    def test_it_counts_only_published_programmes_per_dimension(self) -> None:
        with committed():
            self.make_programme(title="Rusunawa", status="completed")
            self.make_programme(title="Pasar sehat", status="planned", published=False)
        living = next(r for r in self.client.get(self.url("home")).context["rows"] if r.dimension == self.living)
        self.assertEqual((living.total, living.progress), (2, Decimal("75.00")))

    def test_it_filters_by_dimension(self) -> None:
        with committed():
            self.make_programme(title="Mal pelayanan publik", dimension="governance")
        response = self.client.get(self.url("home"), {"dimension": "governance"})
        self.assertEqual([p.title for p in response.context["programmes"]], ["Mal pelayanan publik"])
        self.assertContains(response, '<option value="governance" selected>', html=False)

    def test_it_shows_the_latest_published_evaluation_only(self) -> None:
        self.published_evaluation(2025, "3,3,4,3,2")
        self.evaluation(2026, scores=dict.fromkeys(EvaluationDimension.values, "5"))
        response = self.client.get(self.url("home"))
        self.assertEqual(response.context["latest"].evaluation.year, 2025)
        self.assertContains(response, f"<strong>{localize(Decimal('3.20'))}</strong> / 5")

    def test_it_keeps_other_regions_apart(self) -> None:
        response = self.client.get(reverse("open:home", kwargs={"region_slug": self.other_region.slug}))
        self.assertEqual(response.status_code, 200)
        self.assertEqual(list(response.context["programmes"]), [])
        self.assertNotContains(response, "Penataan tepi sungai")
        self.assertEqual(self.client.get(reverse("open:home", kwargs={"region_slug": "tidak-ada"})).status_code, 404)

    def test_it_reads_the_same_number_of_queries_for_1_or_10_programmes(self) -> None:
        with committed():
            self.published_evaluation(2025)
        with self.assertNumQueries(9):  # the stamp of the shared copy, then the page's eight
            self.client.get(self.url("home"))
        with committed():
            for n in range(9):
                self.make_programme(title=f"Program {n}", lead=self.health if n % 2 else self.public_works)
        with self.assertNumQueries(9):
            response = self.client.get(self.url("home"))
        self.assertEqual(len(response.context["programmes"]), 10)
        with self.assertNumQueries(2):  # unchanged: the region and the stamp, then the shared copy
            self.assertContains(self.client.get(self.url("home")), "Program 8")

    def test_visitors_share_a_copy_until_the_summaries_are_rebuilt(self) -> None:
        first = self.client.get(self.url("home"))
        self.assertIsNotNone(first.context)
        self.assertIsNone(self.client.get(self.url("home")).context)  # the shared copy
        with committed():
            self.make_programme(title="Jimpitan digital")
        self.assertContains(self.client.get(self.url("home")), "Jimpitan digital")
        self.client.force_login(self.planner)
        self.assertIsNotNone(self.client.get(self.url("home")).context)  # logged in: rendered for them


class OpenProgrammeTests(PublicViewTestCase):
    def test_it_shows_a_published_programme_with_its_indicators_and_progress(self) -> None:
        with committed():
            self.report(status="approved")
            services.milestone_create(
                programme=self.river, title="Lahan bebas", planned_date=dt.date(2027, 4, 30), actor=self.planner
            )
        response = self.client.get(self.url("programme", programme_id=self.river.pk))
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "<h1>Penataan tepi sungai</h1>", html=True)
        self.assertContains(response, self.public_works.name)
        self.assertContains(response, "Rumah yang dimundurkan (rumah)")
        # One small table per indicator: a row per period with a target or an actual ("2027 S1").
        self.assertContains(response, '<th scope="row">2027 S1</th><td>40</td><td><strong>30</strong></td>', html=True)
        self.assertContains(
            response,
            '<th scope="row">2027 S1</th><td>Warga puas</td><td><strong>Sebagian warga puas</strong></td>',
            html=True,
        )
        self.assertContains(response, f"{gettext('Baseline')}: 12 (2025)")
        self.assertContains(response, "Lahan bebas")
        self.assertEqual(response.context["results"].progress, Decimal(40))
        self.assertNoPersonalData(response)

    def test_it_lists_published_children_only(self) -> None:
        with committed():
            self.child(self.river, title="Jalan inspeksi")
            hidden = self.make_programme(title="Rahasia", published=False)
            self.child(hidden, title="Anak tersembunyi")
        response = self.client.get(self.url("programme", programme_id=self.river.pk))
        self.assertEqual([c.title for c in response.context["children"]], ["Jalan inspeksi"])

    def test_it_hides_unpublished_and_other_regions_programmes(self) -> None:
        hidden = self.make_programme(title="Belum diumumkan", published=False)
        self.assertEqual(self.client.get(self.url("programme", programme_id=hidden.pk)).status_code, 404)
        elsewhere = reverse(
            "open:programme", kwargs={"region_slug": self.other_region.slug, "programme_id": self.river.pk}
        )
        self.assertEqual(self.client.get(elsewhere).status_code, 404)

    def test_it_reads_a_fixed_number_of_queries(self) -> None:
        with self.assertNumQueries(8):
            self.client.get(self.url("programme", programme_id=self.river.pk))
        with committed():
            for n in range(3):
                self.child(self.river, title=f"Kegiatan {n}")
                self.indicator(self.river, f"Indikator {n}", "unit")
            self.report(status="approved")
        with self.assertNumQueries(8):
            response = self.client.get(self.url("programme", programme_id=self.river.pk))
        self.assertEqual(len(response.context["children"]), 3)


class OpenEvaluationTests(PublicViewTestCase):
    def test_it_shows_the_latest_published_index_and_the_years_before(self) -> None:
        self.published_evaluation(2025, "3,3,4,3,2")
        self.published_evaluation(2026, "4,4,4,4,4")
        self.evaluation(2027, scores=dict.fromkeys(EvaluationDimension.values, "5"))
        response = self.client.get(self.url("evaluation"))
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.context["latest"].evaluation.year, 2026)
        self.assertEqual(
            [(e.evaluation.year, e.index) for e in response.context["history"]],
            [(2025, Decimal("3.20")), (2026, Decimal("4.00"))],
        )
        self.assertNotContains(response, "<td>2027</td>", html=False)
        self.assertNoPersonalData(response)

    def test_it_says_so_when_nothing_is_published(self) -> None:
        self.evaluation(2026, scores=dict.fromkeys(EvaluationDimension.values, "5"))
        response = self.client.get(self.url("evaluation"))
        self.assertIsNone(response.context["latest"])
        self.assertEqual(response.context["history"], [])
