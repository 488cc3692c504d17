"""Reads of the programme cycle, scoped to the region and to who asks."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from kotacerdas.accounts.roles import Perm
from kotacerdas.accounts.selectors import agencies_user_acts_for, has_perm
from kotacerdas.audit.models import AuditEntry
from kotacerdas.framework.models import Dimension, Element
from kotacerdas.framework.selectors import dimensions_with_elements
from kotacerdas.planning.models import (
    DECIDED,
    DigitalisationRequest,
    DigitalisationStatus,
    Horizon,
    Invitation,
    Masterplan,
    PlanningRound,
    Programme,
    ProgrammeStatus,
    Proposal,
    ProposalStatus,
    SupportingAgency,
)
from kotacerdas.regions.models import Region

PAGE_SIZE = 50
DECISION_ACTIONS = frozenset({"planning.proposal.accepted", "planning.proposal.rejected", "planning.proposal.merged"})


def sees_all(user: Any, region: Region) -> bool:
    """Bappeda, Diskominfo, leadership and the inspector see every agency's submitted proposals."""
    return has_perm(user, Perm.PLANNING_VIEW_ALL, region)


def proposals_visible_to(*, user: Any, region: Region) -> QuerySet[Proposal]:
    """Own agency's proposals always; others' once submitted (or drafted by the viewer), for those who see all."""
    own = [a.pk for a in agencies_user_acts_for(user, region)]
    proposals = Proposal.objects.for_region(region)
    if sees_all(user, region):
        return proposals.filter(Q(agency_id__in=own) | ~Q(status=ProposalStatus.DRAFT) | Q(created_by_id=user.pk))
    return proposals.filter(agency_id__in=own)


def get_proposal(*, user: Any, region: Region, pk: int) -> Proposal:
    proposal = (
        proposals_visible_to(user=user, region=region)
        .select_related("round", "agency", "dimension", "merged_into", "decided_by", "created_by")
        .filter(pk=pk)
        .first()
    )
    if proposal is None:
        raise Http404
    proposal.region = region  # already loaded by the tenancy layer; saves a query per permission check
    return proposal


def decision_visible(*, proposal: Proposal, user: Any) -> bool:
    """A decision is internal until Bappeda publishes it."""
    return proposal.decision_published_at is not None or sees_all(user, proposal.region)


def shown_status(*, proposal: Proposal, user: Any) -> str:
    """The status label this user may see (an unpublished decision still reads "under review")."""
    if proposal.is_decided and not decision_visible(proposal=proposal, user=user):
        return str(ProposalStatus.UNDER_REVIEW.label)
    return proposal.get_status_display()


def proposal_history(*, proposal: Proposal, user: Any) -> list[AuditEntry]:
    entries = AuditEntry.objects.filter(target_type="planning.proposal", target_id=str(proposal.pk)).order_by("id")
    if not decision_visible(proposal=proposal, user=user):
        entries = entries.exclude(action__in=DECISION_ACTIONS)
    return list(entries)


@dataclass
class RoundOverview:
    planning_round: PlanningRound
    invitations: list[Invitation]
    proposals: list[Proposal]
    answered: int
    pending_publication: int

    @property
    def not_answered(self) -> list[Invitation]:
        return [i for i in self.invitations if i.status == "invited"]


def round_overview(*, planning_round: PlanningRound, user: Any) -> RoundOverview:
    invitations = list(planning_round.invitations.select_related("agency").order_by("status", "agency__name"))
    proposals = list(
        proposals_visible_to(user=user, region=planning_round.region)
        .filter(round=planning_round)
        .select_related("agency", "dimension")
        .order_by("agency__name", "title")
    )
    pending = sum(1 for p in proposals if p.status in DECIDED and p.decision_published_at is None)
    answered = sum(1 for i in invitations if i.status != "invited")
    return RoundOverview(planning_round, invitations, proposals, answered, pending)


def get_round(*, region: Region, pk: int) -> PlanningRound:
    planning_round = PlanningRound.objects.for_region(region).select_related("opened_by").filter(pk=pk).first()
    if planning_round is None:
        raise Http404
    planning_round.region = region  # already loaded by the tenancy layer; saves a query per permission check
    return planning_round


def rounds_of(*, region: Region) -> QuerySet[PlanningRound]:
    return (
        PlanningRound.objects.for_region(region)
        .select_related("opened_by")
        .annotate(
            invited=Count("invitations", distinct=True),
            answered=Count("invitations", filter=~Q(invitations__status="invited"), distinct=True),
        )
    )


def programme_list(
    *, region: Region, dimension: str = "", status: str = "", agency: str = "", published_only: bool = False
) -> QuerySet[Programme]:
    """Top-level programmes with their lead agency and dimension, filtered."""
    programmes = Programme.objects.for_region(region).top_level().select_related("lead_agency", "dimension")
    if published_only:
        programmes = programmes.published()
    if dimension:
        programmes = programmes.filter(dimension__code=dimension)
    if status:
        programmes = programmes.filter(status=status)
    if agency:
        programmes = programmes.filter(Q(lead_agency__slug=agency) | Q(supporters__agency__slug=agency)).distinct()
    return programmes.annotate(child_count=Count("children")).order_by("dimension__order", "title")


_CHILDREN: QuerySet[Programme] = Programme.objects.select_related("lead_agency").order_by("title")


def get_programme(*, region: Region, pk: int, user: Any) -> Programme:
    """A programme; unpublished ones (decisions not yet announced) only for those who see all."""
    programmes = Programme.objects.for_region(region)
    if not sees_all(user, region):
        programmes = programmes.published()
    programme = (
        programmes.select_related("lead_agency", "dimension", "masterplan", "parent", "origin")
        .prefetch_related("elements", "areas", "digitalisation_requests")
        .prefetch_related(Prefetch("supporters", queryset=SupportingAgency.objects.select_related("agency")))
        .prefetch_related(Prefetch("children", queryset=_CHILDREN))
        .filter(pk=pk)
        .first()
    )
    if programme is None:
        raise Http404
    programme.region = region  # already loaded by the tenancy layer; saves a query per permission check
    return programme


@dataclass
class MasterplanCell:
    dimension: Dimension
    by_horizon: dict[str, list[Programme]]
    uncovered: list[Element]

    @property
    def count(self) -> int:
        return sum(len(items) for items in self.by_horizon.values())

    @property
    def columns(self) -> list[list[Programme]]:
        return [self.by_horizon[h] for h in Horizon.values]


@dataclass
class MasterplanOverview:
    masterplan: Masterplan
    rows: list[MasterplanCell]
    quick_wins: dict[int, list[Programme]]
    horizons: list[tuple[str, Any]]

    @property
    def uncovered_elements(self) -> list[Element]:
        return [e for row in self.rows for e in row.uncovered]


def masterplan_overview(*, masterplan: Masterplan) -> MasterplanOverview:
    """Programmes per dimension and horizon, the quick wins per year, and the elements with no programme."""
    programmes = list(
        Programme.objects.filter(masterplan=masterplan, parent__isnull=True)
        .exclude(status=ProgrammeStatus.CANCELLED)
        .select_related("lead_agency")
        .prefetch_related("elements")
        .order_by("title")
    )
    covered = {e.pk for p in programmes for e in p.elements.all()}
    rows = []
    for dimension in dimensions_with_elements(region=masterplan.region):
        by_horizon: dict[str, list[Programme]] = {h: [] for h in Horizon.values}
        for p in programmes:
            if p.dimension_id == dimension.pk:
                by_horizon[p.horizon].append(p)
        uncovered = [e for e in dimension.region_elements if e.pk not in covered]  # type: ignore[attr-defined]
        rows.append(MasterplanCell(dimension, by_horizon, uncovered))
    quick_wins: dict[int, list[Programme]] = defaultdict(list)
    for p in programmes:
        if p.horizon == Horizon.QUICK_WIN and p.quick_win_year:
            quick_wins[p.quick_win_year].append(p)
    return MasterplanOverview(masterplan, rows, dict(sorted(quick_wins.items())), list(Horizon.choices))


def current_masterplan(*, region: Region) -> Masterplan | None:
    return Masterplan.objects.for_region(region).filter(is_current=True).first()


def get_masterplan(*, region: Region, pk: int) -> Masterplan:
    masterplan = Masterplan.objects.for_region(region).filter(pk=pk).first()
    if masterplan is None:
        raise Http404
    masterplan.region = region  # already loaded by the tenancy layer; saves a query per permission check
    return masterplan


@dataclass
class BacklogItem:
    request: DigitalisationRequest
    age_days: int


def digitalisation_backlog(*, region: Region, include_done: bool = False) -> list[BacklogItem]:
    """Open application requests, oldest first, with their programme and lead agency."""
    requests = DigitalisationRequest.objects.for_region(region).select_related("programme__lead_agency")
    if not include_done:
        requests = requests.exclude(status__in=[DigitalisationStatus.LIVE, DigitalisationStatus.RETIRED])
    now = timezone.now()
    return [BacklogItem(r, _days(now - r.created_at)) for r in requests.order_by("created_at")]


def _days(delta: dt.timedelta) -> int:
    return max(delta.days, 0)


def get_digitalisation(*, region: Region, pk: int) -> DigitalisationRequest:
    request = (
        DigitalisationRequest.objects.for_region(region)
        .select_related("programme__lead_agency", "programme__origin")
        .filter(pk=pk)
        .first()
    )
    if request is None:
        raise Http404
    request.region = region  # already loaded by the tenancy layer; saves a query per permission check
    return request
