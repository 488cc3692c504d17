"""Builders for the monitoring tests: a frozen clock, periods, programmes in any state, reports and evaluations."""

from __future__ import annotations

import base64
import datetime as dt
import io
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from decimal import Decimal
from typing import Any, ClassVar

import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, models
from django.utils.translation import gettext
from PIL import Image

from kotacerdas.accounts.models import User
from kotacerdas.accounts.roles import Role
from kotacerdas.agencies.models import Agency
from kotacerdas.audit.models import AuditEntry
from kotacerdas.core.errors import ApplicationError
from kotacerdas.core.testing import RegionTestCase, make_agency, make_user
from kotacerdas.framework.models import Dimension, Element
from kotacerdas.monitoring import services
from kotacerdas.monitoring.models import (
    Evaluation,
    EvaluationDimension,
    EvaluationScore,
    Indicator,
    Measure,
    Period,
    ProgressReport,
)
from kotacerdas.monitoring.services import IndicatorData, ReportData
from kotacerdas.planning import services as planning
from kotacerdas.planning.models import FundingSource, Horizon, Masterplan, PlanningRound, Programme, ProgrammeKind
from kotacerdas.planning.services import Assignment, ProposalData

# 10:00 in Asia/Jakarta (UTC+7) on 1 February 2027: inside the period "2027 S1"; "2026" has ended.
NOW = dt.datetime(2027, 2, 1, 3, 0, tzinfo=dt.UTC)
# 10:00 WIB on 15 July 2027: "2027 S1" has ended as well.
AFTER_S1 = dt.datetime(2027, 7, 15, 3, 0, tzinfo=dt.UTC)

# A real 1×1 PNG (69 bytes).
TINY_PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAIAAACQd1PeAAAADElEQVR4nGPgjvUGAAEqALRc1f5DAAAAAElFTkSuQmCC"
)

# Programme states reachable from "planned", with the actions that reach them.
_PATHS: dict[str, list[str]] = {
    "planned": [],
    "in_implementation": ["start"],
    "completed": ["start", "complete"],
    "suspended": ["start", "suspend"],
    "cancelled": ["cancel"],
}
_MANAGE_ACTIONS = {"suspend", "cancel", "resume"}


def audit_trail(target: models.Model) -> list[AuditEntry]:
    """The audit entries of one object, oldest first."""
    return list(
        AuditEntry.objects.filter(target_type=target._meta.label_lower, target_id=str(target.pk)).order_by("id")
    )


def actions_of(target: models.Model) -> list[str]:
    return [entry.action for entry in audit_trail(target)]


# A minimal, well-formed one-page PDF (header, catalogue, page, trailer, end-of-file marker).
TINY_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 200 200]>>endobj\n"
    b"trailer<</Root 1 0 R/Size 4>>\n%%EOF\n"
)


def png_upload(name: str = "foto-lokasi.png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, TINY_PNG, content_type="image/png")


def _encoded(image: Image.Image, image_format: str) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format=image_format)
    return buffer.getvalue()


def png_bytes(width: int = 4, height: int = 3) -> bytes:
    """A real PNG of one colour (a large one compresses to a few kilobytes)."""
    return _encoded(Image.new("RGB", (width, height), (30, 110, 80)), "PNG")


def jpeg_bytes() -> bytes:
    return _encoded(Image.new("RGB", (4, 3), (200, 120, 40)), "JPEG")


def gif_bytes() -> bytes:
    return _encoded(Image.new("P", (4, 3)), "GIF")


@contextmanager
def committed() -> Iterator[None]:
    """Treat the end of the block as the commit of every write so far: run the queued on-commit callbacks, drop them.

    `captureOnCommitCallbacks(execute=True)` alone is not enough here: it runs only the callbacks queued inside its
    block and leaves them in `connection.run_on_commit` until the test's rollback, while `summaries._schedule` skips
    a region that already has a rebuild queued there. So after any earlier write (in the test or in setUpTestData),
    the block's writes would schedule no rebuild and the summary tables would silently stay as they were.
    """
    yield
    while connection.run_on_commit:
        pending = list(connection.run_on_commit)
        del connection.run_on_commit[:]
        for _savepoints, callback, _robust in pending:
            callback()


@time_machine.travel(NOW, tick=False)
class MonitoringTestCase(RegionTestCase):
    """The shared region plus an assessor, a health agency, three periods and one running, published programme.

    The programme ("Penataan tepi sungai", Smart Living, led by public works) has a unit, a percentage and a
    qualitative indicator, each with a target for "2027 S1".
    """

    assessor: ClassVar[User]
    health: ClassVar[Agency]
    health_operator: ClassVar[User]
    living: ClassVar[Dimension]
    governance: ClassVar[Dimension]
    planning_round: ClassVar[PlanningRound]
    p2026: ClassVar[Period]
    s1: ClassVar[Period]
    s2: ClassVar[Period]
    river: ClassVar[Programme]
    houses: ClassVar[Indicator]
    coverage: ClassVar[Indicator]
    quality: ClassVar[Indicator]

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.assessor = make_user("assessor", Role.ASSESSOR, cls.region)
        cls.health = make_agency(cls.region, "dinkes", short_name="Dinkes")
        cls.health_operator = make_user("health_operator", Role.AGENCY_OPERATOR, cls.region, agency=cls.health)
        cls.living = Dimension.objects.get(code="living")
        cls.governance = Dimension.objects.get(code="governance")
        with committed():
            cls.planning_round = planning.round_open(
                region=cls.region,
                year=2027,
                title="Usulan program 2027",
                deadline=dt.date(2027, 12, 31),
                opened_by=cls.bappeda,
                actor=cls.planner,
            )
            cls.p2026 = cls.period("2026", dt.date(2026, 1, 1), dt.date(2026, 12, 31))
            cls.s1 = cls.period("2027 S1", dt.date(2027, 1, 1), dt.date(2027, 6, 30))
            cls.s2 = cls.period("2027 S2", dt.date(2027, 7, 1), dt.date(2027, 12, 31))
            cls.river = cls.make_programme(title="Penataan tepi sungai")
            cls.houses = cls.indicator(cls.river, "Rumah yang dimundurkan", Measure.UNIT, unit="rumah", baseline="12")
            cls.coverage = cls.indicator(cls.river, "Tepi sungai tertata", Measure.PERCENTAGE, baseline="20")
            cls.quality = cls.indicator(cls.river, "Kepuasan warga", Measure.QUALITATIVE)
            services.target_set(indicator=cls.houses, period=cls.s1, target=Decimal(40), actor=cls.planner)
            services.target_set(indicator=cls.coverage, period=cls.s1, target=Decimal(60), actor=cls.planner)
            services.target_set(
                indicator=cls.quality, period=cls.s1, target=None, target_text="Warga puas", actor=cls.planner
            )

    # --- assertions -----------------------------------------------------------------------------

    def assertRefused(
        self, error: type[ApplicationError], message: str | None, call: Callable[[], object]
    ) -> ApplicationError:
        """The call raises exactly `error` (not a sibling) with the room's message, when one is given."""
        with self.assertRaises(ApplicationError) as caught:
            call()
        self.assertIs(type(caught.exception), error, caught.exception)
        if message is not None:
            self.assertEqual(caught.exception.message, gettext(message))
        return caught.exception

    # --- builders -------------------------------------------------------------------------------

    @classmethod
    def runner_of(cls, agency: Agency) -> User:
        """The persona who runs programmes for an agency (PROGRAMME_RUN in that agency)."""
        runners = {cls.public_works.pk: cls.operator, cls.health.pk: cls.health_operator, cls.bappeda.pk: cls.planner}
        runners[cls.diskominfo.pk] = cls.officer
        return runners[agency.pk]

    @classmethod
    def period(cls, label: str, starts_on: dt.date, ends_on: dt.date) -> Period:
        return services.period_create(
            region=cls.region, label=label, starts_on=starts_on, ends_on=ends_on, actor=cls.planner
        )

    @classmethod
    def masterplan(cls) -> Masterplan:
        return planning.masterplan_save(
            region=cls.region,
            actor=cls.planner,
            title="Masterplan Smart City",
            version="1",
            period_start=2025,
            period_end=2029,
            is_current=True,
        )

    @classmethod
    def make_programme(
        cls,
        *,
        title: str = "Program",
        dimension: str = "living",
        lead: Agency | None = None,
        status: str = "in_implementation",
        published: bool = True,
        masterplan: Masterplan | None = None,
    ) -> Programme:
        """A programme decided through the planning services, moved to `status` and published unless told."""
        dim = Dimension.objects.get(code=dimension)
        data = ProposalData(
            title=title,
            description="Uraian program.",
            dimension=dim,
            horizon=Horizon.MEDIUM,
            beneficiaries="Warga",
            funding_source=FundingSource.APBD,
            elements=[Element.objects.filter(dimension=dim, region__isnull=True).first()],
            budget=1_000_000_000,
        )
        proposal = planning.proposal_create(
            planning_round=cls.planning_round, agency=cls.public_works, data=data, actor=cls.operator
        )
        planning.proposal_submit(proposal=proposal, actor=cls.operator)
        planning.proposal_start_review(proposal=proposal, actor=cls.planner)
        lead = lead or cls.public_works
        programme = planning.proposal_accept(
            proposal=proposal, assignment=Assignment(lead=lead, masterplan=masterplan), actor=cls.planner
        )
        cls.move(programme, status)
        if published:
            planning.programme_publish(programme=programme, actor=cls.planner)
        return programme

    @classmethod
    def child(
        cls,
        parent: Programme,
        *,
        title: str,
        weight: int | None = None,
        status: str = "in_implementation",
        lead: Agency | None = None,
    ) -> Programme:
        """An activity under `parent`, moved to `status`."""
        child = planning.programme_add_child(
            parent=parent,
            title=title,
            kind=ProgrammeKind.ACTIVITY,
            lead_agency=lead or parent.lead_agency,
            weight=weight,
            actor=cls.planner,
        )
        cls.move(child, status)
        return child

    @classmethod
    def move(cls, programme: Programme, status: str) -> Programme:
        for action in _PATHS[status]:
            actor = cls.planner if action in _MANAGE_ACTIONS else cls.runner_of(programme.lead_agency)
            note = "Alasan dicatat." if action in _MANAGE_ACTIONS else ""
            planning.programme_transition(programme=programme, action=action, actor=actor, note=note)
        return programme

    @classmethod
    def indicator(
        cls, programme: Programme, title: str, measure: str, *, unit: str = "", baseline: str | None = None
    ) -> Indicator:
        data = IndicatorData(
            title=title,
            measure=measure,
            direction="ascending",
            unit=unit,
            baseline_value=Decimal(baseline) if baseline is not None else None,
            baseline_text="Belum diukur" if measure == Measure.QUALITATIVE else "",
            baseline_year=2025,
        )
        return services.indicator_create(programme=programme, data=data, actor=cls.planner)

    def report_data(self, **overrides: Any) -> ReportData:
        """A complete report for the river programme: 30 houses, 45 %, a qualitative result, 40 % progress."""
        fields: dict[str, Any] = {
            "narrative": "Tiga puluh rumah sudah dimundurkan.",
            "progress_percent": 40,
            "values": {
                self.houses.pk: (Decimal(30), ""),
                self.coverage.pk: (Decimal(45), ""),
                self.quality.pk: (None, "Sebagian warga puas"),
            },
        }
        fields.update(overrides)
        return ReportData(**fields)

    def report(
        self,
        *,
        programme: Programme | None = None,
        period: Period | None = None,
        status: str = "draft",
        **overrides: Any,
    ) -> ProgressReport:
        """A report of the river programme (or `programme`) for "2027 S1" (or `period`), moved to `status`."""
        programme = programme or self.river
        data = self.report_data(**overrides) if programme == self.river else ReportData(**overrides)
        actor = self.runner_of(programme.lead_agency)
        report = services.report_save(programme=programme, period=period or self.s1, data=data, actor=actor)
        if status in ("submitted", "approved", "returned"):
            services.report_submit(report=report, actor=actor)
        if status == "approved":
            services.report_approve(report=report, actor=self.planner)
        if status == "returned":
            services.report_return(report=report, reason="Lampirkan foto.", actor=self.planner)
        return report

    def evaluation(
        self,
        year: int = 2026,
        *,
        scores: dict[str, str] | None = None,
        verified: dict[str, str] | None = None,
        weights: dict[str, int] | None = None,
    ) -> Evaluation:
        """An evaluation with overall self-scores (and verified scores) per evaluation dimension."""
        evaluation = services.evaluation_open(region=self.region, year=year, weights=weights, actor=self.planner)
        for dimension, value in (scores or {}).items():
            services.score_enter(
                evaluation=evaluation,
                eval_dimension=dimension,
                smart_dimension=None,
                score=Decimal(value),
                evidence="Dokumen pendukung.",
                actor=self.planner,
            )
        for dimension, value in (verified or {}).items():
            score = EvaluationScore.objects.get(evaluation=evaluation, eval_dimension=dimension, smart_dimension=None)
            services.score_verify(score=score, verified_score=Decimal(value), actor=self.assessor)
        return evaluation

    def published_evaluation(self, year: int = 2026, values: str = "3,3,4,3,2") -> Evaluation:
        """An evaluation whose five overall scores are self-assessed and verified alike, then published."""
        scores = dict(zip(EvaluationDimension.values, values.split(","), strict=True))
        evaluation = self.evaluation(year, scores=scores, verified=scores)
        return services.evaluation_publish(evaluation=evaluation, actor=self.planner)
