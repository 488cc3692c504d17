"""Open data: every public table as CSV and JSON, stable columns, published rows only, a fixed number of queries."""

from __future__ import annotations

import csv
import io
import json
from decimal import Decimal
from typing import Any

from django.http import HttpResponse
from django.urls import reverse

from kotacerdas.monitoring import opendata, services
from kotacerdas.monitoring.tests.factories import MonitoringTestCase, committed
from kotacerdas.planning.models import Programme

# The published contract: changing a name here breaks everyone who reads these files.
COLUMNS = {
    "programmes": (
        "programme_id",
        "parent_id",
        "title",
        "kind",
        "dimension_code",
        "dimension",
        "lead_agency",
        "status",
        "progress_percent",
    ),
    "dimensions": ("dimension_code", "dimension", "programmes", "average_progress_percent"),
    "indicators": (
        "programme_id",
        "indicator_id",
        "indicator",
        "measure",
        "unit",
        "direction",
        "baseline_value",
        "baseline_text",
        "baseline_year",
        "period",
        "period_start",
        "period_end",
        "target",
        "target_text",
        "actual",
        "actual_text",
    ),
    "milestones": ("programme_id", "milestone_id", "milestone", "planned_date", "actual_date"),
    "evaluations": ("year", "scope", "index"),
}


class OpenDataTestCase(MonitoringTestCase):
    def url(self, name: str, **kwargs: Any) -> str:
        return reverse(f"open:{name}", kwargs={"region_slug": self.region.slug, **kwargs})

    def csv_rows(self, dataset: str) -> list[dict[str, str]]:
        response = self.client.get(self.url("dataset_csv", dataset=dataset))
        self.assertEqual(response.status_code, 200)
        return list(csv.DictReader(io.StringIO(response.content.decode())))

    def json_records(self, dataset: str) -> list[dict[str, Any]]:
        response = self.client.get(self.url("dataset_json", dataset=dataset))
        self.assertEqual(response.status_code, 200)
        return list(json.loads(response.content)["records"])


class OpenDataPageTests(OpenDataTestCase):
    def test_it_lists_every_table_with_its_csv_and_json(self) -> None:
        response = self.client.get(self.url("data"))
        self.assertEqual(response.status_code, 200)
        for name in COLUMNS:
            self.assertContains(response, self.url("dataset_csv", dataset=name))
            self.assertContains(response, self.url("dataset_json", dataset=name))

    def test_it_is_linked_from_the_public_home_page(self) -> None:
        self.assertContains(self.client.get(self.url("home")), self.url("data"))


class DatasetTests(OpenDataTestCase):
    def test_it_keeps_the_column_names_of_every_table(self) -> None:
        self.assertEqual({name: d.columns for name, d in opendata.DATASETS.items()}, COLUMNS)
        for name, columns in COLUMNS.items():
            with self.subTest(name):
                response = self.client.get(self.url("dataset_csv", dataset=name))
                self.assertEqual(response.content.decode().splitlines()[0], ",".join(columns))
                document = json.loads(self.client.get(self.url("dataset_json", dataset=name)).content)
                self.assertEqual(document["columns"], list(columns))
                self.assertEqual((document["dataset"], document["region"]), (name, self.region.slug))

    def test_it_serves_csv_as_a_download_and_lets_any_site_fetch_both(self) -> None:
        csv_response = self.client.get(self.url("dataset_csv", dataset="programmes"))
        self.assertEqual(csv_response["Content-Type"], "text/csv; charset=utf-8")
        self.assertEqual(csv_response["Content-Disposition"], 'attachment; filename="kotaraya-programmes.csv"')
        json_response = self.client.get(self.url("dataset_json", dataset="programmes"))
        self.assertEqual(json_response["Content-Type"], "application/json; charset=utf-8")
        for response in (csv_response, json_response):
            self.assertEqual(response["Access-Control-Allow-Origin"], "*")

    def test_it_lists_published_programmes_only_with_codes_and_progress(self) -> None:
        with committed():
            self.make_programme(title="Pasar sehat belum diumumkan", published=False)
            child = self.child(self.river, title="Jalan inspeksi")
            Programme.objects.filter(pk=child.pk).update(is_published=True)
            self.report(status="approved")
        self.assertEqual(
            self.csv_rows("programmes"),
            [
                {
                    "programme_id": str(self.river.pk),
                    "parent_id": "",
                    "title": "Penataan tepi sungai",
                    "kind": "programme",
                    "dimension_code": "living",
                    "dimension": self.living.name,
                    "lead_agency": self.public_works.name,
                    "status": "in_implementation",
                    "progress_percent": "50.00",  # its only child, in implementation, stands for 50 %
                },
                {
                    "programme_id": str(child.pk),
                    "parent_id": str(self.river.pk),
                    "title": "Jalan inspeksi",
                    "kind": "activity",
                    "dimension_code": "living",
                    "dimension": self.living.name,
                    "lead_agency": self.public_works.name,
                    "status": "in_implementation",
                    "progress_percent": "50.00",
                },
            ],
        )

    def test_it_gives_json_the_same_rows_with_typed_values(self) -> None:
        with committed():
            self.report(status="approved")
        [river] = self.json_records("programmes")
        self.assertEqual(
            (river["programme_id"], river["parent_id"], river["progress_percent"]), (self.river.pk, None, 40)
        )
        [living] = [r for r in self.json_records("dimensions") if r["dimension_code"] == "living"]
        self.assertEqual((living["programmes"], living["average_progress_percent"]), (1, 40))

    def test_it_lays_out_each_indicators_target_and_actual_per_period(self) -> None:
        with committed():
            self.report(status="approved")
            services.target_set(indicator=self.houses, period=self.s2, target=Decimal("80"), actor=self.planner)
            self.indicator(self.river, "Drainase baru", "unit", unit="m")
        rows = [
            (r["indicator"], r["period"], r["target"], r["target_text"], r["actual"], r["actual_text"])
            for r in self.csv_rows("indicators")
        ]
        self.assertEqual(
            rows,
            [
                ("Rumah yang dimundurkan", "2027 S1", "40.00", "", "30.00", ""),
                ("Rumah yang dimundurkan", "2027 S2", "80.00", "", "", ""),
                ("Tepi sungai tertata", "2027 S1", "60.00", "", "45.00", ""),
                ("Kepuasan warga", "2027 S1", "", "Warga puas", "", "Sebagian warga puas"),
                ("Drainase baru", "", "", "", "", ""),  # no target yet: one row, periods empty
            ],
        )
        first = self.json_records("indicators")[0]
        self.assertEqual(
            (first["measure"], first["unit"], first["baseline_value"], first["baseline_year"]),
            ("unit", "rumah", 12, 2025),
        )
        self.assertEqual((first["period_start"], first["period_end"]), ("2027-01-01", "2027-06-30"))

    def test_it_lists_the_milestones_of_published_programmes(self) -> None:
        hidden = self.make_programme(title="Belum diumumkan", published=False)
        services.milestone_create(programme=hidden, title="Rahasia", planned_date=self.s1.ends_on, actor=self.planner)
        reached = services.milestone_create(
            programme=self.river, title="Lelang", planned_date=self.s1.starts_on, actor=self.planner
        )
        services.milestone_reach(milestone=reached, actual_date=self.s1.ends_on, actor=self.planner)
        self.assertEqual(
            self.csv_rows("milestones"),
            [
                {
                    "programme_id": str(self.river.pk),
                    "milestone_id": str(reached.pk),
                    "milestone": "Lelang",
                    "planned_date": "2027-01-01",
                    "actual_date": "2027-06-30",
                }
            ],
        )

    def test_it_gives_published_evaluations_only_overall_and_per_dimension(self) -> None:
        self.published_evaluation(2025, "3,3,4,3,2")
        self.evaluation(2026, scores={"baseline": "5"})  # a draft year: not public
        rows = [(r["year"], r["scope"], r["index"]) for r in self.json_records("evaluations")]
        self.assertEqual(rows[0], (2025, "overall", 3.2))
        self.assertEqual(
            [scope for _year, scope, _index in rows],
            ["overall", "governance", "branding", "economy", "living", "society", "environment"],
        )
        self.assertEqual({year for year, _scope, _index in rows}, {2025})

    def test_it_shows_no_personal_data_or_report_texts(self) -> None:
        with committed():
            self.report(status="approved")
            self.published_evaluation(2026)
        for name in COLUMNS:
            for route in ("dataset_csv", "dataset_json"):
                with self.subTest(name=name, route=route):
                    body = self.client.get(self.url(route, dataset=name)).content.decode()
                    for private in (
                        self.planner.username,
                        self.operator.full_name,
                        "Tiga puluh rumah",
                        "Dokumen pendukung.",
                    ):
                        self.assertNotIn(private, body)

    def test_it_keeps_regions_apart(self) -> None:
        with committed():
            self.report(status="approved")
        other = reverse("open:dataset_json", kwargs={"region_slug": self.other_region.slug, "dataset": "indicators"})
        self.assertEqual(json.loads(self.client.get(other).content)["records"], [])

    def test_it_answers_404_for_an_unknown_table(self) -> None:
        self.assertEqual(self.client.get(self.url("dataset_csv", dataset="users")).status_code, 404)

    def test_it_reads_the_same_number_of_queries_for_1_or_10_programmes(self) -> None:
        expected = {"programmes": 2, "dimensions": 3, "indicators": 3, "milestones": 2, "evaluations": 4}

        def fetch_all() -> list[HttpResponse]:
            responses = []
            for name, count in expected.items():
                with self.subTest(name=name), self.assertNumQueries(count):
                    responses.append(self.client.get(self.url("dataset_json", dataset=name)))
            return responses

        with committed():
            self.published_evaluation(2025)
        fetch_all()
        with committed():
            for n in range(9):
                programme = self.make_programme(title=f"Program {n}")
                self.indicator(programme, f"Indikator {n}", "unit")
                services.milestone_create(
                    programme=programme, title=f"Tahap {n}", planned_date=self.s2.ends_on, actor=self.planner
                )
        fetch_all()
        self.assertEqual(len(self.json_records("programmes")), 10)
