"""Builders for the planning tests: a frozen clock, an open round, and proposals or programmes in any state."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any, ClassVar

import time_machine
from django.db import models
from django.utils.translation import gettext

from kotacerdas.accounts.models import User
from kotacerdas.accounts.roles import Role
from kotacerdas.agencies.models import Agency
from kotacerdas.audit.models import AuditEntry
from kotacerdas.core.errors import ApplicationError
from kotacerdas.core.testing import RegionTestCase, make_agency, make_user
from kotacerdas.framework.models import Dimension, Element
from kotacerdas.planning import services
from kotacerdas.planning.models import (
    DigitalisationRequest,
    FundingSource,
    Horizon,
    Masterplan,
    PlanningRound,
    Programme,
    Proposal,
)
from kotacerdas.planning.services import Assignment, ProposalData

# 10:00 in Asia/Jakarta (UTC+7), the regions' time zone; the round's deadline is two months later.
NOW = dt.datetime(2027, 2, 1, 3, 0, tzinfo=dt.UTC)
DEADLINE = dt.date(2027, 3, 31)
LAST_MINUTE = dt.datetime(2027, 3, 31, 16, 30, tzinfo=dt.UTC)  # 23:30 WIB on the deadline day
TOO_LATE = dt.datetime(2027, 3, 31, 17, 30, tzinfo=dt.UTC)  # 00:30 WIB the day after


def proposal_data(**overrides: Any) -> ProposalData:
    """A complete, valid proposal of the Smart Living dimension; override any field."""
    fields: dict[str, Any] = {
        "title": "Penataan tepi sungai",
        "description": "Rumah mundur dari bibir sungai, jalan inspeksi di depannya.",
        "dimension": Dimension.objects.get(code="living"),
        "horizon": Horizon.LONG,
        "beneficiaries": "Warga tepi sungai",
        "funding_source": FundingSource.APBD,
        "elements": [Element.objects.get(code="living.harmony")],
        "areas": [],
        "beneficiary_count": 120,
        "budget": 2_000_000_000,
        "partners": "",
    }
    fields.update(overrides)
    return ProposalData(**fields)


def audit_trail(target: models.Model) -> list[AuditEntry]:
    """The audit entries of one object, oldest first."""
    return list(
        AuditEntry.objects.filter(target_type=target._meta.label_lower, target_id=str(target.pk)).order_by("id")
    )


def actions_of(target: models.Model) -> list[str]:
    return [entry.action for entry in audit_trail(target)]


@time_machine.travel(NOW, tick=False)
class PlanningTestCase(RegionTestCase):
    """The shared region plus a health agency with its operator, an inactive agency and an open round."""

    health: ClassVar[Agency]
    health_operator: ClassVar[User]
    closed_agency: ClassVar[Agency]
    living: ClassVar[Dimension]
    harmony: ClassVar[Element]
    mobility: ClassVar[Element]
    learning: ClassVar[Element]
    planning_round: ClassVar[PlanningRound]

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.health = make_agency(cls.region, "dinkes", short_name="Dinkes")
        cls.health_operator = make_user("health_operator", Role.AGENCY_OPERATOR, cls.region, agency=cls.health)
        cls.closed_agency = make_agency(cls.region, "dishub-lama", short_name="Dishub lama")
        Agency.objects.filter(pk=cls.closed_agency.pk).update(is_active=False)
        cls.living = Dimension.objects.get(code="living")
        cls.harmony = Element.objects.get(code="living.harmony")
        cls.mobility = Element.objects.get(code="living.mobility")
        cls.learning = Element.objects.get(code="society.learning")
        cls.planning_round = services.round_open(
            region=cls.region,
            year=2027,
            title="Usulan program 2027",
            deadline=DEADLINE,
            description="Program Smart Living untuk RPJMD.",
            elements=[cls.harmony, cls.mobility],
            opened_by=cls.bappeda,
            actor=cls.planner,
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

    def second_round(self, **fields: Any) -> PlanningRound:
        values: dict[str, Any] = {
            "region": self.region,
            "year": 2028,
            "title": "Usulan program 2028",
            "deadline": dt.date(2028, 3, 31),
            "opened_by": self.bappeda,
            "actor": self.planner,
        }
        values.update(fields)
        return services.round_open(**values)

    def draft(
        self,
        *,
        agency: Agency | None = None,
        actor: User | None = None,
        planning_round: PlanningRound | None = None,
        **overrides: Any,
    ) -> Proposal:
        return services.proposal_create(
            planning_round=planning_round or self.planning_round,
            agency=agency or self.public_works,
            data=proposal_data(**overrides),
            actor=actor or self.operator,
        )

    def submitted(self, **kwargs: Any) -> Proposal:
        proposal = self.draft(**kwargs)
        actor = kwargs.get("actor") or self.operator
        return services.proposal_submit(proposal=proposal, actor=actor)

    def under_review(self, **kwargs: Any) -> Proposal:
        return services.proposal_start_review(proposal=self.submitted(**kwargs), actor=self.planner)

    def accept(self, proposal: Proposal, *, lead: Agency | None = None, **assignment: Any) -> Programme:
        return services.proposal_accept(
            proposal=proposal, assignment=Assignment(lead=lead or self.public_works, **assignment), actor=self.planner
        )

    def programme(self, **kwargs: Any) -> Programme:
        """An accepted (not yet published) programme led by the public works agency unless told."""
        lead = kwargs.pop("lead", None)
        return self.accept(self.under_review(**kwargs), lead=lead)

    def digitalisation(self) -> DigitalisationRequest:
        programme = self.programme(needs_digitalisation=True, digitalisation_needs="Aplikasi pelaporan warga.")
        return DigitalisationRequest.objects.get(programme=programme)

    def masterplan(self, **fields: Any) -> Masterplan:
        values: dict[str, Any] = {
            "title": "Masterplan Smart City",
            "version": "1",
            "period_start": 2025,
            "period_end": 2029,
            "vision": "Kota yang nyaman dihuni.",
            "is_current": True,
        }
        values.update(fields)
        return services.masterplan_save(region=self.region, actor=self.planner, **values)
