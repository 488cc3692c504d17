"""The yearly Smart City evaluation: weights per year, self-assessment with evidence, verification, publishing."""

from __future__ import annotations

from decimal import Decimal

from kotacerdas.accounts.roles import Role
from kotacerdas.audit.actions import AuditAction
from kotacerdas.core.errors import Conflict, NotAllowed
from kotacerdas.core.testing import make_user
from kotacerdas.monitoring import services
from kotacerdas.monitoring.models import Evaluation, EvaluationDimension, EvaluationScore
from kotacerdas.monitoring.services import (
    DUPLICATE,
    EVALUATION_PUBLISHED,
    NOT_ALL_VERIFIED,
    NOT_PERMITTED,
    SCORE_VERIFIED,
    SMART_UNVERIFIED,
    WEIGHTS_SUM,
    MonitoringError,
)
from kotacerdas.monitoring.tests.factories import NOW, MonitoringTestCase, actions_of, audit_trail

FIVE = dict.fromkeys(EvaluationDimension.values, "3")


class EvaluationOpenTests(MonitoringTestCase):
    def open(self, actor: object = None, year: int = 2026, weights: dict[str, int] | None = None) -> Evaluation:
        return services.evaluation_open(region=self.region, year=year, weights=weights, actor=actor or self.planner)

    def test_it_opens_a_year_with_the_default_weights(self) -> None:
        evaluation = self.open()
        evaluation.refresh_from_db()
        self.assertEqual((evaluation.region, evaluation.year, evaluation.is_published), (self.region, 2026, False))
        self.assertEqual(
            evaluation.weights(), {"baseline": 10, "output": 20, "outcome": 30, "impact": 30, "quick_win": 10}
        )
        [entry] = audit_trail(evaluation)
        self.assertEqual(entry.action, AuditAction.EVALUATION_OPENED)
        self.assertEqual(
            entry.after, {"year": 2026, "baseline": 10, "output": 20, "outcome": 30, "impact": 30, "quick_win": 10}
        )

    def test_it_stores_the_weights_of_each_year(self) -> None:
        self.open(year=2026)
        weights = {"baseline": 20, "output": 20, "outcome": 20, "impact": 20, "quick_win": 20}
        self.open(actor=self.officer, year=2027, weights=weights)
        self.assertEqual(
            {e.year: e.weights()["baseline"] for e in Evaluation.objects.for_region(self.region)}, {2026: 10, 2027: 20}
        )

    def test_it_accepts_a_zero_weight(self) -> None:
        weights = {"baseline": 0, "output": 25, "outcome": 25, "impact": 40, "quick_win": 10}
        self.assertEqual(self.open(weights=weights).weight_baseline, 0)

    def test_it_refuses_assessors_agencies_readers_and_outsiders(self) -> None:
        for actor in (self.assessor, self.operator, self.leader, self.inspector, self.citizen, self.outsider):
            with self.subTest(actor=actor.username):
                self.assertRefused(NotAllowed, NOT_PERMITTED, lambda actor=actor: self.open(actor=actor))
        self.assertFalse(Evaluation.objects.exists())

    def test_it_refuses_weights_that_do_not_add_up_to_100(self) -> None:
        cases = {
            "sum 90": {"baseline": 10, "output": 20, "outcome": 30, "impact": 20, "quick_win": 10},
            "sum 110": {"baseline": 10, "output": 20, "outcome": 30, "impact": 30, "quick_win": 20},
            "negative": {"baseline": -10, "output": 30, "outcome": 30, "impact": 30, "quick_win": 20},
            "missing": {"output": 30, "outcome": 30, "impact": 30, "quick_win": 10},
            "unknown": {"baseline": 10, "output": 20, "outcome": 30, "impact": 30, "vibes": 10},
        }
        for case, weights in cases.items():
            with self.subTest(case):
                error = self.assertRefused(
                    MonitoringError, WEIGHTS_SUM, lambda weights=weights: self.open(weights=weights)
                )
                self.assertEqual(error.field, "weights")
        self.assertFalse(Evaluation.objects.exists())

    def test_it_refuses_a_second_evaluation_of_the_same_year(self) -> None:
        self.open()
        error = self.assertRefused(MonitoringError, DUPLICATE, self.open)
        self.assertEqual(error.field, "year")

    def test_it_refuses_a_year_before_the_programme_began(self) -> None:
        self.assertRefused(MonitoringError, None, lambda: self.open(year=2016))
        self.assertFalse(Evaluation.objects.exists())


class ScoreEnterTests(MonitoringTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.subject = self.evaluation(2026)

    def enter(
        self, score: str = "3.5", actor: object = None, dimension: str = "output", smart: object = None
    ) -> EvaluationScore:
        return services.score_enter(
            evaluation=self.subject,
            eval_dimension=dimension,
            smart_dimension=smart,  # type: ignore[arg-type]
            score=Decimal(score),
            evidence="  Laporan kinerja 2026. ",
            actor=actor or self.planner,
        )

    def test_it_enters_an_overall_self_assessment_with_evidence(self) -> None:
        row = self.enter()
        row.refresh_from_db()
        self.assertEqual((row.eval_dimension, row.smart_dimension, row.self_score), ("output", None, Decimal("3.50")))
        self.assertEqual((row.evidence, row.verified_score), ("Laporan kinerja 2026.", None))
        [entry] = audit_trail(row)
        self.assertEqual((entry.action, entry.before), (AuditAction.SCORE_ENTERED, None))
        self.assertEqual(entry.after, {"eval_dimension": "output", "smart_dimension": None, "self_score": "3.5"})

    def test_it_enters_a_score_per_smart_dimension_beside_the_overall_one(self) -> None:
        overall = self.enter("3")
        living = self.enter("4", smart=self.living, actor=self.officer)
        self.assertNotEqual(overall.pk, living.pk)
        self.assertEqual(
            sorted((s.smart_dimension_id or 0, s.self_score) for s in self.subject.scores.all()),
            [(0, Decimal(3)), (self.living.pk, Decimal(4))],
        )
        self.assertEqual(audit_trail(living)[-1].after["smart_dimension"], "living")

    def test_it_changes_an_unverified_score_in_place(self) -> None:
        first = self.enter("2")
        second = self.enter("2.75")
        self.assertEqual(first.pk, second.pk)
        self.assertEqual(EvaluationScore.objects.get(pk=first.pk).self_score, Decimal("2.75"))
        self.assertEqual(audit_trail(second)[-1].before, {"self_score": "2.00"})

    def test_it_accepts_both_ends_of_the_scale(self) -> None:
        self.assertEqual(self.enter("0", dimension="baseline").self_score, Decimal(0))
        self.assertEqual(self.enter("5", dimension="impact").self_score, Decimal(5))

    def test_it_refuses_assessors_agencies_readers_and_outsiders(self) -> None:
        for actor in (self.assessor, self.operator, self.leader, self.inspector, self.outsider):
            with self.subTest(actor=actor.username):
                self.assertRefused(NotAllowed, NOT_PERMITTED, lambda actor=actor: self.enter(actor=actor))
        self.assertFalse(EvaluationScore.objects.exists())

    def test_it_refuses_a_score_outside_0_to_5(self) -> None:
        for score in ("5.01", "-0.5"):
            with self.subTest(score=score):
                self.assertRefused(MonitoringError, None, lambda score=score: self.enter(score))
        self.assertFalse(EvaluationScore.objects.exists())

    def test_it_refuses_to_change_a_verified_score(self) -> None:
        row = self.enter("3")
        services.score_verify(score=row, verified_score=Decimal("2.5"), actor=self.assessor)
        self.assertRefused(Conflict, SCORE_VERIFIED, lambda: self.enter("4.5"))
        row.refresh_from_db()
        self.assertEqual((row.self_score, row.verified_score), (Decimal(3), Decimal("2.5")))

    def test_it_refuses_a_published_evaluation(self) -> None:
        evaluation = self.published_evaluation(2025)
        self.assertRefused(
            Conflict,
            EVALUATION_PUBLISHED,
            lambda: services.score_enter(
                evaluation=evaluation,
                eval_dimension="impact",
                smart_dimension=self.living,
                score=Decimal(5),
                evidence="",
                actor=self.planner,
            ),
        )
        self.assertFalse(evaluation.scores.filter(smart_dimension=self.living).exists())


class ScoreVerifyTests(MonitoringTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.subject = self.evaluation(2026, scores={"outcome": "4"})
        self.score = self.subject.scores.get()

    def test_it_records_the_assessors_verified_score(self) -> None:
        services.score_verify(score=self.score, verified_score=Decimal("3.25"), actor=self.assessor)
        self.score.refresh_from_db()
        self.assertEqual((self.score.self_score, self.score.verified_score), (Decimal(4), Decimal("3.25")))
        self.assertEqual((self.score.verified_by, self.score.verified_at), (self.assessor, NOW))
        entry = audit_trail(self.score)[-1]
        self.assertEqual((entry.action, entry.actor), (AuditAction.SCORE_VERIFIED, self.assessor))
        self.assertEqual((entry.before, entry.after), ({"verified_score": None}, {"verified_score": "3.25"}))

    def test_it_refuses_bappeda_diskominfo_readers_and_assessors_of_another_region(self) -> None:
        elsewhere = make_user("assessor_lain", Role.ASSESSOR, self.other_region)
        for actor in (self.planner, self.officer, self.leader, self.inspector, self.outsider, elsewhere):
            with self.subTest(actor=actor.username):
                self.assertRefused(
                    NotAllowed,
                    NOT_PERMITTED,
                    lambda actor=actor: services.score_verify(score=self.score, verified_score=Decimal(4), actor=actor),
                )
        self.score.refresh_from_db()
        self.assertIsNone(self.score.verified_score)

    def test_it_refuses_a_score_outside_0_to_5(self) -> None:
        self.assertRefused(
            MonitoringError,
            None,
            lambda: services.score_verify(score=self.score, verified_score=Decimal("5.5"), actor=self.assessor),
        )
        self.assertIsNone(EvaluationScore.objects.get(pk=self.score.pk).verified_score)

    def test_it_refuses_a_published_evaluation(self) -> None:
        evaluation = self.published_evaluation(2025)
        score = evaluation.scores.get(eval_dimension="impact")
        self.assertRefused(
            Conflict,
            EVALUATION_PUBLISHED,
            lambda: services.score_verify(score=score, verified_score=Decimal(5), actor=self.assessor),
        )
        self.assertEqual(EvaluationScore.objects.get(pk=score.pk).verified_score, Decimal(3))


class EvaluationPublishTests(MonitoringTestCase):
    def test_it_publishes_once_all_five_are_verified(self) -> None:
        evaluation = self.evaluation(2026, scores=FIVE, verified=FIVE)
        services.evaluation_publish(evaluation=evaluation, actor=self.officer)
        evaluation.refresh_from_db()
        self.assertEqual((evaluation.is_published, evaluation.published_at), (True, NOW))
        self.assertEqual(actions_of(evaluation)[-1], AuditAction.EVALUATION_PUBLISHED)

    def test_it_refuses_while_a_dimension_is_unverified(self) -> None:
        four = {d: "3" for d in EvaluationDimension.values if d != "quick_win"}
        evaluation = self.evaluation(2026, scores=FIVE, verified=four)
        self.assertRefused(
            MonitoringError,
            NOT_ALL_VERIFIED,
            lambda: services.evaluation_publish(evaluation=evaluation, actor=self.planner),
        )
        self.assertFalse(Evaluation.objects.get(pk=evaluation.pk).is_published)

    def test_it_does_not_count_smart_dimension_scores_as_the_overall_one(self) -> None:
        four = {d: "3" for d in EvaluationDimension.values if d != "impact"}
        evaluation = self.evaluation(2026, scores=four, verified=four)
        smart = services.score_enter(
            evaluation=evaluation,
            eval_dimension="impact",
            smart_dimension=self.living,
            score=Decimal(4),
            evidence="",
            actor=self.planner,
        )
        services.score_verify(score=smart, verified_score=Decimal(4), actor=self.assessor)
        self.assertRefused(
            MonitoringError,
            NOT_ALL_VERIFIED,
            lambda: services.evaluation_publish(evaluation=evaluation, actor=self.planner),
        )

    def test_it_refuses_while_a_score_per_smart_dimension_is_unverified(self) -> None:
        evaluation = self.evaluation(2026, scores=FIVE, verified=FIVE)
        smart = services.score_enter(
            evaluation=evaluation,
            eval_dimension="outcome",
            smart_dimension=self.living,
            score=Decimal("4.5"),
            evidence="Rumah mundur dari sungai.",
            actor=self.planner,
        )
        self.assertRefused(
            MonitoringError,
            SMART_UNVERIFIED,
            lambda: services.evaluation_publish(evaluation=evaluation, actor=self.planner),
        )
        self.assertFalse(Evaluation.objects.get(pk=evaluation.pk).is_published)
        services.score_verify(score=smart, verified_score=Decimal(4), actor=self.assessor)
        services.evaluation_publish(evaluation=evaluation, actor=self.planner)
        self.assertTrue(Evaluation.objects.get(pk=evaluation.pk).is_published)

    def test_it_refuses_assessors_readers_and_outsiders(self) -> None:
        evaluation = self.evaluation(2026, scores=FIVE, verified=FIVE)
        for actor in (self.assessor, self.leader, self.operator, self.outsider):
            with self.subTest(actor=actor.username):
                self.assertRefused(
                    NotAllowed,
                    NOT_PERMITTED,
                    lambda actor=actor: services.evaluation_publish(evaluation=evaluation, actor=actor),
                )
        self.assertFalse(Evaluation.objects.get(pk=evaluation.pk).is_published)

    def test_it_refuses_to_publish_twice(self) -> None:
        evaluation = self.published_evaluation(2026)
        stale = Evaluation.objects.get(pk=evaluation.pk)
        self.assertRefused(
            Conflict, EVALUATION_PUBLISHED, lambda: services.evaluation_publish(evaluation=stale, actor=self.planner)
        )
        self.assertEqual(actions_of(evaluation).count(AuditAction.EVALUATION_PUBLISHED), 1)
