"""A region's replication pages: offering programmes, exporting, importing with an agency mapping, visits.

Thin: each reads through selectors or exporting and writes through one service.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from kotacerdas.accounts.roles import Perm
from kotacerdas.accounts.selectors import has_perm
from kotacerdas.core.errors import ApplicationError
from kotacerdas.core.tenancy import get_region, region_page, require_perm
from kotacerdas.core.types import RegionRequest
from kotacerdas.regions.models import Region
from kotacerdas.replication import exporting, selectors, services
from kotacerdas.replication import forms as replication_forms
from kotacerdas.replication import template as tpl
from kotacerdas.replication.models import ImportRecord, ImportStatus

VIEW = Perm.REGION_VIEW_INTERNAL


def _attempt(request: RegionRequest, form: forms.BaseForm | None, call: Callable[[], Any]) -> Any:
    """Run a service; on a domain error show it on the form (or as a message) and return None."""
    try:
        return call()
    except ApplicationError as error:
        if form is not None:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            messages.error(request, error.message)
        return None


def _posted(request: RegionRequest) -> Any:
    """The posted data on a POST (even an empty one, so the form reports what is missing), else None."""
    return request.POST if request.method == "POST" else None


def template_response(template: tpl.Template, region: Region) -> HttpResponse:
    """The template as a JSON download."""
    response = HttpResponse(tpl.dumps(template), content_type="application/json; charset=utf-8")
    name = f"kotacerdas-template-{region.slug}-{timezone.localdate():%Y%m%d}.json"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@region_page(perm=VIEW)
def replication_home(request: RegionRequest, region: Region) -> HttpResponse:
    user = request.user
    context = {
        "programmes": selectors.offerable_programmes(region=region),
        "imports": selectors.imports_of(region=region)[:20],
        "visits": selectors.visits_of(region=region)[:20],
        "can_offer": has_perm(user, Perm.REPLICATION_OFFER, region),
        "can_export": has_perm(user, Perm.REPLICATION_EXPORT, region),
        "can_import": has_perm(user, Perm.REPLICATION_IMPORT, region),
        "can_record_visit": has_perm(user, Perm.VISIT_RECORD, region),
    }
    return render(request, "replication/replication_home.html", context)


# --- offering -----------------------------------------------------------------------------------


@region_page(perm=Perm.REPLICATION_OFFER)
def offer_edit(request: RegionRequest, region: Region, programme_id: int) -> HttpResponse:
    programme = selectors.get_programme(region=region, pk=programme_id)
    offer = getattr(programme, "replicable", None)
    initial = replication_forms.OfferForm.initial_from(offer) if offer else _offer_initial(programme)
    form = replication_forms.OfferForm(_posted(request), region=region, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.to_data()
        saved = _attempt(request, form, lambda: services.offer_save(programme=programme, data=data, actor=request.user))
        if saved is not None:
            messages.success(request, _("The programme is in the catalogue of good practices."))
            return redirect("replication:home", region_slug=region.slug)
    context = {"form": form, "programme": programme, "offer": offer}
    return render(request, "replication/offer_form.html", context)


def _offer_initial(programme: Any) -> dict[str, Any]:
    needs = programme.digitalisation_requests.exclude(status="retired").first()
    return {
        "contact_agency": programme.lead_agency_id,
        "started_on": timezone.localdate(),
        "app_name": needs.app_name if needs else "",
        "app_needs": needs.needs if needs else "",
    }


@require_POST
@region_page(perm=Perm.REPLICATION_OFFER)
def offer_withdraw(request: RegionRequest, region: Region, programme_id: int) -> HttpResponse:
    programme = selectors.get_programme(region=region, pk=programme_id)
    offer = getattr(programme, "replicable", None)
    if offer is None:
        raise Http404
    if _attempt(request, None, lambda: services.offer_withdraw(offer=offer, actor=request.user)) is not None:
        messages.success(request, _("The programme was taken out of the catalogue."))
    return redirect("replication:home", region_slug=region.slug)


# --- exporting ----------------------------------------------------------------------------------


@require_GET
@region_page(perm=Perm.REPLICATION_EXPORT)
def export_page(request: RegionRequest, region: Region) -> HttpResponse:
    context = {
        "offers": exporting.offers_for_export(region=region),
        "imported": exporting.imported_for_export(region=region),
    }
    return render(request, "replication/export.html", context)


@require_GET
@region_page(perm=Perm.REPLICATION_EXPORT)
def export_download(request: RegionRequest, region: Region) -> HttpResponse:
    codes = [c[:40] for c in request.GET.getlist("programme")][:200] or None
    template = exporting.template_of_region(region=region, codes=codes)
    if template is None:
        messages.error(request, _("Choose at least one programme to export."))
        return redirect("replication:export", region_slug=region.slug)
    return template_response(template, region)


# --- importing ----------------------------------------------------------------------------------


@region_page(perm=VIEW)
def import_list(request: RegionRequest, region: Region) -> HttpResponse:
    context = {
        "imports": selectors.imports_of(region=region),
        "can_import": has_perm(request.user, Perm.REPLICATION_IMPORT, region),
    }
    return render(request, "replication/import_list.html", context)


@region_page(perm=Perm.REPLICATION_IMPORT)
def import_new(request: RegionRequest, region: Region) -> HttpResponse:
    """Start an import from a file, or from programmes chosen in another region's catalogue."""
    source, choice = _catalogue_choice(request, region)
    upload = replication_forms.UploadForm(request.POST if "upload" in request.POST else None, request.FILES or None)
    record = None
    if request.method == "POST" and "upload" in request.POST and upload.is_valid():
        record = _attempt(request, upload, lambda: _prepare_upload(request, region, upload.cleaned_data["file"]))
    elif request.method == "POST" and choice is not None and choice.is_valid() and source is not None:
        codes = choice.cleaned_data["programme"]
        record = _attempt(request, choice, lambda: _prepare_catalogue(request, region, source, codes))
    if record is not None:
        return redirect("replication:import", region_slug=region.slug, import_id=record.pk)
    context = {
        "upload": upload,
        "choice": choice,
        "source": source,
        "round": selectors.current_open_round(region=region),
    }
    return render(request, "replication/import_new.html", context)


def _catalogue_choice(
    request: RegionRequest, region: Region
) -> tuple[Region | None, replication_forms.CatalogueChoiceForm | None]:
    """The source region and the programmes chosen in its catalogue (from the query or the posted form)."""
    data = request.POST if "source" in request.POST else request.GET
    slug = data.get("source", "")[:50]
    if not slug:
        return None, None
    source = get_region(slug)
    if source.pk == region.pk:
        raise Http404
    offered = [(item.offer.code, item.programme.title) for item in selectors.catalogue(region=source)]
    initial = {"source": slug, "programme": data.getlist("programme")}
    bound = data if request.method == "POST" else None
    return source, replication_forms.CatalogueChoiceForm(bound, initial=initial, codes=offered)


def _prepare_upload(request: RegionRequest, region: Region, upload: Any) -> ImportRecord:
    if upload.size > tpl.MAX_TEMPLATE_BYTES:
        raise tpl.TemplateError(_(tpl.TOO_LARGE), field="file")
    template = tpl.parse(upload.read(tpl.MAX_TEMPLATE_BYTES + 1))
    return services.import_prepare(region=region, template=template, actor=request.user)


def _prepare_catalogue(request: RegionRequest, region: Region, source: Region, codes: list[str]) -> ImportRecord:
    template = exporting.template_of_offers(region=source, codes=codes)
    if template is None:
        raise services.ReplicationError(_("Choose at least one programme to import."), field="programme")
    return services.import_prepare(region=region, template=template, source_region=source, actor=request.user)


@region_page(perm=VIEW)
def import_detail(request: RegionRequest, region: Region, import_id: int) -> HttpResponse:
    record = selectors.get_import(region=region, pk=import_id)
    if record.status != ImportStatus.PREPARED:
        return _import_result(request, record)
    template = tpl.from_data(record.template)
    rows = selectors.mapping_rows(region=region, template=template, keys=services.used_agency_keys(template))
    visits = selectors.visits_for_import(region=region)
    form = replication_forms.MappingForm(_posted(request), region=region, rows=rows, visits=visits)
    plan = None
    if request.method == "POST":
        require_perm(request, Perm.REPLICATION_IMPORT)
        action = request.POST.get("action", "")
        if action == "discard":
            _attempt(request, None, lambda: services.import_discard(record=record, actor=request.user))
            return redirect("replication:import", region_slug=region.slug, import_id=record.pk)
        if form.is_valid():
            mapping = form.mapping()
            if action == "import":
                visit = form.cleaned_data["visit"]
                call = lambda: services.import_complete(record=record, mapping=mapping, visit=visit, actor=request.user)  # noqa: E731
                if _attempt(request, form, call) is not None:
                    messages.success(request, _("Imported: the draft proposals are in the planning round."))
                    return redirect("replication:import", region_slug=region.slug, import_id=record.pk)
            else:
                plan = _attempt(request, form, lambda: services.import_plan(record=record, mapping=mapping))
    context = {"record": record, "template": template, "form": form, "plan": plan}
    return render(request, "replication/import_detail.html", context)


def _import_result(request: RegionRequest, record: ImportRecord) -> HttpResponse:
    if request.method == "POST":
        messages.error(request, _(services.NOT_PREPARED))
    context = {"record": record, "programmes": selectors.imported_programmes(record=record)}
    return render(request, "replication/import_result.html", context)


# --- visits -------------------------------------------------------------------------------------


@region_page(perm=VIEW)
def visit_list(request: RegionRequest, region: Region) -> HttpResponse:
    context = {
        "visits": selectors.visits_of(region=region),
        "can_record": has_perm(request.user, Perm.VISIT_RECORD, region),
    }
    return render(request, "replication/visit_list.html", context)


@region_page(perm=Perm.VISIT_RECORD)
def visit_new(request: RegionRequest, region: Region) -> HttpResponse:
    chooser = replication_forms.HostForm(request.GET if "host" in request.GET else None, region=region)
    if not chooser.is_bound or not chooser.is_valid():
        return render(request, "replication/visit_form.html", {"chooser": chooser, "form": None})
    host = chooser.cleaned_data["host"]
    form = replication_forms.VisitForm(_posted(request), region=region, host=host)
    if request.method == "POST" and form.is_valid():
        data = form.to_data()
        visit = _attempt(request, form, lambda: services.visit_record(region=region, data=data, actor=request.user))
        if visit is not None:
            messages.success(request, _("The visit is recorded; the host region sees it too."))
            return redirect("replication:visit", region_slug=region.slug, visit_id=visit.pk)
    return render(request, "replication/visit_form.html", {"chooser": chooser, "form": form, "host": host})


@region_page(perm=VIEW)
def visit_detail(request: RegionRequest, region: Region, visit_id: int) -> HttpResponse:
    visit = selectors.get_visit(region=region, pk=visit_id)
    context = {
        "visit": visit,
        "follow_ups": selectors.follow_ups(visit=visit),
        "is_visitor": visit.region_id == region.pk,
    }
    return render(request, "replication/visit_detail.html", context)
