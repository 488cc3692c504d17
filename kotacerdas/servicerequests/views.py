"""Pages of citizen services: the catalogue, sign-up, requests, the citizen's data, work queues, the ranking."""

from __future__ import annotations

import datetime as dt
import json
import tempfile
from functools import partial

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.views import redirect_to_login
from django.http import FileResponse, Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST

from kotacerdas.accounts.roles import Perm
from kotacerdas.accounts.selectors import has_perm
from kotacerdas.core.edges import attempt
from kotacerdas.core.tenancy import region_page, require_perm
from kotacerdas.core.types import RegionRequest
from kotacerdas.regions.models import Region
from kotacerdas.servicerequests import exports, selectors, services
from kotacerdas.servicerequests import forms as sforms
from kotacerdas.servicerequests.models import CitizenProfile, DataRequestKind, ServiceAttribute
from kotacerdas.servicerequests.workflow import REQUEST


@region_page(public=True)
def catalogue(request: RegionRequest, region: Region) -> HttpResponse:
    return render(request, "servicerequests/catalogue.html", {"services": selectors.catalogue(region=region)})


@sensitive_post_parameters("nik", "password")
@region_page(public=True)
def signup(request: RegionRequest, region: Region) -> HttpResponse:
    """A citizen account for this region; the NIK is never logged (sensitive_post_parameters)."""
    form = sforms.SignupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = attempt(request, form, lambda: services.citizen_register(region=region, data=form.to_data()))
        if user is not None:
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(request, _("Welcome! Your account is ready."))
            return redirect("servicerequests:catalogue", region_slug=region.slug)
    return render(request, "servicerequests/signup.html", {"form": form})


@region_page(public=True)
def service_detail(request: RegionRequest, region: Region, service_code: str) -> HttpResponse:
    """The service and, for a citizen of the region, the form to send a request."""
    service = selectors.get_service(region=region, code=service_code)
    can_submit = has_perm(request.user, Perm.REQUEST_SUBMIT, region)
    form = sforms.RequestForm(request.POST or None, request.FILES or None, region=region, service=service)
    if request.method == "POST":
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not can_submit:
            raise Http404
        if form.is_valid():
            data = form.to_data()
            call = lambda: services.request_submit(service=service, data=data, citizen=request.user, actor=request.user)  # noqa: E731
            result = attempt(request, form, call)
            if result is not None:
                messages.success(request, _("Your request was sent. You can follow it here."))
                return redirect("servicerequests:request", region_slug=region.slug, service_request_pk=result[0].pk)
    context = {"service": service, "form": form, "can_submit": can_submit, "questions": form.questions}
    return render(request, "servicerequests/service_detail.html", context)


@region_page(public=True)
def request_detail(request: RegionRequest, region: Region, service_request_pk: int) -> HttpResponse:
    item = selectors.get_request(region=region, pk=service_request_pk, user=request.user)
    staff = selectors.is_staff_for(request.user, item)
    context = {
        "item": item,
        "staff": staff,
        "owner": request.user.is_authenticated and item.citizen_id == request.user.pk,
        "updates": selectors.public_updates(request=item, staff=staff),
        "actions": [
            a
            for a in REQUEST.allowed_actions(obj=item, user=request.user)
            if a != "reopen" or item.citizen_id == request.user.pk
        ],
        "note_form": sforms.NoteForm(),
        "reroute_form": sforms.RerouteForm(region=region) if staff else None,
        "show_reporter": staff,
        "now": timezone.now(),
    }
    return render(request, "servicerequests/request_detail.html", context)


@require_POST
@region_page(perm=Perm.REGION_VIEW_INTERNAL)
def request_act(request: RegionRequest, region: Region, service_request_pk: int, action: str) -> HttpResponse:
    item = selectors.get_request(region=region, pk=service_request_pk, user=request.user)
    if action not in REQUEST.transitions:
        raise Http404
    note = request.POST.get("note", "").strip()[:4000]
    if attempt(
        request, None, lambda: services.request_transition(request=item, action=action, actor=request.user, note=note)
    ):
        messages.success(request, _("Status: %(status)s.") % {"status": item.get_status_display()})
    return redirect("servicerequests:request", region_slug=region.slug, service_request_pk=item.pk)


@require_POST
@region_page(perm=Perm.REQUEST_SUBMIT)
def request_reopen(request: RegionRequest, region: Region, service_request_pk: int) -> HttpResponse:
    item = selectors.get_request(region=region, pk=service_request_pk, user=request.user)
    note = request.POST.get("note", "").strip()[:4000]
    if attempt(
        request, None, lambda: services.request_transition(request=item, action="reopen", actor=request.user, note=note)
    ):
        messages.success(request, _("The request is open again."))
    return redirect("servicerequests:request", region_slug=region.slug, service_request_pk=item.pk)


@require_POST
@region_page(perm=Perm.REGION_VIEW_INTERNAL)
def request_reroute(request: RegionRequest, region: Region, service_request_pk: int) -> HttpResponse:
    item = selectors.get_request(region=region, pk=service_request_pk, user=request.user)
    form = sforms.RerouteForm(request.POST, region=region)
    if form.is_valid():
        d = form.cleaned_data
        call = partial(
            services.request_reroute, request=item, agency=d["agency"], reason=d["reason"], actor=request.user
        )
        if attempt(request, None, call):
            messages.success(request, _("The request was sent to %(agency)s.") % {"agency": d["agency"]})
    else:
        messages.error(request, _("Choose the agency and give a reason."))
    return redirect("servicerequests:request", region_slug=region.slug, service_request_pk=item.pk)


@region_page(perm=Perm.REQUEST_SUBMIT)
def my_requests(request: RegionRequest, region: Region) -> HttpResponse:
    context = {
        "requests": selectors.my_requests(region=region, user=request.user),
        "data_form": sforms.DataRequestForm(),
        "profile": CitizenProfile.objects.filter(user=request.user).first(),
    }
    return render(request, "servicerequests/my_requests.html", context)


@region_page(perm=Perm.REQUEST_SUBMIT)
def my_data(request: RegionRequest, region: Region) -> HttpResponse:
    """Download, as JSON, everything the region holds about the citizen."""
    payload = services.citizen_export(user=request.user, region=region)
    response = HttpResponse(
        json.dumps(payload, ensure_ascii=False, indent=2), content_type="application/json; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="kotacerdas-{region.slug}-data-saya.json"'
    return response


@require_POST
@region_page(perm=Perm.REQUEST_SUBMIT)
def my_data_request(request: RegionRequest, region: Region, kind: str) -> HttpResponse:
    if kind not in DataRequestKind.values:
        raise Http404
    form = sforms.DataRequestForm(request.POST)
    message = form.cleaned_data["message"] if form.is_valid() else ""
    services.citizen_data_request(user=request.user, region=region, kind=kind, message=message)
    messages.success(request, _("Your request was recorded. The coordinator will contact you."))
    return redirect("servicerequests:mine", region_slug=region.slug)


@region_page(perm=Perm.REGION_VIEW_INTERNAL)
def inbox(request: RegionRequest, region: Region) -> HttpResponse:
    queues = selectors.work_queues(region=region, user=request.user)
    if not queues:
        require_perm(request, Perm.REQUEST_HANDLE)
    return render(request, "servicerequests/inbox.html", {"queues": queues})


@region_page(public=True)
def ranking(request: RegionRequest, region: Region) -> HttpResponse:
    month = _month(request.GET.get("month", ""))
    return render(request, "servicerequests/ranking.html", {"ranking": selectors.ranking(region=region, month=month)})


def _month(raw: str) -> dt.date:
    """`YYYY-MM`, else the current month."""
    try:
        year, month = (int(part) for part in raw.split("-", 1))
        if not 2000 <= year <= 2100:
            raise ValueError(raw)
        return dt.date(year, month, 1)
    except ValueError:
        today = timezone.localdate()
        return today.replace(day=1)


@region_page(perm=Perm.CATALOGUE_MANAGE)
def catalogue_manage(request: RegionRequest, region: Region, service_code: str = "") -> HttpResponse:
    service = selectors.get_service(region=region, code=service_code, active_only=False) if service_code else None
    initial = {name: getattr(service, name) for name in services.SERVICE_FIELDS} if service else {}
    if service:
        initial["agency"] = service.agency
    form = sforms.ServiceForm(request.POST or None, region=region, initial=initial)
    if request.method == "POST" and form.is_valid():
        fields = {name: form.cleaned_data[name] for name in services.SERVICE_FIELDS}
        agency = form.cleaned_data["agency"]
        call = partial(
            services.service_save, region=region, agency=agency, actor=request.user, service=service, **fields
        )
        saved = attempt(request, form, call)
        if saved is not None:
            messages.success(request, _("The service was saved."))
            return redirect("servicerequests:catalogue_edit", region_slug=region.slug, service_code=saved.code)
    context = {
        "form": form,
        "service": service,
        "attributes": ServiceAttribute.objects.filter(service=service) if service else [],
        "services": selectors.catalogue(region=region),
    }
    return render(request, "servicerequests/catalogue_manage.html", context)


@region_page(perm=Perm.REQUEST_COORDINATE)
def export_csv(request: RegionRequest, region: Region) -> StreamingHttpResponse:
    """All of the region's requests as CSV, streamed row by row."""
    response = StreamingHttpResponse(exports.csv_lines(region), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="permohonan-{region.slug}.csv"'
    return response


@region_page(perm=Perm.REQUEST_COORDINATE)
def export_xlsx(request: RegionRequest, region: Region) -> FileResponse:
    """All of the region's requests as an XLSX workbook (written to a temporary file, then sent)."""
    handle = tempfile.NamedTemporaryFile(suffix=".xlsx")  # noqa: SIM115 - FileResponse closes it
    exports.xlsx_workbook(region, handle.name)
    handle.seek(0)
    return FileResponse(handle, as_attachment=True, filename=f"permohonan-{region.slug}.xlsx")
