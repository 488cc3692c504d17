"""Pages of the programme cycle. Thin: each reads through selectors and writes through one service."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from kotacerdas.accounts.roles import Perm
from kotacerdas.accounts.selectors import agencies_user_acts_for, has_perm
from kotacerdas.core.edges import attempt
from kotacerdas.core.tenancy import region_page, require_perm
from kotacerdas.core.types import RegionRequest
from kotacerdas.framework.models import Dimension
from kotacerdas.planning import forms as planning_forms
from kotacerdas.planning import selectors, services
from kotacerdas.planning.models import Masterplan, ProgrammeStatus, Proposal, RoundStatus
from kotacerdas.planning.workflow import DIGITALISATION, PROGRAMME, PROPOSAL
from kotacerdas.regions.models import Region

VIEW = Perm.REGION_VIEW_INTERNAL


def _proposing_agencies(request: RegionRequest, region: Region) -> list[Any]:
    return [
        a for a in agencies_user_acts_for(request.user, region) if has_perm(request.user, Perm.PROPOSAL_EDIT, region, a)
    ]


# --- rounds -------------------------------------------------------------------------------------


@region_page(perm=VIEW)
def planning_home(request: RegionRequest, region: Region) -> HttpResponse:
    context = {
        "rounds": selectors.rounds_of(region=region),
        "can_open": has_perm(request.user, Perm.ROUND_MANAGE, region),
        "my_proposals": selectors.proposals_visible_to(user=request.user, region=region)
        .filter(agency__in=agencies_user_acts_for(request.user, region))
        .select_related("round", "agency")[:20],
    }
    return render(request, "planning/planning_home.html", context)


@region_page(perm=Perm.ROUND_MANAGE)
def round_create(request: RegionRequest, region: Region) -> HttpResponse:
    form = planning_forms.RoundForm(request.POST or None, region=region)
    opener = next(iter(agencies_user_acts_for(request.user, region)), None)
    if request.method == "POST" and form.is_valid() and opener is not None:
        d = form.cleaned_data
        planning_round = attempt(
            request,
            form,
            lambda: services.round_open(
                region=region,
                year=d["year"],
                title=d["title"].strip(),
                deadline=d["deadline"],
                description=d["description"].strip(),
                elements=list(d["elements"]),
                opened_by=opener,
                actor=request.user,
            ),
        )
        if planning_round is not None:
            messages.success(request, _("The round is open and every agency is invited."))
            return redirect("planning:round", region_slug=region.slug, round_id=planning_round.pk)
    return render(request, "planning/round_form.html", {"form": form})


@region_page(perm=VIEW)
def round_detail(request: RegionRequest, region: Region, round_id: int) -> HttpResponse:
    planning_round = selectors.get_round(region=region, pk=round_id)
    context = {
        "overview": selectors.round_overview(planning_round=planning_round, user=request.user),
        "can_manage": has_perm(request.user, Perm.ROUND_MANAGE, region),
        "can_decide": has_perm(request.user, Perm.PROPOSAL_DECIDE, region),
        "my_agencies": _proposing_agencies(request, region) if planning_round.status == RoundStatus.OPEN else [],
        "asked_elements": list(planning_round.elements.select_related("dimension")),
        "deadline_form": planning_forms.DeadlineForm(initial={"deadline": planning_round.deadline}),
    }
    return render(request, "planning/round_detail.html", context)


@require_POST
@region_page(perm=Perm.ROUND_MANAGE)
def round_close(request: RegionRequest, region: Region, round_id: int) -> HttpResponse:
    planning_round = selectors.get_round(region=region, pk=round_id)
    if attempt(request, None, lambda: services.round_close(planning_round=planning_round, actor=request.user)):
        messages.success(request, _("The round is closed."))
    return redirect("planning:round", region_slug=region.slug, round_id=round_id)


@require_POST
@region_page(perm=Perm.ROUND_MANAGE)
def round_extend(request: RegionRequest, region: Region, round_id: int) -> HttpResponse:
    planning_round = selectors.get_round(region=region, pk=round_id)
    form = planning_forms.DeadlineForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give the new deadline as a date."))
    else:
        deadline = form.cleaned_data["deadline"]
        call = lambda: services.round_extend(planning_round=planning_round, deadline=deadline, actor=request.user)  # noqa: E731
        if attempt(request, None, call) is not None:
            messages.success(request, _("The deadline was changed."))
    return redirect("planning:round", region_slug=region.slug, round_id=round_id)


@require_POST
@region_page(perm=Perm.PROPOSAL_DECIDE)
def round_publish(request: RegionRequest, region: Region, round_id: int) -> HttpResponse:
    planning_round = selectors.get_round(region=region, pk=round_id)
    count = attempt(
        request, None, lambda: services.round_publish_decisions(planning_round=planning_round, actor=request.user)
    )
    if count is not None:
        text = ngettext("%(count)d decision published.", "%(count)d decisions published.", count)
        messages.success(request, text % {"count": count})
    return redirect("planning:round", region_slug=region.slug, round_id=round_id)


@require_POST
@region_page(perm=VIEW)
def round_answer_nothing(request: RegionRequest, region: Region, round_id: int) -> HttpResponse:
    planning_round = selectors.get_round(region=region, pk=round_id)
    agency = _chosen_agency(request, region)
    done = attempt(
        request,
        None,
        lambda: (
            services.invitation_answer_nothing(planning_round=planning_round, agency=agency, actor=request.user) or True
        ),
    )
    if done:
        messages.success(request, _("Recorded: %(agency)s has nothing to propose in this round.") % {"agency": agency})
    return redirect("planning:round", region_slug=region.slug, round_id=round_id)


def _chosen_agency(request: RegionRequest, region: Region) -> Any:
    """The agency the user acts for, picked by `agency` (slug) when they act for several."""
    agencies = _proposing_agencies(request, region)
    wanted = request.POST.get("agency") or request.GET.get("agency")
    chosen = next((a for a in agencies if a.slug == wanted), agencies[0] if len(agencies) == 1 else None)
    if chosen is None:
        require_perm(request, Perm.PROPOSAL_EDIT, agency=None)  # raises 403 for a user without an agency
        raise Http404
    return chosen


# --- proposals ----------------------------------------------------------------------------------


@region_page(perm=VIEW)
def proposal_create(request: RegionRequest, region: Region, round_id: int) -> HttpResponse:
    planning_round = selectors.get_round(region=region, pk=round_id)
    agency = _chosen_agency(request, region)
    form = planning_forms.ProposalForm(request.POST or None, region=region)
    if request.method == "POST" and form.is_valid():
        data = form.to_data()
        call = lambda: services.proposal_create(  # noqa: E731
            planning_round=planning_round, agency=agency, data=data, actor=request.user
        )
        proposal = attempt(request, form, call)
        if proposal is not None:
            messages.success(request, _("Draft saved. Submit it to Bappeda when it is complete."))
            return redirect("planning:proposal", region_slug=region.slug, proposal_id=proposal.pk)
    context = {"form": form, "planning_round": planning_round, "agency": agency}
    return render(request, "planning/proposal_form.html", context)


@region_page(perm=VIEW)
def proposal_edit(request: RegionRequest, region: Region, proposal_id: int) -> HttpResponse:
    proposal = selectors.get_proposal(user=request.user, region=region, pk=proposal_id)
    require_perm(request, Perm.PROPOSAL_EDIT, agency=proposal.agency)
    initial = planning_forms.ProposalForm.initial_from(proposal)
    form = planning_forms.ProposalForm(request.POST or None, region=region, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.to_data()
        if attempt(request, form, lambda: services.proposal_update(proposal=proposal, data=data, actor=request.user)):
            messages.success(request, _("The proposal was saved."))
            return redirect("planning:proposal", region_slug=region.slug, proposal_id=proposal.pk)
    context = {"form": form, "planning_round": proposal.round, "agency": proposal.agency, "proposal": proposal}
    return render(request, "planning/proposal_form.html", context)


@region_page(perm=VIEW)
def proposal_detail(request: RegionRequest, region: Region, proposal_id: int) -> HttpResponse:
    proposal = selectors.get_proposal(user=request.user, region=region, pk=proposal_id)
    user = request.user
    context = {
        "proposal": proposal,
        "elements": list(proposal.elements.select_related("dimension")),
        "areas": list(proposal.areas.all()),
        "shown_status": selectors.shown_status(proposal=proposal, user=user),
        "decision_visible": selectors.decision_visible(proposal=proposal, user=user),
        "history": selectors.proposal_history(proposal=proposal, user=user),
        "actions": PROPOSAL.allowed_actions(obj=proposal, user=user),
        "can_edit": proposal.is_editable and has_perm(user, Perm.PROPOSAL_EDIT, region, proposal.agency),
        "can_publish": proposal.is_decided
        and proposal.decision_published_at is None
        and has_perm(user, Perm.PROPOSAL_DECIDE, region),
        "programme": getattr(proposal, "programme", None) if proposal.status == "accepted" else None,
        "reason_form": planning_forms.ReasonForm(),
        "merge_form": planning_forms.MergeForm(proposal=proposal),
    }
    return render(request, "planning/proposal_detail.html", context)


def _proposal_action_call(action: str, proposal: Proposal, request: RegionRequest) -> Callable[[], Any] | None:
    actor, post = request.user, request.POST
    if action == "submit":
        return lambda: services.proposal_submit(proposal=proposal, actor=actor)
    if action == "start_review":
        return lambda: services.proposal_start_review(proposal=proposal, actor=actor)
    if action == "return":
        return lambda: services.proposal_return(proposal=proposal, reason=post.get("note", "").strip(), actor=actor)
    if action == "reject":
        return lambda: services.proposal_reject(proposal=proposal, reason=post.get("note", "").strip(), actor=actor)
    if action == "publish":
        return lambda: services.proposal_publish_decision(proposal=proposal, actor=actor)
    return None


@require_POST
@region_page(perm=VIEW)
def proposal_act(request: RegionRequest, region: Region, proposal_id: int, action: str) -> HttpResponse:
    proposal = selectors.get_proposal(user=request.user, region=region, pk=proposal_id)
    if action == "merge":
        return _proposal_merge(request, region, proposal)
    call = _proposal_action_call(action, proposal, request)
    if call is None:
        raise Http404
    if attempt(request, None, call) is not None:
        messages.success(request, _("Done: %(status)s.") % {"status": proposal.get_status_display()})
    return redirect("planning:proposal", region_slug=region.slug, proposal_id=proposal.pk)


def _proposal_merge(request: RegionRequest, region: Region, proposal: Proposal) -> HttpResponse:
    form = planning_forms.MergeForm(request.POST, proposal=proposal)
    if form.is_valid():
        d = form.cleaned_data
        call = lambda: services.proposal_merge(  # noqa: E731
            proposal=proposal, into=d["into"], reason=d["note"].strip(), actor=request.user
        )
        if attempt(request, None, call) is not None:
            messages.success(request, _("The proposal was merged."))
    else:
        messages.error(request, _("Choose the proposal to merge into and give a reason."))
    return redirect("planning:proposal", region_slug=region.slug, proposal_id=proposal.pk)


@region_page(perm=Perm.PROPOSAL_DECIDE)
def proposal_accept(request: RegionRequest, region: Region, proposal_id: int) -> HttpResponse:
    proposal = selectors.get_proposal(user=request.user, region=region, pk=proposal_id)
    initial = {"lead": proposal.agency, "masterplan": selectors.current_masterplan(region=region)}
    form = planning_forms.AssignmentForm(request.POST or None, region=region, initial=initial)
    if request.method == "POST" and form.is_valid():
        assignment, note = form.to_assignment(), form.cleaned_data["note"].strip()
        call = lambda: services.proposal_accept(  # noqa: E731
            proposal=proposal, assignment=assignment, reason=note, actor=request.user
        )
        programme = attempt(request, form, call)
        if programme is not None:
            messages.success(request, _("Accepted. The decision is recorded; publish it to tell the agency."))
            return redirect("planning:proposal", region_slug=region.slug, proposal_id=proposal.pk)
    return render(request, "planning/assignment_form.html", {"form": form, "proposal": proposal})


# --- programmes ---------------------------------------------------------------------------------


@region_page(perm=VIEW)
def programme_list(request: RegionRequest, region: Region) -> HttpResponse:
    dimension = request.GET.get("dimension", "")
    status = request.GET.get("status", "")
    status = status if status in ProgrammeStatus.values else ""
    published_only = not selectors.sees_all(request.user, region)
    programmes = selectors.programme_list(
        region=region, dimension=dimension[:40], status=status, published_only=published_only
    )
    context = {
        "programmes": programmes[: selectors.PAGE_SIZE * 4],
        "dimensions": Dimension.objects.all(),
        "statuses": ProgrammeStatus.choices,
        "dimension": dimension,
        "status": status,
    }
    return render(request, "planning/programme_list.html", context)


@region_page(perm=VIEW)
def programme_detail(request: RegionRequest, region: Region, programme_id: int) -> HttpResponse:
    programme = selectors.get_programme(region=region, pk=programme_id, user=request.user)
    user = request.user
    context = {
        "programme": programme,
        "actions": PROGRAMME.allowed_actions(obj=programme, user=user),
        "can_assign": has_perm(user, Perm.PROGRAMME_MANAGE, region),
        "can_add_child": has_perm(user, Perm.PROGRAMME_MANAGE, region)
        or has_perm(user, Perm.PROGRAMME_RUN, region, programme.lead_agency),
        "note_form": planning_forms.OptionalNoteForm(),
    }
    return render(request, "planning/programme_detail.html", context)


@require_POST
@region_page(perm=VIEW)
def programme_act(request: RegionRequest, region: Region, programme_id: int, action: str) -> HttpResponse:
    programme = selectors.get_programme(region=region, pk=programme_id, user=request.user)
    if action not in PROGRAMME.transitions:
        raise Http404
    note = request.POST.get("note", "").strip()[:2000]
    call = lambda: services.programme_transition(  # noqa: E731
        programme=programme, action=action, actor=request.user, note=note
    )
    if attempt(request, None, call) is not None:
        messages.success(request, _("Programme status: %(status)s.") % {"status": programme.get_status_display()})
    return redirect("planning:programme", region_slug=region.slug, programme_id=programme.pk)


@region_page(perm=Perm.PROGRAMME_MANAGE)
def programme_assign(request: RegionRequest, region: Region, programme_id: int) -> HttpResponse:
    programme = selectors.get_programme(region=region, pk=programme_id, user=request.user)
    initial = {
        "lead": programme.lead_agency,
        "masterplan": programme.masterplan,
        "quick_win_year": programme.quick_win_year,
        "supporters": {s.agency_id: s.role for s in programme.supporters.all()},
    }
    form = planning_forms.AssignmentForm(request.POST or None, region=region, initial=initial)
    if request.method == "POST" and form.is_valid():
        assignment = form.to_assignment()
        call = lambda: services.programme_assign(programme=programme, assignment=assignment, actor=request.user)  # noqa: E731
        if attempt(request, form, call) is not None:
            messages.success(request, _("The assignment was saved."))
            return redirect("planning:programme", region_slug=region.slug, programme_id=programme.pk)
    return render(request, "planning/assignment_form.html", {"form": form, "programme": programme})


@region_page(perm=VIEW)
def programme_add_child(request: RegionRequest, region: Region, programme_id: int) -> HttpResponse:
    parent = selectors.get_programme(region=region, pk=programme_id, user=request.user)
    form = planning_forms.ChildForm(request.POST or None, region=region, initial={"lead_agency": parent.lead_agency})
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        call = lambda: services.programme_add_child(parent=parent, actor=request.user, **d)  # noqa: E731
        child = attempt(request, form, call)
        if child is not None:
            return redirect("planning:programme", region_slug=region.slug, programme_id=child.pk)
    elif request.method == "GET" and not (
        has_perm(request.user, Perm.PROGRAMME_MANAGE, region)
        or has_perm(request.user, Perm.PROGRAMME_RUN, region, parent.lead_agency)
    ):
        require_perm(request, Perm.PROGRAMME_MANAGE)
    return render(request, "planning/child_form.html", {"form": form, "parent": parent})


# --- masterplans --------------------------------------------------------------------------------


@region_page(perm=VIEW)
def masterplan_list(request: RegionRequest, region: Region) -> HttpResponse:
    context = {
        "masterplans": Masterplan.objects.for_region(region),
        "can_manage": has_perm(request.user, Perm.MASTERPLAN_MANAGE, region),
    }
    return render(request, "planning/masterplan_list.html", context)


@region_page(perm=VIEW)
def masterplan_detail(request: RegionRequest, region: Region, masterplan_id: int) -> HttpResponse:
    masterplan = selectors.get_masterplan(region=region, pk=masterplan_id)
    context = {
        "overview": selectors.masterplan_overview(masterplan=masterplan),
        "can_manage": has_perm(request.user, Perm.MASTERPLAN_MANAGE, region),
    }
    return render(request, "planning/masterplan_detail.html", context)


@region_page(perm=Perm.MASTERPLAN_MANAGE)
def masterplan_edit(request: RegionRequest, region: Region, masterplan_id: int | None = None) -> HttpResponse:
    masterplan = selectors.get_masterplan(region=region, pk=masterplan_id) if masterplan_id else None
    form = planning_forms.MasterplanForm(request.POST or None, instance=masterplan)
    if request.method == "POST" and form.is_valid():
        fields = {name: form.cleaned_data[name] for name in services.MASTERPLAN_FIELDS}
        call = lambda: services.masterplan_save(  # noqa: E731
            region=region, masterplan=masterplan, actor=request.user, **fields
        )
        saved = attempt(request, form, call)
        if saved is not None:
            return redirect("planning:masterplan", region_slug=region.slug, masterplan_id=saved.pk)
    return render(request, "planning/masterplan_form.html", {"form": form, "masterplan": masterplan})


# --- digitalisation -----------------------------------------------------------------------------


@region_page(perm=VIEW)
def digitalisation_backlog(request: RegionRequest, region: Region) -> HttpResponse:
    include_done = request.GET.get("all") == "1"
    items = selectors.digitalisation_backlog(region=region, include_done=include_done)
    return render(request, "planning/digitalisation_backlog.html", {"items": items, "include_done": include_done})


@region_page(perm=VIEW)
def digitalisation_detail(request: RegionRequest, region: Region, request_id: int) -> HttpResponse:
    item = selectors.get_digitalisation(region=region, pk=request_id)
    form = planning_forms.DigitalisationActionForm(request.POST or None)
    if request.method == "POST":
        action = request.POST.get("action", "")
        if action in DIGITALISATION.transitions and form.is_valid():
            d = form.cleaned_data
            call = lambda: services.digitalisation_transition(  # noqa: E731
                request=item,
                action=action,
                actor=request.user,
                note=d["note"].strip(),
                app_name=d["app_name"],
                app_url=d["app_url"],
            )
            if attempt(request, form, call) is not None:
                messages.success(request, _("Status: %(status)s.") % {"status": item.get_status_display()})
                return redirect("planning:digitalisation", region_slug=region.slug, request_id=item.pk)
        elif action not in DIGITALISATION.transitions:
            form.add_error(None, _("Unknown action."))
    context = {"item": item, "form": form, "actions": DIGITALISATION.allowed_actions(obj=item, user=request.user)}
    return render(request, "planning/digitalisation_detail.html", context)
