"""Monitoring pages: the dashboard, a programme's results, reports, periods, the evaluation."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.contrib import messages
from django.core.cache import cache
from django.db.models import Prefetch
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kotacerdas.accounts.roles import Perm
from kotacerdas.accounts.selectors import has_perm
from kotacerdas.core.edges import attempt
from kotacerdas.core.frame import framed
from kotacerdas.core.tenancy import region_page
from kotacerdas.core.types import RegionRequest
from kotacerdas.monitoring import documents, evidence, selectors, services
from kotacerdas.monitoring import forms as mforms
from kotacerdas.monitoring.models import (
    DEFAULT_STATUS_PERCENT,
    Evaluation,
    EvaluationScore,
    Indicator,
    Milestone,
    OpenDataPortal,
    Period,
    ProgressReport,
    Reminder,
    ReminderKind,
    ReportStatus,
    StatusPercent,
)
from kotacerdas.monitoring.workflow import REPORT
from kotacerdas.planning import selectors as planning
from kotacerdas.planning.models import Programme
from kotacerdas.regions.models import Region

VIEW = Perm.REGION_VIEW_INTERNAL


def _can_edit_programme(request: RegionRequest, programme: Programme) -> bool:
    region = programme.region
    return has_perm(request.user, Perm.INDICATOR_MANAGE, region) or has_perm(
        request.user, Perm.PROGRAMME_RUN, region, programme.lead_agency
    )


def _results_redirect(region: Region, programme: Programme) -> HttpResponse:
    return redirect("monitoring:results", region_slug=region.slug, programme_id=programme.pk)


# --- dashboard ----------------------------------------------------------------------------------


# The board's copy lives at most this long: bounds what its stamp does not cover (a renamed region slug, for one).
BOARD_SECONDS = 600


@region_page(perm=Perm.DASHBOARD_VIEW)
def dashboard(request: RegionRequest, region: Region) -> HttpResponse:
    """The board and the links (the same for every viewer with the same permissions) from the cache; the rest each time.

    The permissions are checked at every view: only the copy of the links that they choose is shared.
    """
    user = request.user
    can_approve = has_perm(user, Perm.REPORT_APPROVE, region)
    can_manage = has_perm(user, Perm.INDICATOR_MANAGE, region)
    context = {
        "region": region,
        "head": _head(region, can_manage=can_manage, can_publish=has_perm(user, services.PUBLISH_OPEN_DATA, region)),
        "board": _board(region),
        "waiting": selectors.reports_awaiting_approval(region=region) if can_approve else None,
    }
    content = render_to_string("monitoring/dashboard.html", context)
    return framed(request, content, title=_("Smart City dashboard"))


def _head(region: Region, *, can_manage: bool, can_publish: bool) -> SafeString:
    """The heading and links above the board, rendered once per region, language and pair of permissions."""
    # Ten URLs and translations, ~0.1 ms of CPU a view; nothing of the viewer's in it but the two permissions.
    key = f"kc:board-head:{region.pk}:{region.slug}:{get_language()}:{can_manage:d}{can_publish:d}"
    head: str | None = cache.get(key)
    if head is None:
        context = {"region": region, "can_manage": can_manage, "can_publish": can_publish}
        head = render_to_string("monitoring/_dashboard_head.html", context)
        cache.set(key, str(head), BOARD_SECONDS)
    return mark_safe(head)  # our own template wrote it, escaping as it went; the cache gives back plain text


def _board(region: Region) -> SafeString:
    """The dashboard's shared part as HTML, rendered once per region, language, month and stamp of its summaries.

    It is rendered from the region's data alone (no request, so no user, session or CSRF token): every viewer
    with the dashboard permission may see all of it, and what differs between viewers stays in the page around it.
    The stamp is read from the database, so a rebuild shows at once in every process, whatever the cache backend.
    """
    month = timezone.localdate().replace(day=1)  # the jimpitan card counts this month (in the region's time zone)
    stamp = selectors.board_stamp(region=region)
    if stamp is None:  # no summaries yet (nothing to key a copy on): rendered each time until the first rebuild
        return _render_board(region, month)
    key = f"kc:board:{region.pk}:{region.slug}:{get_language()}:{month:%Y-%m}:{stamp}"
    board: str | None = cache.get(key)
    if board is None:
        board = _render_board(region, month)
        cache.set(key, str(board), BOARD_SECONDS)
    return mark_safe(board)  # our own template wrote it, escaping as it went; the cache gives back plain text


def _render_board(region: Region, month: dt.date) -> SafeString:
    context = {"board": selectors.dashboard(region=region, month=month), "region": region}
    return render_to_string("monitoring/_board.html", context)


# --- a programme's results ----------------------------------------------------------------------


@region_page(perm=VIEW)
def programme_results(request: RegionRequest, region: Region, programme_id: int) -> HttpResponse:
    programme = planning.get_programme(region=region, pk=programme_id, user=request.user)
    results = selectors.programme_results(programme=programme)
    can_edit = _can_edit_programme(request, programme)
    periods = Period.objects.for_region(region)
    context = {
        "results": results,
        "can_edit": can_edit,
        "can_report": has_perm(request.user, Perm.PROGRAMME_RUN, region, programme.lead_agency),
        "indicator_form": mforms.IndicatorForm(),
        "target_form": mforms.TargetForm(indicators=Indicator.objects.filter(programme=programme), periods=periods),
        "milestone_form": mforms.MilestoneForm(),
        "to_report": _periods_to_report(results),
        "today": timezone.localdate(),
    }
    return render(request, "monitoring/programme_results.html", context)


def _periods_to_report(results: selectors.Results) -> list[tuple[Period, ProgressReport | None]]:
    """Open periods still to report: none yet, or a draft or returned report to continue."""
    reports = {r.period_id: r for r in results.reports}
    editable = (ReportStatus.DRAFT, ReportStatus.RETURNED)
    return [
        (period, reports.get(period.pk))
        for period in results.periods
        if not period.is_locked and (period.pk not in reports or reports[period.pk].status in editable)
    ]


@require_POST
@region_page(perm=VIEW)
def indicator_create(request: RegionRequest, region: Region, programme_id: int) -> HttpResponse:
    programme = planning.get_programme(region=region, pk=programme_id, user=request.user)
    form = mforms.IndicatorForm(request.POST)
    if form.is_valid():
        data = form.to_data()
        if attempt(
            request, None, lambda: services.indicator_create(programme=programme, data=data, actor=request.user)
        ):
            messages.success(request, _("The indicator was added."))
    else:
        messages.error(request, _("Check the indicator: %(errors)s") % {"errors": _errors(form)})
    return _results_redirect(region, programme)


def _errors(form: forms.BaseForm) -> str:
    """The form's errors in one line, for a message after a redirect."""
    parts = []
    for name, errors in form.errors.items():
        label = form.fields[name].label if name in form.fields else ""
        parts.append(f"{label}: {' '.join(str(e) for e in errors)}")
    return "; ".join(parts)


@require_POST
@region_page(perm=VIEW)
def target_set(request: RegionRequest, region: Region, programme_id: int) -> HttpResponse:
    programme = planning.get_programme(region=region, pk=programme_id, user=request.user)
    form = mforms.TargetForm(
        request.POST,
        indicators=Indicator.objects.filter(programme=programme),
        periods=Period.objects.for_region(region),
    )
    if form.is_valid():
        d = form.cleaned_data
        call = lambda: services.target_set(  # noqa: E731
            indicator=d["indicator"],
            period=d["period"],
            target=d["target"],
            target_text=d["target_text"],
            actor=request.user,
        )
        if attempt(request, None, call):
            messages.success(request, _("The target was saved."))
    else:
        messages.error(request, _("Check the target: %(errors)s") % {"errors": _errors(form)})
    return _results_redirect(region, programme)


@require_POST
@region_page(perm=VIEW)
def milestone_create(request: RegionRequest, region: Region, programme_id: int) -> HttpResponse:
    programme = planning.get_programme(region=region, pk=programme_id, user=request.user)
    form = mforms.MilestoneForm(request.POST)
    if form.is_valid():
        d = form.cleaned_data
        call = lambda: services.milestone_create(  # noqa: E731
            programme=programme, title=d["title"].strip(), planned_date=d["planned_date"], actor=request.user
        )
        if attempt(request, None, call):
            messages.success(request, _("The milestone was added."))
    else:
        messages.error(request, _("Check the milestone: %(errors)s") % {"errors": _errors(form)})
    return _results_redirect(region, programme)


@require_POST
@region_page(perm=VIEW)
def milestone_reach(request: RegionRequest, region: Region, milestone_id: int) -> HttpResponse:
    milestone = Milestone.objects.for_region(region).select_related("programme").filter(pk=milestone_id).first()
    if milestone is None:
        raise Http404
    programme = planning.get_programme(region=region, pk=milestone.programme_id, user=request.user)
    milestone.programme = programme
    form = mforms.ReachForm(request.POST)
    if form.is_valid():
        date = form.cleaned_data["actual_date"]
        if attempt(
            request, None, lambda: services.milestone_reach(milestone=milestone, actual_date=date, actor=request.user)
        ):
            messages.success(request, _("The milestone is marked as reached."))
    else:
        messages.error(request, _("Give the date the milestone was reached."))
    return _results_redirect(region, programme)


# --- progress reports ---------------------------------------------------------------------------


@region_page(perm=VIEW)
def report_edit(request: RegionRequest, region: Region, programme_id: int, period_id: int) -> HttpResponse:
    """Write (or revise) the programme's report for a period."""
    programme = planning.get_programme(region=region, pk=programme_id, user=request.user)
    period = Period.objects.for_region(region).filter(pk=period_id).first()
    if period is None:
        raise Http404
    indicators = list(Indicator.objects.filter(programme=programme))
    existing = ProgressReport.objects.filter(programme=programme, period=period).prefetch_related("values").first()
    initial = _report_initial(existing)
    form = mforms.ReportForm(request.POST or None, request.FILES or None, indicators=indicators, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.to_data()
        call = lambda: services.report_save(programme=programme, period=period, data=data, actor=request.user)  # noqa: E731
        report = attempt(request, form, call)
        if report is not None:
            messages.success(request, _("The report was saved as a draft. Submit it to Bappeda when complete."))
            return redirect("monitoring:report", region_slug=region.slug, report_id=report.pk)
    context = {"form": form, "programme": programme, "period": period, "report": existing}
    return render(request, "monitoring/report_form.html", context)


def _report_initial(report: Any) -> dict[str, Any]:
    if report is None:
        return {}
    initial: dict[str, Any] = {"narrative": report.narrative, "progress_percent": report.progress_percent}
    for value in report.values.all():
        initial[f"ind_{value.indicator_id}"] = value.value if value.value is not None else value.text
    return initial


@region_page(perm=VIEW)
def report_detail(request: RegionRequest, region: Region, report_id: int) -> HttpResponse:
    report = selectors.get_report(region=region, pk=report_id)
    planning.get_programme(region=region, pk=report.programme_id, user=request.user)  # 404 when not visible
    context = {
        "report": report,
        "values": list(report.values.select_related("indicator")),
        "actions": REPORT.allowed_actions(obj=report, user=request.user),
        "attachment_is_image": evidence.content_type_of(report.attachment.name or "").startswith("image/"),
    }
    return render(request, "monitoring/report_detail.html", context)


@region_page(perm=VIEW)
def report_attachment(request: RegionRequest, region: Region, report_id: int) -> HttpResponse:
    """The report's photo or PDF, for those who may read the report; never public (see ReportAttachmentTests)."""
    report = selectors.get_report(region=region, pk=report_id)
    planning.get_programme(region=region, pk=report.programme_id, user=request.user)  # 404 when not visible
    if not report.attachment:
        raise Http404
    content_type = evidence.content_type_of(report.attachment.name)
    with report.attachment.open("rb") as stored:  # at most 5 MB
        response = HttpResponse(stored.read(), content_type=content_type)
    extension = report.attachment.name.rsplit(".", 1)[-1]
    disposition = "inline" if content_type.startswith("image/") else "attachment"
    response["Content-Disposition"] = f'{disposition}; filename="laporan-{report.pk}.{extension}"'
    response["Cache-Control"] = "private, no-store"
    return response


@require_POST
@region_page(perm=VIEW)
def report_act(request: RegionRequest, region: Region, report_id: int, action: str) -> HttpResponse:
    report = selectors.get_report(region=region, pk=report_id)
    actor = request.user
    calls = {
        "submit": lambda: services.report_submit(report=report, actor=actor),
        "approve": lambda: services.report_approve(report=report, actor=actor),
        "return": lambda: services.report_return(
            report=report, reason=request.POST.get("note", "").strip()[:4000], actor=actor
        ),
    }
    if action not in calls:
        raise Http404
    if attempt(request, None, calls[action]) is not None:
        messages.success(request, _("Report status: %(status)s.") % {"status": report.get_status_display()})
    return redirect("monitoring:report", region_slug=region.slug, report_id=report.pk)


# --- periods and the status catalogue -----------------------------------------------------------


@region_page(perm=VIEW)
def period_list(request: RegionRequest, region: Region) -> HttpResponse:
    can_manage = has_perm(request.user, Perm.PERIOD_MANAGE, region)
    form = mforms.PeriodForm(request.POST or None)
    if request.method == "POST":
        if not can_manage:
            raise Http404
        if form.is_valid():
            d = form.cleaned_data
            call = lambda: services.period_create(region=region, actor=request.user, **d)  # noqa: E731
            if attempt(request, form, call):
                messages.success(request, _("The period was added."))
                return redirect("monitoring:periods", region_slug=region.slug)
    reminders = Reminder.objects.filter(kind=ReminderKind.UNREPORTED).select_related("agency").order_by("agency__name")
    periods = Period.objects.for_region(region).prefetch_related(Prefetch("reminders", queryset=reminders))
    context = {"periods": periods, "form": form, "can_manage": can_manage}
    return render(request, "monitoring/period_list.html", context)


@require_POST
@region_page(perm=Perm.PERIOD_MANAGE)
def period_lock(request: RegionRequest, region: Region, period_id: int) -> HttpResponse:
    period = Period.objects.for_region(region).filter(pk=period_id).first()
    if period is None:
        raise Http404
    period.region = region
    if attempt(request, None, lambda: services.period_lock(period=period, actor=request.user)):
        messages.success(request, _("The period %(label)s is locked.") % {"label": period.label})
    return redirect("monitoring:periods", region_slug=region.slug)


@region_page(perm=Perm.INDICATOR_MANAGE)
def status_catalogue(request: RegionRequest, region: Region) -> HttpResponse:
    current = dict(DEFAULT_STATUS_PERCENT)
    current.update(dict(StatusPercent.objects.for_region(region).values_list("status", "percent")))
    form = mforms.StatusPercentForm(request.POST or None, current=current)
    if request.method == "POST" and form.is_valid():
        for status, percent in ((k[4:], v) for k, v in form.cleaned_data.items()):
            if current.get(status) != percent:
                services.status_percent_set(region=region, status=status, percent=percent, actor=request.user)
        messages.success(request, _("The status catalogue was saved."))
        return redirect("monitoring:statuses", region_slug=region.slug)
    return render(request, "monitoring/status_catalogue.html", {"form": form})


# --- evaluation ---------------------------------------------------------------------------------


@region_page(perm=Perm.DASHBOARD_VIEW)
def evaluation_list(request: RegionRequest, region: Region) -> HttpResponse:
    can_enter = has_perm(request.user, Perm.EVALUATION_ENTER, region)
    form = mforms.EvaluationOpenForm(request.POST or None)
    if request.method == "POST":
        if not can_enter:
            raise Http404
        if form.is_valid():
            year, weights = form.cleaned_data["year"], form.weights()
            call = lambda: services.evaluation_open(region=region, year=year, weights=weights, actor=request.user)  # noqa: E731
            evaluation = attempt(request, form, call)
            if evaluation is not None:
                return redirect("monitoring:evaluation", region_slug=region.slug, evaluation_id=evaluation.pk)
    context = {"history": selectors.evaluation_history(region=region), "form": form, "can_enter": can_enter}
    return render(request, "monitoring/evaluation_list.html", context)


@region_page(perm=Perm.DASHBOARD_VIEW)
def evaluation_detail(request: RegionRequest, region: Region, evaluation_id: int) -> HttpResponse:
    evaluation = selectors.get_evaluation(region=region, pk=evaluation_id)
    form = mforms.ScoreForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        call = lambda: services.score_enter(  # noqa: E731
            evaluation=evaluation,
            eval_dimension=d["eval_dimension"],
            smart_dimension=d["smart_dimension"],
            score=d["score"],
            evidence=d["evidence"],
            actor=request.user,
        )
        if attempt(request, form, call):
            messages.success(request, _("The score was saved."))
            return redirect("monitoring:evaluation", region_slug=region.slug, evaluation_id=evaluation.pk)
    context = {
        "result": selectors.evaluation_detail(evaluation=evaluation),
        "running": selectors.dimension_rows(region=region),
        "form": form,
        "can_enter": has_perm(request.user, Perm.EVALUATION_ENTER, region) and not evaluation.is_published,
        "can_verify": has_perm(request.user, Perm.EVALUATION_VERIFY, region) and not evaluation.is_published,
    }
    return render(request, "monitoring/evaluation_detail.html", context)


@require_POST
@region_page(perm=Perm.EVALUATION_VERIFY)
def score_verify(request: RegionRequest, region: Region, score_id: int) -> HttpResponse:
    score = EvaluationScore.objects.for_region(region).select_related("evaluation").filter(pk=score_id).first()
    if score is None:
        raise Http404
    score.region = region
    form = mforms.VerifyForm(request.POST)
    if form.is_valid():
        value = form.cleaned_data["verified_score"]
        if attempt(request, None, lambda: services.score_verify(score=score, verified_score=value, actor=request.user)):
            messages.success(request, _("The score is verified."))
    else:
        messages.error(request, _("A verified score lies between 0 and 5."))
    return redirect("monitoring:evaluation", region_slug=region.slug, evaluation_id=score.evaluation_id)


@require_POST
@region_page(perm=Perm.EVALUATION_ENTER)
def evaluation_publish(request: RegionRequest, region: Region, evaluation_id: int) -> HttpResponse:
    evaluation: Evaluation = selectors.get_evaluation(region=region, pk=evaluation_id)
    if attempt(request, None, lambda: services.evaluation_publish(evaluation=evaluation, actor=request.user)):
        messages.success(request, _("The evaluation is published."))
    return redirect("monitoring:evaluation", region_slug=region.slug, evaluation_id=evaluation.pk)


# --- the open data portal -----------------------------------------------------------------------


@region_page(perm=services.PUBLISH_OPEN_DATA)
def portal(request: RegionRequest, region: Region) -> HttpResponse:
    """Diskominfo sets the region's CKAN portal and publishes the open data tables to it."""
    current = OpenDataPortal.objects.for_region(region).first()
    initial = {"package_name": f"kota-cerdas-{region.slug}", "is_active": True}
    if current is not None:
        initial = {f: getattr(current, f) for f in ("url", "organization", "package_name", "is_active")}
    form = mforms.PortalForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.to_data()
        if attempt(request, form, lambda: services.portal_save(region=region, data=data, actor=request.user)):
            messages.success(request, _("The portal settings were saved."))
            return redirect("monitoring:portal", region_slug=region.slug)
    return render(request, "monitoring/portal.html", {"form": form, "portal": current})


@require_POST
@region_page(perm=services.PUBLISH_OPEN_DATA)
def portal_publish(request: RegionRequest, region: Region) -> HttpResponse:
    publication = attempt(request, None, lambda: services.opendata_publish(region=region, actor=request.user))
    if publication is not None and publication.ok:
        messages.success(request, _("%(count)s files were published to the portal.") % {"count": publication.resources})
    elif publication is not None:
        messages.error(request, _("The portal refused the publication: %(reason)s") % {"reason": publication.message})
    return redirect("monitoring:portal", region_slug=region.slug)


# --- the printable reports (PDF and XLSX) -------------------------------------------------------

DOWNLOAD_TYPES = {
    "pdf": "application/pdf",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def _download(document: documents.Document, fmt: str, filename: str) -> HttpResponse:
    content = documents.as_pdf(document) if fmt == "pdf" else documents.as_xlsx(document)
    response = HttpResponse(content, content_type=DOWNLOAD_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


@region_page(perm=Perm.DASHBOARD_VIEW)
def evaluation_download(request: RegionRequest, region: Region, evaluation_id: int, fmt: str) -> HttpResponse:
    """The year's evaluation report: index, scores, per smart dimension, n of m running, year on year."""
    evaluation = selectors.get_evaluation(region=region, pk=evaluation_id)
    document = documents.evaluation_document(
        result=selectors.evaluation_detail(evaluation=evaluation),
        history=selectors.evaluation_history(region=region),
        dimensions=selectors.dimension_rows(region=region),
    )
    return _download(document, fmt, documents.evaluation_filename(evaluation, fmt))


@region_page(perm=VIEW)
def programme_download(request: RegionRequest, region: Region, programme_id: int, fmt: str) -> HttpResponse:
    """One programme's progress report, for those who may open its results page."""
    programme = planning.get_programme(region=region, pk=programme_id, user=request.user)
    children = list(
        Programme.objects.for_region(region)
        .filter(parent=programme)
        .select_related("lead_agency", "progress")
        .order_by("title")
    )
    document = documents.programme_document(results=selectors.programme_results(programme=programme), children=children)
    return _download(document, fmt, documents.programme_filename(programme, fmt))
