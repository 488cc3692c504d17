"""Reads of monitoring: dimension rows, the dashboard (from summaries), the evaluation index, a programme's results."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import connection
from django.http import Http404
from django.test.utils import CaptureQueriesContext

from kotacerdas.framework.models import Dimension
from kotacerdas.monitoring import selectors, services
from kotacerdas.monitoring.models import Evaluation, EvaluationDimension, Indicator, IndicatorValue
from kotacerdas.monitoring.selectors import DimensionRow
from kotacerdas.monitoring.tests.factories import MonitoringTestCase, committed
from kotacerdas.planning.models import Programme, ProgrammeStatus

THIS_MONTH = dt.date(2027, 2, 1)  # the factories' frozen clock is in February 2027
SCORES = dict(zip(EvaluationDimension.values, ["3", "3", "4", "3", "2"], strict=True))


def by_code(rows: list[DimensionRow]) -> dict[str, DimensionRow]:
    return {r.dimension.code: r for r in rows}


class DimensionRowsTests(MonitoringTestCase):
    def test_it_gives_every_dimension_a_row_in_the_frameworks_order(self) -> None:
        rows = selectors.dimension_rows(region=self.region)
        self.assertEqual([r.dimension for r in rows], list(Dimension.objects.all()))
        self.assertEqual([r.dimension.code for r in rows if r.total], ["living"])

    def test_it_counts_programmes_per_status_and_averages_their_progress(self) -> None:
        with committed():
            self.make_programme(title="Rusunawa", status="completed")
            self.make_programme(title="Pasar sehat", status="planned", published=False)
        living = by_code(selectors.dimension_rows(region=self.region))["living"]
        self.assertEqual(living.by_status, {"in_implementation": 1, "completed": 1, "planned": 1})
        # In ProgrammeStatus order: planned, in implementation, completed, cancelled, suspended.
        self.assertEqual(living.counts, [1, 1, 1, 0, 0])
        self.assertEqual((living.total, living.progress), (3, Decimal("50.00")))  # (50 + 100 + 0) / 3

    def test_it_counts_n_of_m_masterplan_programmes_running(self) -> None:
        with committed():
            plan = self.masterplan()
            for title, status in (
                ("Taman kota", "in_implementation"),
                ("Rusunawa", "completed"),
                ("Pasar sehat", "planned"),
                ("Pasar induk", "suspended"),
                ("Sungai bersih", "cancelled"),  # cancelled: neither n nor m
            ):
                self.make_programme(title=title, status=status, masterplan=plan)
            self.make_programme(title="Mal pelayanan publik", dimension="governance", masterplan=plan)
        # The river programme runs but is not in the masterplan.
        self.assertEqual(selectors.running_programmes(region=self.region, dimension=self.living), (2, 4))
        self.assertEqual(selectors.running_programmes(region=self.region, dimension=self.governance), (1, 1))
        living = by_code(selectors.dimension_rows(region=self.region))["living"]
        self.assertEqual(living.running_percent, Decimal("50.00"))

    def test_it_reads_the_running_count_live_after_a_status_change(self) -> None:
        with committed():
            plan = self.masterplan()
            park = self.make_programme(title="Taman kota", status="planned", masterplan=plan)
        self.assertEqual(selectors.running_programmes(region=self.region, dimension=self.living), (0, 1))
        with committed():
            self.move(park, "in_implementation")
        self.assertEqual(selectors.running_programmes(region=self.region, dimension=self.living), (1, 1))

    def test_it_counts_only_published_programmes_for_the_public(self) -> None:
        with committed():
            self.make_programme(title="Rusunawa", status="completed")
            self.make_programme(title="Pasar sehat", status="planned", published=False)
        living = by_code(selectors.dimension_rows(region=self.region, published_only=True))["living"]
        self.assertEqual((living.counts, living.total), ([0, 1, 1, 0, 0], 2))
        self.assertEqual(living.progress, Decimal("75.00"))  # (50 + 100) / 2

    def test_it_averages_the_published_programmes_of_a_mixed_cell(self) -> None:
        with committed():
            self.make_programme(title="Taman kota", published=False)  # 50 %, in the same cell as the river
            self.report(status="approved")  # the river: 40 %
        living = by_code(selectors.dimension_rows(region=self.region, published_only=True))["living"]
        self.assertEqual(living.total, 1)
        self.assertEqual(living.progress, Decimal("40.00"))

    def test_it_reads_only_the_summary_tables(self) -> None:
        with committed():
            for n in range(5):
                self.make_programme(title=f"Program {n}")
        with self.assertNumQueries(2):  # the dimensions and the region's summary cells
            rows = selectors.dimension_rows(region=self.region)
        self.assertEqual(by_code(rows)["living"].total, 6)


class DashboardTests(MonitoringTestCase):
    def test_it_draws_one_bar_per_dimension_stacked_by_status(self) -> None:
        board = selectors.dashboard(region=self.region, month=THIS_MONTH)
        self.assertEqual(len(board.status_chart.rows), Dimension.objects.count())
        self.assertEqual([name for name, _colour in board.status_chart.legend], [str(s.label) for s in ProgrammeStatus])
        living = next(r for r in board.status_chart.rows if r.label == self.living.label)
        self.assertEqual([s.value for s in living.segments], [0, 1, 0, 0, 0])
        self.assertEqual(living.total, 1)

    def test_it_draws_progress_on_a_0_to_100_scale(self) -> None:
        board = selectors.dashboard(region=self.region, month=THIS_MONTH)
        living = next(r for r in board.progress_chart.rows if r.label == self.living.label)
        self.assertEqual(living.segments[0].value, 50.0)
        self.assertAlmostEqual(living.segments[0].width, (300 - 120 - 30) / 2)

    def test_it_lists_agencies_with_overdue_milestones_first(self) -> None:
        with committed():
            clinic = self.make_programme(title="Puskesmas keliling", lead=self.health)
            services.milestone_create(
                programme=clinic, title="Tahap", planned_date=self.s1.starts_on, actor=self.planner
            )
        board = selectors.dashboard(region=self.region, month=THIS_MONTH)
        self.assertEqual(
            [(a.agency, a.overdue_milestones) for a in board.agencies], [(self.health, 1), (self.public_works, 0)]
        )

    def test_it_compares_the_evaluation_index_year_on_year(self) -> None:
        self.published_evaluation(2025, "3,3,4,3,2")
        self.evaluation(2026, scores=dict.fromkeys(EvaluationDimension.values, "4"))
        board = selectors.dashboard(region=self.region, month=THIS_MONTH)
        self.assertEqual(
            [(e.evaluation.year, e.index) for e in board.evaluations],
            [(2025, Decimal("3.20")), (2026, Decimal("4.00"))],
        )
        assert board.index_chart is not None
        self.assertEqual([(p.label, p.value) for p in board.index_chart.points], [("2025", 3.2), ("2026", 4.0)])

    def test_it_has_no_index_chart_before_the_first_evaluation(self) -> None:
        self.assertIsNone(selectors.dashboard(region=self.region, month=THIS_MONTH).index_chart)

    def test_it_reads_the_same_few_queries_for_1_or_10_programmes(self) -> None:
        self.published_evaluation(2025)
        # The summary row, the dimensions, the agencies' names, the evaluations and their scores, the two coverage gaps,
        # the jimpitan roll-up (2).
        with self.assertNumQueries(9):
            selectors.dashboard(region=self.region, month=THIS_MONTH)
        with committed():
            for n in range(9):
                self.make_programme(title=f"Program {n}", lead=self.health if n % 2 else self.public_works)
        with self.assertNumQueries(9):
            board = selectors.dashboard(region=self.region, month=THIS_MONTH)
        self.assertEqual(by_code(board.rows)["living"].total, 10)

    def test_it_never_scans_programmes_reports_or_milestones(self) -> None:
        with committed():
            self.report(status="approved")
            services.milestone_create(
                programme=self.river, title="Tahap", planned_date=self.s1.starts_on, actor=self.planner
            )
        with CaptureQueriesContext(connection) as queries:
            selectors.dashboard(region=self.region, month=THIS_MONTH)
        tables = " ".join(q["sql"] for q in queries.captured_queries)
        for raw in ("planning_programme", "monitoring_progressreport", "monitoring_milestone", "monitoring_indicator"):
            self.assertNotIn(raw, tables)
        self.assertIn("monitoring_regionsummary", tables)  # the region's one summary row holds every number


class EvaluationResultTests(MonitoringTestCase):
    def result(self, evaluation: Evaluation) -> selectors.EvaluationResult:
        return selectors.evaluation_detail(evaluation=evaluation)

    def test_it_weighs_the_five_scores_worked_example(self) -> None:
        # 3 × 10 % + 3 × 20 % + 4 × 30 % + 3 × 30 % + 2 × 10 % = 0.3 + 0.6 + 1.2 + 0.9 + 0.2 = 3.20
        result = self.result(self.evaluation(2026, scores=SCORES))
        self.assertEqual((result.index, result.self_index), (Decimal("3.20"), Decimal("3.20")))
        self.assertEqual(str(result.index), "3.20")

    def test_it_uses_the_verified_score_in_place_of_the_self_assessment(self) -> None:
        result = self.result(self.evaluation(2026, scores=SCORES, verified={"outcome": "5", "quick_win": "1"}))
        # 0.3 + 0.6 + 5 × 0.3 + 0.9 + 1 × 0.1 = 3.40; the self-assessed index stays 3.20.
        self.assertEqual((result.index, result.self_index), (Decimal("3.40"), Decimal("3.20")))

    def test_it_uses_the_years_own_weights(self) -> None:
        equal = {"baseline": 20, "output": 20, "outcome": 20, "impact": 20, "quick_win": 20}
        result = self.result(self.evaluation(2026, scores=SCORES, weights=equal))
        self.assertEqual(result.index, Decimal("3.00"))  # (3 + 3 + 4 + 3 + 2) / 5

    def test_it_rounds_half_up_to_two_decimals(self) -> None:
        # 3.25 × 10 % + 3 × 90 % = 3.025: half-up gives 3.03 where banker's rounding would give 3.02.
        scores = {**dict.fromkeys(EvaluationDimension.values, "3"), "baseline": "3.25"}
        self.assertEqual(self.result(self.evaluation(2026, scores=scores)).index, Decimal("3.03"))

    def test_it_has_no_index_while_a_weighted_dimension_is_unscored(self) -> None:
        four = {d: v for d, v in SCORES.items() if d != "impact"}
        result = self.result(self.evaluation(2026, scores=four))
        self.assertEqual((result.index, result.self_index), (None, None))

    def test_it_needs_no_score_for_a_dimension_weighted_zero(self) -> None:
        weights = {"baseline": 0, "output": 25, "outcome": 25, "impact": 40, "quick_win": 10}
        scores = {d: "4" for d in EvaluationDimension.values if d != "baseline"}
        self.assertEqual(self.result(self.evaluation(2026, scores=scores, weights=weights)).index, Decimal("4.00"))

    def test_it_computes_an_index_per_smart_dimension(self) -> None:
        evaluation = self.evaluation(2026, scores=SCORES)
        for dimension, value in SCORES.items():
            services.score_enter(
                evaluation=evaluation,
                eval_dimension=dimension,
                smart_dimension=self.living,
                score=Decimal(value) + 1,
                evidence="",
                actor=self.planner,
            )
        living_impact = evaluation.scores.get(smart_dimension=self.living, eval_dimension="impact")
        services.score_verify(score=living_impact, verified_score=Decimal(2), actor=self.assessor)
        per_dimension = {d.code: index for d, index in self.result(evaluation).by_smart_dimension}
        # Living: 4 × 0.1 + 4 × 0.2 + 5 × 0.3 + 2 (verified) × 0.3 + 3 × 0.1 = 3.60; the others have no scores.
        self.assertEqual(per_dimension["living"], Decimal("3.60"))
        self.assertEqual(
            {c: i for c, i in per_dimension.items() if c != "living"}, dict.fromkeys(per_dimension.keys() - {"living"})
        )
        self.assertEqual(self.result(evaluation).index, Decimal("3.20"))  # the overall index ignores smart scores


class EvaluationHistoryTests(MonitoringTestCase):
    def test_it_lists_every_year_oldest_first(self) -> None:
        self.evaluation(2027, scores=dict.fromkeys(EvaluationDimension.values, "4"))
        self.published_evaluation(2025, "3,3,4,3,2")
        self.published_evaluation(2026, "4,4,4,4,4")
        history = selectors.evaluation_history(region=self.region)
        self.assertEqual(
            [(e.evaluation.year, e.index) for e in history],
            [(2025, Decimal("3.20")), (2026, Decimal("4.00")), (2027, Decimal("4.00"))],
        )

    def test_it_shows_only_published_years_to_the_public(self) -> None:
        self.published_evaluation(2025)
        self.evaluation(2026, scores=SCORES)
        history = selectors.evaluation_history(region=self.region, published_only=True)
        self.assertEqual([e.evaluation.year for e in history], [2025])

    def test_it_keeps_regions_apart(self) -> None:
        services.evaluation_open(region=self.other_region, year=2026, actor=self.outsider)
        self.assertEqual(selectors.evaluation_history(region=self.region), [])

    def test_it_reads_three_queries_however_many_years(self) -> None:
        self.published_evaluation(2025)
        with self.assertNumQueries(3):
            selectors.evaluation_history(region=self.region)
        self.published_evaluation(2026)
        self.published_evaluation(2027)
        with self.assertNumQueries(3):
            history = selectors.evaluation_history(region=self.region)
        self.assertEqual(len(history), 3)

    def test_it_refuses_another_regions_evaluation(self) -> None:
        elsewhere = services.evaluation_open(region=self.other_region, year=2026, actor=self.outsider)
        with self.assertRaises(Http404):
            selectors.get_evaluation(region=self.region, pk=elsewhere.pk)


class ProgrammeResultsTests(MonitoringTestCase):
    def test_it_lays_out_targets_and_actuals_per_indicator_and_period(self) -> None:
        self.report(status="approved")
        results = selectors.programme_results(programme=self.river)
        self.assertEqual([p.label for p in results.periods], ["2026", "2027 S1", "2027 S2"])
        self.assertEqual([r.indicator for r in results.indicators], [self.houses, self.coverage, self.quality])
        houses = results.indicators[0].cells
        self.assertIsNone(houses[0])
        assert houses[1] is not None
        self.assertEqual((houses[1].target, houses[1].actual), (Decimal(40), Decimal(30)))
        self.assertEqual([r.status for r in results.reports], ["approved"])
        self.assertEqual(results.progress, Decimal(50))  # summaries are rebuilt only after commit

    def test_it_leaves_out_the_reports_for_the_public(self) -> None:
        self.report(status="approved")
        self.assertEqual(selectors.programme_results(programme=self.river, published_only=True).reports, [])


class PublishedProgrammesTests(MonitoringTestCase):
    def test_it_lists_published_top_level_programmes_that_are_not_cancelled(self) -> None:
        with committed():
            self.make_programme(title="Pasar sehat", published=False)
            self.make_programme(title="Sungai bersih", status="cancelled")
            self.make_programme(title="Mal pelayanan publik", dimension="governance")
            self.child(self.river, title="Jalan inspeksi")
        programmes = list(selectors.published_programmes(region=self.region))
        # Governance comes before Living in the framework's order.
        self.assertEqual([p.title for p in programmes], ["Mal pelayanan publik", "Penataan tepi sungai"])

    def test_it_filters_by_dimension(self) -> None:
        with committed():
            self.make_programme(title="Mal pelayanan publik", dimension="governance")
        programmes = selectors.published_programmes(region=self.region, dimension="governance")
        self.assertEqual([p.title for p in programmes], ["Mal pelayanan publik"])

    def test_it_brings_the_lead_agency_dimension_and_progress_in_one_query(self) -> None:
        with self.assertNumQueries(1):
            [river] = list(selectors.published_programmes(region=self.region))
            self.assertEqual(
                (river.lead_agency, river.dimension, river.progress.percent),
                (self.public_works, self.living, Decimal(50)),
            )
        self.assertIsInstance(river, Programme)


class TargetMetTests(MonitoringTestCase):
    def value(self, direction: str, target: str | None, actual: str | None) -> IndicatorValue:
        indicator = Indicator(title="Luas kumuh", measure="unit", direction=direction)
        return IndicatorValue(
            indicator=indicator,
            target=None if target is None else Decimal(target),
            actual=None if actual is None else Decimal(actual),
        )

    def test_it_compares_the_actual_with_the_target_in_the_indicators_direction(self) -> None:
        cases = [
            ("ascending", "40", "40", True),
            ("ascending", "40", "39.99", False),
            ("descending", "120", "114.72", True),
            ("descending", "100", "114.72", False),
            ("ascending", None, "3", None),
            ("descending", "3", None, None),
        ]
        for direction, target, actual, met in cases:
            with self.subTest(direction=direction, target=target, actual=actual):
                self.assertIs(self.value(direction, target, actual).target_met, met)
