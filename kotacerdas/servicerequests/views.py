"""Pages of citizen services: the catalogue, sign-up, requests, the citizen's data, work queues, the ranking."""

from __future__ import annotations

import datetime as dt
import json
import tempfile
from functools import partial

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.views import redirect_to_login
from django.http import FileResponse, Http404, HttpResponse, QueryDict, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST

from kotacerdas.accounts.backends import BACKEND_PATH
from kotacerdas.accounts.models import User
from kotacerdas.accounts.roles import Perm
from kotacerdas.accounts.selectors import has_perm
from kotacerdas.core.edges import attempt
from kotacerdas.core.pagecache import shared_copy
from kotacerdas.core.paging import BoundedPaginator
from kotacerdas.core.tenancy import region_page, require_perm
from kotacerdas.core.types import RegionRequest
from kotacerdas.regions.models import Region
from kotacerdas.servicerequests import exports, maps, selectors, services
from kotacerdas.servicerequests import forms as sforms
from kotacerdas.servicerequests.models import CitizenProfile, DataRequest, DataRequestKind, Service
from kotacerdas.servicerequests.workflow import REQUEST

PUBLIC_PAGE_SIZE = 50
PUBLIC_PAGES = 100  # the public list pages back this far (5,000 requests); further back, by its filters


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
            login(request, user, backend=BACKEND_PATH)
            messages.success(request, _("Welcome! Your account is ready."))
            return redirect("servicerequests:catalogue", region_slug=region.slug)
    return render(request, "servicerequests/signup.html", {"form": form})


@region_page(public=True)
def service_detail(request: RegionRequest, region: Region, service_code: str) -> HttpResponse:
    """The service and, for a citizen of the region, the form to send a request."""
    service = selectors.get_service(region=region, code=service_code)
    can_submit = has_perm(request.user, Perm.REQUEST_SUBMIT, region)
    needs_nik = can_submit and not selectors.citizen_has_nik(request.user)
    form = sforms.RequestForm(request.POST or None, request.FILES or None, region=region, service=service)
    if request.method == "POST":
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not can_submit:
            raise Http404
        if needs_nik:
            messages.error(request, _(services.NIK_REQUIRED))
            return _to_nik_page(region, request.path)
        if form.is_valid():
            data = form.to_data()
            call = lambda: services.request_submit(service=service, data=data, citizen=request.user, actor=request.user)  # noqa: E731
            result = attempt(request, form, call)
            if result is not None:
                messages.success(request, _("Your request was sent. You can follow it here."))
                return redirect("servicerequests:request", region_slug=region.slug, service_request_pk=result[0].pk)
    context = {
        "service": service,
        "form": form,
        "can_submit": can_submit,
        "needs_nik": needs_nik,
        "questions": form.questions,
    }
    return render(request, "servicerequests/service_detail.html", context)


def _to_nik_page(region: Region, back_to: str) -> HttpResponse:
    response = redirect("servicerequests:my_nik", region_slug=region.slug)
    response["Location"] += "?" + QueryDict.fromkeys(["next"], back_to).urlencode()
    return response


@sensitive_post_parameters("nik")
@region_page(perm=Perm.REQUEST_SUBMIT)
def my_nik(request: RegionRequest, region: Region) -> HttpResponse:
    """A citizen whose account has no NIK (made by staff, or the demo's) puts it on file before sending requests."""
    back_to = _local_path(request, region, request.GET.get("next", ""))
    if selectors.citizen_has_nik(request.user):
        messages.info(request, _(services.NIK_ON_FILE))
        return redirect(back_to)
    form = sforms.NikForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        call = partial(services.citizen_nik_add, user=request.user, region=region, nik=d["nik"], consent=d["consent"])
        if attempt(request, form, call) is not None:
            messages.success(request, _("Your NIK is on file. You can send requests now."))
            return redirect(back_to)
    return render(request, "servicerequests/my_nik.html", {"form": form, "back_to": back_to})


def _local_path(request: RegionRequest, region: Region, wanted: str) -> str:
    """A page of this region to return to, else the citizen's own page (never another site)."""
    home = f"/{region.slug}/"
    safe = url_has_allowed_host_and_scheme(wanted, allowed_hosts=None, require_https=request.is_secure())
    if wanted and safe and wanted.startswith(home) and not wanted.startswith("//"):
        return wanted
    return reverse("servicerequests:mine", kwargs={"region_slug": region.slug})


@region_page(public=True)
def request_list(request: RegionRequest, region: Region) -> HttpResponse:
    """The region's requests the public may see, on a map and in a list; never a secret one, never a reporter."""
    form = sforms.PublicFilterForm(request.GET, region=region)
    requests = selectors.public_requests(region=region, wanted=form.to_filter())
    paginator = BoundedPaginator(requests, PUBLIC_PAGE_SIZE, limit=PUBLIC_PAGES * PUBLIC_PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    rows = list(page.object_list)
    context = {"form": form, "page": page, "rows": rows, "map": maps.plot(rows)}
    return render(request, "servicerequests/request_list.html", context)


@region_page(public=True)
def request_detail(request: RegionRequest, region: Region, service_request_pk: int) -> HttpResponse:
    """A request's page; visitors without a session share one copy until the request changes."""
    return shared_copy(
        request,
        stamp=partial(selectors.public_request_stamp, region=region, pk=service_request_pk),
        render=partial(_request_page, request, region, service_request_pk),
    )


def _request_page(request: RegionRequest, region: Region, service_request_pk: int) -> HttpResponse:
    item = selectors.get_request(region=region, pk=service_request_pk, user=request.user)
    staff = selectors.is_staff_for(request.user, item)
    context = {
        "item": item,
        "staff": staff,
        "coordinator": has_perm(request.user, Perm.REQUEST_COORDINATE, region),
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
        "data_requests": selectors.my_data_requests(region=region, user=request.user),
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
    """The coordinator's verification queue and the agency's queue, with filters."""
    form = sforms.QueueFilterForm(request.GET, region=region)
    queues = selectors.work_queues(region=region, user=request.user, wanted=form.to_filter())
    if not queues:
        require_perm(request, Perm.REQUEST_HANDLE)
    coordinator = has_perm(request.user, Perm.REQUEST_COORDINATE, region)
    waiting = DataRequest.objects.for_region(region).open().count() if coordinator else 0
    context = {"queues": queues, "form": form, "coordinator": coordinator, "data_requests_waiting": waiting}
    return render(request, "servicerequests/inbox.html", context)


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
    service = _managed_service(region, service_code) if service_code else None
    form = sforms.ServiceForm(request.POST or None, region=region, initial=_service_initial(service))
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
    return _manage_page(request, region, service, form=form)


def _managed_service(region: Region, code: str) -> Service:
    return selectors.get_service(region=region, code=code, active_only=False)


def _service_initial(service: Service | None) -> dict[str, object]:
    if service is None:
        return {}
    return {**{name: getattr(service, name) for name in services.SERVICE_FIELDS}, "agency": service.agency}


def _manage_page(
    request: RegionRequest,
    region: Region,
    service: Service | None,
    *,
    form: sforms.ServiceForm | None = None,
    question_form: sforms.QuestionForm | None = None,
    route_form: sforms.RouteForm | None = None,
) -> HttpResponse:
    """The catalogue page: the service's own form, then its extra questions and its routing rules."""
    context = {
        "form": form or sforms.ServiceForm(region=region, initial=_service_initial(service)),
        "service": service,
        "questions": selectors.service_questions(service=service) if service else [],
        "routes": selectors.service_routes(service=service) if service else [],
        "question_form": question_form or sforms.QuestionForm(),
        "route_form": route_form or sforms.RouteForm(region=region),
        "services": selectors.catalogue(region=region),
    }
    return render(request, "servicerequests/catalogue_manage.html", context)


def _to_service(region: Region, service: Service) -> HttpResponse:
    return redirect("servicerequests:catalogue_edit", region_slug=region.slug, service_code=service.code)


def _question_fields(form: sforms.QuestionForm) -> dict[str, object]:
    d = form.cleaned_data
    fields = {name: d[name] for name in ("code", "datatype", "description", "required", "values")}
    return {**fields, "datatype_description": d["datatype_description"]}


@require_POST
@region_page(perm=Perm.CATALOGUE_MANAGE)
def question_add(request: RegionRequest, region: Region, service_code: str) -> HttpResponse:
    service = _managed_service(region, service_code)
    form = sforms.QuestionForm(request.POST)
    if form.is_valid():
        call = partial(services.attribute_add, service=service, actor=request.user, **_question_fields(form))  # type: ignore[arg-type]
        if attempt(request, form, call) is not None:
            messages.success(request, _("The question was added."))
            return _to_service(region, service)
    return _manage_page(request, region, service, question_form=form)


@region_page(perm=Perm.CATALOGUE_MANAGE)
def question_edit(request: RegionRequest, region: Region, service_code: str, attribute_pk: int) -> HttpResponse:
    service = _managed_service(region, service_code)
    question = selectors.get_question(service=service, pk=attribute_pk)
    form = sforms.QuestionForm(request.POST or None, initial=sforms.QuestionForm.initial_of(question))
    if request.method == "POST" and form.is_valid():
        fields = _question_fields(form)
        if form.cleaned_data["order"] is not None:
            fields["order"] = form.cleaned_data["order"]
        if attempt(request, form, partial(services.attribute_update, attribute=question, actor=request.user, **fields)):
            messages.success(request, _("The question was saved."))
            return _to_service(region, service)
    return render(
        request, "servicerequests/question_edit.html", {"service": service, "question": question, "form": form}
    )


@require_POST
@region_page(perm=Perm.CATALOGUE_MANAGE)
def question_delete(request: RegionRequest, region: Region, service_code: str, attribute_pk: int) -> HttpResponse:
    service = _managed_service(region, service_code)
    question = selectors.get_question(service=service, pk=attribute_pk)
    services.attribute_remove(attribute=question, actor=request.user)
    messages.success(request, _("The question was removed; answers given earlier stay on their requests."))
    return _to_service(region, service)


@require_POST
@region_page(perm=Perm.CATALOGUE_MANAGE)
def route_add(request: RegionRequest, region: Region, service_code: str) -> HttpResponse:
    service = _managed_service(region, service_code)
    form = sforms.RouteForm(request.POST, region=region)
    if form.is_valid():
        d = form.cleaned_data
        call = partial(services.route_set, service=service, area=d["area"], agency=d["agency"], actor=request.user)
        if attempt(request, form, call) is not None:
            messages.success(request, _("Requests from %(area)s now go to %(agency)s.") % d)
            return _to_service(region, service)
    return _manage_page(request, region, service, route_form=form)


@require_POST
@region_page(perm=Perm.CATALOGUE_MANAGE)
def route_delete(request: RegionRequest, region: Region, service_code: str, route_pk: int) -> HttpResponse:
    service = _managed_service(region, service_code)
    services.route_remove(rule=selectors.get_route(service=service, pk=route_pk), actor=request.user)
    messages.success(request, _("The routing rule was removed."))
    return _to_service(region, service)


# --- the coordinator answers citizens' data requests --------------------------------------------


@region_page(perm=Perm.REQUEST_COORDINATE)
def data_request_list(request: RegionRequest, region: Region) -> HttpResponse:
    waiting, answered = selectors.data_requests(region=region)
    return render(request, "servicerequests/data_request_list.html", {"waiting": waiting, "answered": answered})


@region_page(perm=Perm.REQUEST_COORDINATE)
def data_request_detail(request: RegionRequest, region: Region, data_request_pk: int) -> HttpResponse:
    item = selectors.get_data_request(region=region, pk=data_request_pk)
    return _data_request_page(request, item)


def _data_request_page(request: RegionRequest, item: DataRequest, **forms: object) -> HttpResponse:
    """The request, the citizen's details (NIK masked) and the answers that fit its kind."""
    user = item.user
    initial = {"full_name": user.full_name, "email": user.email, "phone": user.phone} if user else {}
    context = {
        "item": item,
        "profile": getattr(user, "citizen", None),
        "correction_form": forms.get("correction_form") or sforms.CorrectionForm(initial=initial),
        "erase_form": forms.get("erase_form") or sforms.EraseForm(),
        "refuse_form": forms.get("refuse_form") or sforms.RefuseForm(),
    }
    return render(request, "servicerequests/data_request_detail.html", context)


@sensitive_post_parameters("nik")
@require_POST
@region_page(perm=Perm.REQUEST_COORDINATE)
def data_request_correct(request: RegionRequest, region: Region, data_request_pk: int) -> HttpResponse:
    item = selectors.get_data_request(region=region, pk=data_request_pk)
    form = sforms.CorrectionForm(request.POST)
    if form.is_valid():
        call = partial(
            services.data_request_correct,
            data_request=item,
            correction=form.to_correction(),
            response=form.cleaned_data["response"],
            actor=request.user,
        )
        if attempt(request, form, call) is not None:
            messages.success(request, _("The citizen's data was corrected and the request answered."))
            return redirect("servicerequests:data_requests", region_slug=region.slug)
    return _data_request_page(request, item, correction_form=form)


@require_POST
@region_page(perm=Perm.REQUEST_COORDINATE)
def data_request_erase(request: RegionRequest, region: Region, data_request_pk: int) -> HttpResponse:
    item = selectors.get_data_request(region=region, pk=data_request_pk)
    form = sforms.EraseForm(request.POST)
    if form.is_valid():
        response = form.cleaned_data["response"]
        call = partial(services.data_request_erase, data_request=item, response=response, actor=request.user)
        if attempt(request, form, call) is not None:
            messages.success(request, _("The citizen's personal data was deleted and the account closed."))
            return redirect("servicerequests:data_requests", region_slug=region.slug)
    return _data_request_page(request, item, erase_form=form)


@require_POST
@region_page(perm=Perm.REQUEST_COORDINATE)
def data_request_refuse(request: RegionRequest, region: Region, data_request_pk: int) -> HttpResponse:
    item = selectors.get_data_request(region=region, pk=data_request_pk)
    form = sforms.RefuseForm(request.POST)
    if form.is_valid():
        response = form.cleaned_data["response"]
        call = partial(services.data_request_refuse, data_request=item, response=response, actor=request.user)
        if attempt(request, form, call) is not None:
            messages.success(request, _("The request was refused; the citizen sees your reason."))
            return redirect("servicerequests:data_requests", region_slug=region.slug)
    return _data_request_page(request, item, refuse_form=form)


@region_page(perm=Perm.REQUEST_COORDINATE)
def citizen_detail(request: RegionRequest, region: Region, citizen_pk: int) -> HttpResponse:
    citizen = selectors.get_citizen(region=region, pk=citizen_pk)
    return _citizen_page(request, region, citizen, sforms.RevealForm())


def _citizen_page(
    request: RegionRequest, region: Region, citizen: User, form: sforms.RevealForm, nik: str = ""
) -> HttpResponse:
    record = selectors.citizen_record(region=region, citizen=citizen)
    context = {"record": record, "reveal_form": form, "nik": nik}
    return render(request, "servicerequests/citizen_detail.html", context)


@never_cache
@require_POST
@region_page(perm=Perm.REQUEST_COORDINATE)
def citizen_nik(request: RegionRequest, region: Region, citizen_pk: int) -> HttpResponse:
    """The full NIK, shown once on this answer (never cached), for the reason given; the read is audited."""
    citizen = selectors.get_citizen(region=region, pk=citizen_pk)
    form = sforms.RevealForm(request.POST)
    nik = ""
    if form.is_valid():
        reason = form.cleaned_data["reason"]
        call = partial(services.citizen_nik_reveal, user=citizen, region=region, reason=reason, actor=request.user)
        nik = attempt(request, form, call) or ""
    return _citizen_page(request, region, citizen, form, nik)


@region_page(perm=Perm.REQUEST_COORDINATE)
def export_csv(request: RegionRequest, region: Region) -> StreamingHttpResponse:
    """All of the region's requests as CSV, streamed a few hundred rows at a time."""
    response = StreamingHttpResponse(exports.csv_chunks(region), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="permohonan-{region.slug}.csv"'
    return response


@region_page(perm=Perm.REQUEST_COORDINATE)
def export_xlsx(request: RegionRequest, region: Region) -> FileResponse:
    """All of the region's requests as an XLSX workbook (written to a temporary file, then sent)."""
    handle = tempfile.NamedTemporaryFile(suffix=".xlsx")  # noqa: SIM115 - FileResponse closes it
    exports.xlsx_workbook(region, handle.name)
    handle.seek(0)
    return FileResponse(handle, as_attachment=True, filename=f"permohonan-{region.slug}.xlsx")
