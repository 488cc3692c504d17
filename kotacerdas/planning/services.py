"""Every write of the programme cycle: rounds, proposals, decisions, programmes, masterplans, digitalisation."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from kotacerdas.accounts.models import User
from kotacerdas.accounts.roles import Perm
from kotacerdas.accounts.selectors import has_perm
from kotacerdas.agencies.models import Agency
from kotacerdas.audit import services as audit
from kotacerdas.audit.actions import AuditAction
from kotacerdas.core.errors import ApplicationError, Conflict, NotAllowed
from kotacerdas.framework.models import Dimension, Element
from kotacerdas.planning.models import (
    DECIDED,
    DigitalisationRequest,
    Invitation,
    InvitationStatus,
    Masterplan,
    PlanningRound,
    Programme,
    ProgrammeKind,
    Proposal,
    ProposalStatus,
    RoundStatus,
    SupportingAgency,
)
from kotacerdas.planning.workflow import DIGITALISATION, PROGRAMME, PROPOSAL
from kotacerdas.regions.models import Area, AreaLevel, Region


class PlanningError(ApplicationError):
    """A refused step of the programme cycle."""


NOT_PERMITTED = gettext_noop("Your role does not allow this action.")
ROUND_CLOSED = gettext_noop("This planning round is closed.")
ROUND_DEADLINE_PASSED = gettext_noop("The deadline of this round has passed; ask Bappeda to extend it.")
ROUND_DEADLINE_IN_PAST = gettext_noop("The deadline must not be in the past.")
PROPOSAL_FROZEN = gettext_noop("A submitted proposal cannot be edited until Bappeda returns it.")
ELEMENT_OUTSIDE_DIMENSION = gettext_noop("Every element must belong to the chosen dimension.")
AREA_OUTSIDE_REGION = gettext_noop("Choose districts or villages of this region only.")
DIGITALISATION_NEEDS_MISSING = gettext_noop("Say what the application must do.")
LEAD_NOT_SUPPORTING = gettext_noop("The lead agency cannot also be a supporting agency.")
AGENCY_OUTSIDE_REGION = gettext_noop("Choose agencies of this region only.")
MERGE_TARGET_INVALID = gettext_noop("Merge into another open or accepted proposal of the same round.")
NOT_DECIDED = gettext_noop("Only a decided proposal can be published.")
ALREADY_PUBLISHED = gettext_noop("This decision is already published.")
APP_DETAILS_MISSING = gettext_noop("Give the application's name and address.")
APP_URL_INVALID = gettext_noop("The application's address must be a web address (https://...).")
ALREADY_ANSWERED = gettext_noop("Your agency has already submitted a proposal in this round.")
CHILD_OF_CHILD = gettext_noop("Activities go under a programme or sub-programme.")
CHILD_KIND_INVALID = gettext_noop("A part of a programme is a sub-programme or an activity.")
SUPPORTER_TWICE = gettext_noop("Each supporting agency can be named once.")
ELEMENT_OUTSIDE_REGION = gettext_noop("Choose elements of this region's framework only.")
MASTERPLAN_OUTSIDE_REGION = gettext_noop("Choose a masterplan of this region.")
TEXT_TOO_LONG = gettext_noop("The application's name and address may have at most 200 characters each.")
PROGRAMME_ALREADY_PUBLISHED = gettext_noop("This programme is already published.")


def _require(actor: User, perm: Perm, region: Region, agency: Agency | None = None) -> None:
    if not has_perm(actor, perm, region, agency):
        raise NotAllowed(_(NOT_PERMITTED))


def _require_drafter(actor: User, region: Region, agency: Agency) -> None:
    """The agency drafts its own proposals; Bappeda, which assigns lead agencies, may draft one for an agency
    (e.g. a programme replicated from another region) that the agency then completes and submits."""
    if not (has_perm(actor, Perm.PROPOSAL_EDIT, region, agency) or has_perm(actor, Perm.PROPOSAL_DECIDE, region)):
        raise NotAllowed(_(NOT_PERMITTED))


def _validated(obj: Any) -> Any:
    """full_clean() with Django's errors turned into the room's error."""
    try:
        obj.full_clean()
    except ValidationError as error:
        raise PlanningError("; ".join(error.messages)) from error
    return obj


# --- rounds -------------------------------------------------------------------------------------


@transaction.atomic
def round_open(
    *,
    region: Region,
    year: int,
    title: str,
    deadline: dt.date,
    description: str = "",
    elements: list[Element] | None = None,
    opened_by: Agency,
    actor: User,
) -> PlanningRound:
    """Open a round and invite every active agency of the region."""
    _require(actor, Perm.ROUND_MANAGE, region)
    if deadline < timezone.localdate(timezone=zoneinfo.ZoneInfo(region.time_zone)):
        raise PlanningError(_(ROUND_DEADLINE_IN_PAST), field="deadline")
    if opened_by.region_id != region.pk:
        raise PlanningError(_(AGENCY_OUTSIDE_REGION), field="opened_by")
    allowed = set(Element.objects.for_region(region).values_list("pk", flat=True))
    if any(e.pk not in allowed for e in elements or []):
        raise PlanningError(_(ELEMENT_OUTSIDE_REGION), field="elements")
    planning_round = _validated(
        PlanningRound(
            region=region, year=year, title=title, deadline=deadline, description=description, opened_by=opened_by
        )
    )
    planning_round.save()
    planning_round.elements.set(elements or [])
    agencies = Agency.objects.for_region(region).filter(is_active=True)
    Invitation.objects.bulk_create([Invitation(region=region, round=planning_round, agency=a) for a in agencies])
    after = {"year": year, "deadline": deadline.isoformat(), "invited": agencies.count()}
    audit.record(actor=actor, action=AuditAction.ROUND_OPENED, target=planning_round, region=region, after=after)
    return planning_round


@transaction.atomic
def round_close(*, planning_round: PlanningRound, actor: User) -> PlanningRound:
    _require(actor, Perm.ROUND_MANAGE, planning_round.region)
    if (
        PlanningRound.objects.filter(pk=planning_round.pk, status=RoundStatus.OPEN).update(status=RoundStatus.CLOSED)
        != 1
    ):
        raise Conflict(_(ROUND_CLOSED))
    planning_round.status = RoundStatus.CLOSED
    audit.record(
        actor=actor,
        action=AuditAction.ROUND_CLOSED,
        target=planning_round,
        region=planning_round.region,
        before={"status": RoundStatus.OPEN},
        after={"status": RoundStatus.CLOSED},
    )
    return planning_round


@transaction.atomic
def round_extend(*, planning_round: PlanningRound, deadline: dt.date, actor: User) -> PlanningRound:
    """Move the deadline of an open round (not into the past)."""
    region = planning_round.region
    _require(actor, Perm.ROUND_MANAGE, region)
    if deadline < timezone.localdate(timezone=zoneinfo.ZoneInfo(region.time_zone)):
        raise PlanningError(_(ROUND_DEADLINE_IN_PAST), field="deadline")
    before = {"deadline": planning_round.deadline.isoformat()}
    still_open = PlanningRound.objects.filter(pk=planning_round.pk, status=RoundStatus.OPEN)
    if still_open.update(deadline=deadline, updated_at=timezone.now()) != 1:
        raise Conflict(_(ROUND_CLOSED))
    planning_round.deadline = deadline
    audit.record(
        actor=actor,
        action=AuditAction.ROUND_EXTENDED,
        target=planning_round,
        region=region,
        before=before,
        after={"deadline": deadline.isoformat()},
    )
    return planning_round


def _deadline_passed(planning_round: PlanningRound) -> bool:
    today = timezone.localdate(timezone=zoneinfo.ZoneInfo(planning_round.region.time_zone))
    return today > planning_round.deadline


def _mark_answered(planning_round: PlanningRound, agency: Agency, status: str, actor: User) -> Invitation:
    invitation, _created = Invitation.objects.get_or_create(
        round=planning_round, agency=agency, defaults={"region": planning_round.region}
    )
    if invitation.status == status:
        return invitation
    before = {"status": invitation.status}
    invitation.status = status
    invitation.answered_at = timezone.now()
    invitation.save(update_fields=["status", "answered_at", "updated_at"])
    audit.record(
        actor=actor,
        action=AuditAction.INVITATION_ANSWERED,
        target=invitation,
        region=planning_round.region,
        before=before,
        after={"status": status},
    )
    return invitation


@transaction.atomic
def invitation_answer_nothing(*, planning_round: PlanningRound, agency: Agency, actor: User) -> Invitation:
    """The agency says it has nothing to propose in this round."""
    _require(actor, Perm.PROPOSAL_EDIT, planning_round.region, agency)
    if planning_round.status != RoundStatus.OPEN:
        raise PlanningError(_(ROUND_CLOSED))
    if Proposal.objects.filter(round=planning_round, agency=agency).exclude(status=ProposalStatus.DRAFT).exists():
        raise PlanningError(_(ALREADY_ANSWERED))
    return _mark_answered(planning_round, agency, InvitationStatus.NOTHING, actor)


# --- proposals ----------------------------------------------------------------------------------


@dataclass
class ProposalData:
    """What an agency fills in for a proposal."""

    title: str
    description: str
    dimension: Dimension
    horizon: str
    beneficiaries: str
    funding_source: str
    elements: list[Element] = field(default_factory=list)
    areas: list[Area] = field(default_factory=list)
    beneficiary_count: int | None = None
    budget: int = 0
    partners: str = ""
    needs_digitalisation: bool = False
    digitalisation_needs: str = ""

    SCALARS = (
        "title",
        "description",
        "dimension",
        "horizon",
        "beneficiaries",
        "beneficiary_count",
        "budget",
        "funding_source",
        "partners",
        "needs_digitalisation",
        "digitalisation_needs",
    )

    def scalars(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in self.SCALARS}


def _check_proposal_data(region: Region, data: ProposalData) -> None:
    allowed = set(Element.objects.for_region(region).filter(dimension=data.dimension).values_list("pk", flat=True))
    if not data.elements or any(e.pk not in allowed for e in data.elements):
        raise PlanningError(_(ELEMENT_OUTSIDE_DIMENSION), field="elements")
    if any(a.region_id != region.pk or a.level > AreaLevel.VILLAGE for a in data.areas):
        raise PlanningError(_(AREA_OUTSIDE_REGION), field="areas")
    if data.needs_digitalisation and not data.digitalisation_needs.strip():
        raise PlanningError(_(DIGITALISATION_NEEDS_MISSING), field="digitalisation_needs")


@transaction.atomic
def proposal_create(*, planning_round: PlanningRound, agency: Agency, data: ProposalData, actor: User) -> Proposal:
    """Draft a proposal of the agency in an open round: by the agency itself, or by Bappeda on its behalf."""
    region = planning_round.region
    _require_drafter(actor, region, agency)
    if planning_round.status != RoundStatus.OPEN:
        raise PlanningError(_(ROUND_CLOSED))
    _check_proposal_data(region, data)
    proposal = _validated(
        Proposal(region=region, round=planning_round, agency=agency, created_by=actor, **data.scalars())
    )
    proposal.save()
    proposal.elements.set(data.elements)
    proposal.areas.set(data.areas)
    audit.record(
        actor=actor, action=AuditAction.PROPOSAL_CREATED, target=proposal, region=region, after={"title": data.title}
    )
    return proposal


@transaction.atomic
def proposal_update(*, proposal: Proposal, data: ProposalData, actor: User) -> Proposal:
    """Edit a draft or returned proposal; a submitted one is frozen."""
    _require(actor, Perm.PROPOSAL_EDIT, proposal.region, proposal.agency)
    locked = Proposal.objects.select_for_update().get(pk=proposal.pk)
    if not locked.is_editable:
        raise PlanningError(_(PROPOSAL_FROZEN))
    _check_proposal_data(proposal.region, data)
    before = _proposal_snapshot(locked)
    for name, value in data.scalars().items():
        setattr(locked, name, value)
    _validated(locked).save()
    locked.elements.set(data.elements)
    locked.areas.set(data.areas)
    after = _proposal_snapshot(locked)
    changed = {k: v for k, v in after.items() if before[k] != v}
    if not changed:
        return locked
    audit.record(
        actor=actor,
        action=AuditAction.PROPOSAL_UPDATED,
        target=locked,
        region=locked.region,
        before={k: before[k] for k in changed},
        after=changed,
    )
    return locked


def _plain(value: Any) -> Any:
    return value.pk if hasattr(value, "pk") else value


def _proposal_snapshot(proposal: Proposal) -> dict[str, Any]:
    """The editable content of a proposal, for the audit's before and after."""
    snapshot = {name: _plain(getattr(proposal, name)) for name in ProposalData.SCALARS}
    snapshot["elements"] = sorted(proposal.elements.values_list("code", flat=True))
    snapshot["areas"] = sorted(proposal.areas.values_list("pk", flat=True))
    return snapshot


@transaction.atomic
def proposal_submit(*, proposal: Proposal, actor: User) -> Proposal:
    """Send the proposal to Bappeda; the round must be open and, for a first submission, within its deadline."""
    PROPOSAL.check_permission(obj=proposal, action="submit", actor=actor)
    planning_round = proposal.round
    if planning_round.status != RoundStatus.OPEN:
        raise PlanningError(_(ROUND_CLOSED))
    if proposal.status == ProposalStatus.DRAFT and _deadline_passed(planning_round):
        raise PlanningError(_(ROUND_DEADLINE_PASSED))
    PROPOSAL.apply(obj=proposal, action="submit", actor=actor, changes={"submitted_at": timezone.now()})
    _mark_answered(planning_round, proposal.agency, InvitationStatus.ANSWERED, actor)
    return proposal


@transaction.atomic
def proposal_start_review(*, proposal: Proposal, actor: User) -> Proposal:
    return PROPOSAL.apply(obj=proposal, action="start_review", actor=actor)


@transaction.atomic
def proposal_return(*, proposal: Proposal, reason: str, actor: User) -> Proposal:
    """Send the proposal back to its agency with the reasons to revise."""
    return PROPOSAL.apply(obj=proposal, action="return", actor=actor, note=reason, changes={"review_note": reason})


def _decision(reason: str, actor: User) -> dict[str, Any]:
    return {"decision_reason": reason, "decided_at": timezone.now(), "decided_by": actor}


@transaction.atomic
def proposal_reject(*, proposal: Proposal, reason: str, actor: User) -> Proposal:
    return PROPOSAL.apply(obj=proposal, action="reject", actor=actor, note=reason, changes=_decision(reason, actor))


@transaction.atomic
def proposal_merge(*, proposal: Proposal, into: Proposal, reason: str, actor: User) -> Proposal:
    """Fold this proposal into another of the same round (e.g. two agencies proposing the same thing)."""
    PROPOSAL.check_permission(obj=proposal, action="merge", actor=actor)
    mergeable = {ProposalStatus.SUBMITTED, ProposalStatus.UNDER_REVIEW, ProposalStatus.ACCEPTED}
    if into.pk == proposal.pk or into.round_id != proposal.round_id or into.status not in mergeable:
        raise PlanningError(_(MERGE_TARGET_INVALID), field="into")
    changes = {**_decision(reason, actor), "merged_into": into}
    return PROPOSAL.apply(obj=proposal, action="merge", actor=actor, note=reason, changes=changes)


@dataclass
class Assignment:
    """Bappeda's assignment: who leads, who supports and with what, and where it sits in the masterplan."""

    lead: Agency
    supporters: list[tuple[Agency, str]] = field(default_factory=list)
    masterplan: Masterplan | None = None
    quick_win_year: int | None = None


def _check_assignment(region: Region, assignment: Assignment) -> None:
    agencies = [assignment.lead, *(agency for agency, _role in assignment.supporters)]
    if any(agency.region_id != region.pk for agency in agencies):
        raise PlanningError(_(AGENCY_OUTSIDE_REGION), field="lead")
    supporters = [agency.pk for agency, _role in assignment.supporters]
    if assignment.lead.pk in supporters:
        raise PlanningError(_(LEAD_NOT_SUPPORTING), field="supporters")
    if len(set(supporters)) != len(supporters):
        raise PlanningError(_(SUPPORTER_TWICE), field="supporters")
    if assignment.masterplan is not None and assignment.masterplan.region_id != region.pk:
        raise PlanningError(_(MASTERPLAN_OUTSIDE_REGION), field="masterplan")


@transaction.atomic
def proposal_accept(*, proposal: Proposal, assignment: Assignment, reason: str = "", actor: User) -> Programme:
    """Accept: record the decision, turn the proposal into a programme, assign agencies, request an app if needed."""
    PROPOSAL.check_permission(obj=proposal, action="accept", actor=actor)
    _check_assignment(proposal.region, assignment)
    PROPOSAL.apply(obj=proposal, action="accept", actor=actor, note=reason, changes=_decision(reason, actor))
    programme = _programme_from(proposal, assignment)
    _set_supporters(programme, assignment.supporters)
    audit.record(
        actor=actor,
        action=AuditAction.PROGRAMME_CREATED,
        target=programme,
        region=programme.region,
        after={"lead": assignment.lead.slug, "supporters": [a.slug for a, _r in assignment.supporters]},
    )
    if proposal.needs_digitalisation:
        digitalisation_request(programme=programme, needs=proposal.digitalisation_needs, actor=actor)
    return programme


def _programme_from(proposal: Proposal, assignment: Assignment) -> Programme:
    programme = Programme(
        region=proposal.region,
        title=proposal.title,
        description=proposal.description,
        dimension=proposal.dimension,
        horizon=proposal.horizon,
        quick_win_year=assignment.quick_win_year,
        lead_agency=assignment.lead,
        masterplan=assignment.masterplan,
        budget=proposal.budget,
        funding_source=proposal.funding_source,
        partners=proposal.partners,
        beneficiaries=proposal.beneficiaries,
        origin=proposal,
    )
    _validated(programme).save()
    programme.elements.set(proposal.elements.all())
    programme.areas.set(proposal.areas.all())
    return programme


def _set_supporters(programme: Programme, supporters: list[tuple[Agency, str]]) -> None:
    SupportingAgency.objects.filter(programme=programme).delete()
    SupportingAgency.objects.bulk_create(
        [SupportingAgency(region=programme.region, programme=programme, agency=a, role=role) for a, role in supporters]
    )


@transaction.atomic
def proposal_publish_decision(*, proposal: Proposal, actor: User) -> Proposal:
    """Make a recorded decision visible to the agency (and, for an accepted one, publish its programme)."""
    _require(actor, Perm.PROPOSAL_DECIDE, proposal.region)
    if not proposal.is_decided:
        raise PlanningError(_(NOT_DECIDED))
    now = timezone.now()
    if (
        Proposal.objects.filter(pk=proposal.pk, decision_published_at__isnull=True).update(decision_published_at=now)
        != 1
    ):
        raise Conflict(_(ALREADY_PUBLISHED))
    proposal.decision_published_at = now
    audit.record(
        actor=actor,
        action=AuditAction.DECISION_PUBLISHED,
        target=proposal,
        region=proposal.region,
        after={"status": proposal.status},
    )
    programme = Programme.objects.filter(origin=proposal).first()
    if programme is not None and not programme.is_published:
        programme_publish(programme=programme, actor=actor)
    return proposal


@transaction.atomic
def round_publish_decisions(*, planning_round: PlanningRound, actor: User) -> int:
    """Publish every decided but unpublished proposal of the round; returns how many."""
    _require(actor, Perm.PROPOSAL_DECIDE, planning_round.region)
    pending = Proposal.objects.filter(round=planning_round, status__in=DECIDED, decision_published_at__isnull=True)
    count = 0
    for proposal in pending.select_related("region"):
        proposal_publish_decision(proposal=proposal, actor=actor)
        count += 1
    return count


# --- programmes ---------------------------------------------------------------------------------


@transaction.atomic
def programme_publish(*, programme: Programme, actor: User) -> Programme:
    _require(actor, Perm.PROGRAMME_MANAGE, programme.region)
    unpublished = Programme.objects.filter(pk=programme.pk, is_published=False)
    if unpublished.update(is_published=True, updated_at=timezone.now()) != 1:
        raise Conflict(_(PROGRAMME_ALREADY_PUBLISHED))
    programme.is_published = True
    audit.record(actor=actor, action=AuditAction.PROGRAMME_PUBLISHED, target=programme, region=programme.region)
    return programme


@transaction.atomic
def programme_transition(*, programme: Programme, action: str, actor: User, note: str = "") -> Programme:
    """Start, complete, suspend, resume or cancel a programme."""
    return PROGRAMME.apply(obj=programme, action=action, actor=actor, note=note)


@transaction.atomic
def programme_assign(*, programme: Programme, assignment: Assignment, actor: User) -> Programme:
    """Bappeda changes who leads and supports a programme, or its place in the masterplan."""
    _require(actor, Perm.PROGRAMME_MANAGE, programme.region)
    _check_assignment(programme.region, assignment)
    current = Programme.objects.select_for_update().select_related("lead_agency").get(pk=programme.pk)
    before = {
        "lead": current.lead_agency.slug,
        "supporters": sorted(s.agency.slug for s in current.supporters.select_related("agency")),
        "masterplan": current.masterplan_id,
        "quick_win_year": current.quick_win_year,
    }
    # Only the assignment's columns change: a status set meanwhile by the lead agency stays.
    Programme.objects.filter(pk=programme.pk).update(
        lead_agency=assignment.lead,
        masterplan=assignment.masterplan,
        quick_win_year=assignment.quick_win_year,
        updated_at=timezone.now(),
    )
    programme.refresh_from_db()
    _set_supporters(programme, assignment.supporters)
    after = {
        "lead": assignment.lead.slug,
        "supporters": sorted(a.slug for a, _r in assignment.supporters),
        "masterplan": programme.masterplan_id,
        "quick_win_year": programme.quick_win_year,
    }
    audit.record(
        actor=actor,
        action=AuditAction.PROGRAMME_ASSIGNED,
        target=programme,
        region=programme.region,
        before=before,
        after=after,
    )
    return programme


@transaction.atomic
def programme_add_child(
    *,
    parent: Programme,
    title: str,
    kind: str,
    lead_agency: Agency,
    description: str = "",
    weight: int | None = None,
    budget: int = 0,
    actor: User,
) -> Programme:
    """Add a sub-programme or activity under a programme (by Bappeda or the parent's lead agency)."""
    region = parent.region
    if not (
        has_perm(actor, Perm.PROGRAMME_MANAGE, region)
        or has_perm(actor, Perm.PROGRAMME_RUN, region, parent.lead_agency)
    ):
        raise NotAllowed(_(NOT_PERMITTED))
    if kind not in (ProgrammeKind.SUB_PROGRAMME, ProgrammeKind.ACTIVITY):
        raise PlanningError(_(CHILD_KIND_INVALID), field="kind")
    if parent.kind == ProgrammeKind.ACTIVITY or (kind == ProgrammeKind.SUB_PROGRAMME and parent.parent_id):
        raise PlanningError(_(CHILD_OF_CHILD), field="kind")
    if lead_agency.region_id != region.pk:
        raise PlanningError(_(AGENCY_OUTSIDE_REGION), field="lead_agency")
    child = Programme(
        region=region,
        parent=parent,
        title=title,
        description=description,
        kind=kind,
        dimension=parent.dimension,
        horizon=parent.horizon,
        lead_agency=lead_agency,
        masterplan=parent.masterplan,
        funding_source=parent.funding_source,
        budget=budget,
        weight=weight,
        is_published=parent.is_published,
    )
    _validated(child).save()
    child.elements.set(parent.elements.all())
    audit.record(
        actor=actor,
        action=AuditAction.PROGRAMME_CREATED,
        target=child,
        region=region,
        after={"parent": parent.pk, "kind": kind, "lead": lead_agency.slug},
    )
    return child


# --- masterplan ---------------------------------------------------------------------------------


MASTERPLAN_FIELDS = ("title", "version", "period_start", "period_end", "vision", "mission", "legal_basis", "is_current")


@transaction.atomic
def masterplan_save(*, region: Region, actor: User, masterplan: Masterplan | None = None, **fields: Any) -> Masterplan:
    """Create or edit a masterplan; making one current retires the region's other current one."""
    _require(actor, Perm.MASTERPLAN_MANAGE, region)
    unknown = set(fields) - set(MASTERPLAN_FIELDS)
    if unknown:
        raise ValueError(f"not a masterplan field: {sorted(unknown)}")
    if masterplan is not None and masterplan.region_id != region.pk:
        raise NotAllowed(_(MASTERPLAN_OUTSIDE_REGION))
    if fields.get("is_current"):
        others = Masterplan.objects.for_region(region).filter(is_current=True)
        if masterplan is not None:
            others = others.exclude(pk=masterplan.pk)
        others.update(is_current=False)
    creating = masterplan is None
    target = masterplan or Masterplan(region=region)
    before = {} if creating else {name: getattr(target, name) for name in fields}
    for name, value in fields.items():
        setattr(target, name, value)
    _validated(target).save()
    action = AuditAction.MASTERPLAN_CREATED if creating else AuditAction.MASTERPLAN_UPDATED
    audit.record(actor=actor, action=action, target=target, region=region, before=before or None, after=fields)
    return target


# --- digitalisation -----------------------------------------------------------------------------


@transaction.atomic
def digitalisation_request(*, programme: Programme, needs: str, actor: User) -> DigitalisationRequest:
    """Ask Diskominfo for the application a programme needs (Bappeda, or the programme's lead agency)."""
    region = programme.region
    if not (
        has_perm(actor, Perm.PROGRAMME_MANAGE, region)
        or has_perm(actor, Perm.PROGRAMME_RUN, region, programme.lead_agency)
    ):
        raise NotAllowed(_(NOT_PERMITTED))
    if not needs.strip():
        raise PlanningError(_(DIGITALISATION_NEEDS_MISSING), field="needs")
    request = _validated(DigitalisationRequest(region=programme.region, programme=programme, needs=needs))
    request.save()
    audit.record(
        actor=actor,
        action=AuditAction.DIGITALISATION_REQUESTED,
        target=request,
        region=programme.region,
        after={"programme": programme.pk},
    )
    return request


@transaction.atomic
def digitalisation_transition(
    *, request: DigitalisationRequest, action: str, actor: User, note: str = "", app_name: str = "", app_url: str = ""
) -> DigitalisationRequest:
    """Analyse, develop, put live (with the app's name and address) or retire an application."""
    DIGITALISATION.check_permission(obj=request, action=action, actor=actor)
    changes: dict[str, Any] = {}
    if action == "analyse":
        changes["analysis"] = note
    if action == "go_live":
        if not app_name.strip() or not app_url.strip():
            raise PlanningError(_(APP_DETAILS_MISSING), field="app_name")
        if len(app_name.strip()) > 200 or len(app_url.strip()) > 200:
            raise PlanningError(_(TEXT_TOO_LONG), field="app_url")
        try:
            URLValidator(schemes=["http", "https"])(app_url.strip())
        except ValidationError as error:
            raise PlanningError(_(APP_URL_INVALID), field="app_url") from error
        changes.update(app_name=app_name.strip(), app_url=app_url.strip(), live_at=timezone.now())
    return DIGITALISATION.apply(obj=request, action=action, actor=actor, note=note, changes=changes)
