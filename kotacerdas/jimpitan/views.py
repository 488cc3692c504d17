"""Pages of the jimpitan room. Thin: each reads through selectors and writes through one service.

Every object is looked up among the RTs/RWs the user serves (selectors), so another RT's fund is a 404.
The collection endpoint also answers JSON, for the page's offline queue; without JavaScript it is a form.
"""

from __future__ import annotations

import mimetypes
import re
import uuid
from collections.abc import Callable
from functools import wraps
from pathlib import Path
from typing import Any

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop, ngettext
from django.views.decorators.http import require_GET, require_POST

from kotacerdas.accounts import sessions
from kotacerdas.accounts.roles import Perm
from kotacerdas.accounts.selectors import has_perm
from kotacerdas.core.converters import PrimaryKeyConverter
from kotacerdas.core.edges import attempt
from kotacerdas.core.errors import ApplicationError
from kotacerdas.core.tenancy import region_page
from kotacerdas.core.types import RegionRequest
from kotacerdas.jimpitan import forms as jimpitan_forms
from kotacerdas.jimpitan import nights, qr, rows, selectors, services
from kotacerdas.jimpitan.access import jimpitan_page
from kotacerdas.jimpitan.models import Fund, Household, Method, Shift
from kotacerdas.jimpitan.pdf import report_pdf
from kotacerdas.regions.models import Region

COLLECT = Perm.JIMPITAN_COLLECT
MANAGE = Perm.JIMPITAN_MANAGE
TAGS_PER_SHEET = 30  # about 80 KB of SVG: a sheet stays a light page
SERVICE_WORKER = Path(__file__).parent / "static" / "jimpitan" / "sw.js"
NOT_ON_THIS_SHIFT = gettext_noop("This house is not one this shift collects from.")
REPEATED = gettext_noop("Already recorded: this form had been sent before, nothing was booked twice.")


def _form_errors(request: RegionRequest, form: forms.BaseForm) -> None:
    for errors in form.errors.values():
        for error in errors:
            messages.error(request, str(error))


def _can_manage(request: RegionRequest, fund: Fund) -> bool:
    return has_perm(request.user, MANAGE, fund.region, area=fund.area)


def _fund(request: RegionRequest, region: Region, fund_id: int, perm: Perm = MANAGE) -> Fund:
    return selectors.get_fund(user=request.user, region=region, pk=fund_id, perm=perm)


def _to_fund(region: Region, fund: Fund, name: str = "fund") -> HttpResponse:
    return redirect(f"jimpitan:{name}", region_slug=region.slug, fund_id=fund.pk)


def _safe_next(request: RegionRequest, default: str) -> str:
    wanted = request.POST.get("next", "")
    allowed = url_has_allowed_host_and_scheme(wanted, allowed_hosts={request.get_host()}, require_https=False)
    return wanted if wanted and allowed else default


def _month(request: RegionRequest, fund: Fund) -> Any:
    return nights.parse_month(request.GET.get("month")) or nights.month_start(nights.today(fund, timezone.now()))


def _month_links(month: Any) -> dict[str, str]:
    return {"previous": f"{nights.previous_month(month):%Y-%m}", "next": f"{nights.next_month(month):%Y-%m}"}


# --- funds --------------------------------------------------------------------------------------


@jimpitan_page(perm=COLLECT)
def home(request: RegionRequest, region: Region) -> HttpResponse:
    funds = list(selectors.funds_of(user=request.user, region=region))
    with_fund = {f.area_id for f in funds}
    unfunded = [a for a in selectors.areas_with_perm(request.user, region, MANAGE) if a.pk not in with_fund]
    return render(request, "jimpitan/jimpitan_home.html", {"funds": funds, "unfunded": unfunded})


@jimpitan_page(perm=MANAGE)
def fund_create(request: RegionRequest, region: Region) -> HttpResponse:
    funded = set(selectors.funds_of(user=request.user, region=region, perm=MANAGE).values_list("area_id", flat=True))
    areas = [a for a in selectors.areas_with_perm(request.user, region, MANAGE) if a.pk not in funded]
    if not areas:
        messages.info(request, _("Your RT/RW has its fund already."))
        return redirect("jimpitan:home", region_slug=region.slug)
    form = jimpitan_forms.FundForm(request.POST or None, areas=areas, initial=jimpitan_forms.FundForm.initial_for())
    if request.method == "POST" and form.is_valid():
        area, terms = form.cleaned_data["area"], form.to_terms()
        fund = attempt(request, form, lambda: services.fund_create(area=area, terms=terms, actor=request.user))
        if fund is not None:
            messages.success(request, _("The fund is set up. Now add the households."))
            return _to_fund(region, fund)
    return render(request, "jimpitan/fund_form.html", {"form": form})


@jimpitan_page(perm=COLLECT)
def fund_detail(request: RegionRequest, region: Region, fund_id: int) -> HttpResponse:
    fund = _fund(request, region, fund_id, COLLECT)
    can_manage = _can_manage(request, fund)
    now = timezone.now()
    context = {
        "fund": fund,
        "can_manage": can_manage,
        "people": selectors.fund_people(fund=fund),
        "groups": selectors.groups_of(fund=fund),
        "today_group": selectors.group_on_duty(fund=fund, night=nights.today(fund, now)),
        "night": nights.night_of(fund, now),
        "shifts": selectors.recent_shifts(fund=fund),
        "balance": selectors.fund_balance(fund=fund) if can_manage else None,
    }
    return render(request, "jimpitan/fund_detail.html", context)


@jimpitan_page(perm=MANAGE)
def fund_edit(request: RegionRequest, region: Region, fund_id: int) -> HttpResponse:
    fund = _fund(request, region, fund_id)
    form = jimpitan_forms.FundForm(request.POST or None, initial=jimpitan_forms.FundForm.initial_for(fund))
    if request.method == "POST" and form.is_valid():
        terms, active = form.to_terms(), form.cleaned_data["is_active"]
        call = lambda: services.fund_update(fund=fund, terms=terms, is_active=active, actor=request.user)  # noqa: E731
        if attempt(request, form, call) is not None:
            messages.success(request, _("The fund's scheme was saved."))
            return _to_fund(region, fund)
    return render(request, "jimpitan/fund_form.html", {"form": form, "fund": fund})


@require_POST
@jimpitan_page(perm=MANAGE)
def fund_share(request: RegionRequest, region: Region, fund_id: int) -> HttpResponse:
    fund = _fund(request, region, fund_id)
    services.fund_share(fund=fund, actor=request.user)
    messages.success(request, _("The report has a new public link. Share it with the residents."))
    return _to_fund(region, fund, "report")


@require_POST
@jimpitan_page(perm=MANAGE)
def fund_unshare(request: RegionRequest, region: Region, fund_id: int) -> HttpResponse:
    fund = _fund(request, region, fund_id)
    services.fund_unshare(fund=fund, actor=request.user)
    messages.success(request, _("The public link no longer works."))
    return _to_fund(region, fund, "report")


# --- households ---------------------------------------------------------------------------------


@jimpitan_page(perm=MANAGE)
def household_list(request: RegionRequest, region: Region, fund_id: int) -> HttpResponse:
    fund = _fund(request, region, fund_id)
    households = sorted(
        Household.objects.filter(fund=fund), key=lambda h: (not h.is_active, selectors.natural_key(h.number))
    )
    balances = selectors.prepaid_balances(fund=fund) if fund.is_prepaid else {}
    rows = [(h, balances.get(h.pk, 0)) for h in households]
    return render(request, "jimpitan/household_list.html", {"fund": fund, "rows": rows})


@jimpitan_page(perm=MANAGE)
def household_create(request: RegionRequest, region: Region, fund_id: int) -> HttpResponse:
    fund = _fund(request, region, fund_id)
    form = jimpitan_forms.HouseholdForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        call = lambda: services.household_create(  # noqa: E731
            fund=fund, number=d["number"], head_name=d["head_name"], address=d["address"], actor=request.user
        )
        if attempt(request, form, call) is not None:
            messages.success(request, _("House %(number)s was added.") % {"number": d["number"]})
            return _to_fund(region, fund, "households" if "done" in request.POST else "household_create")
    return render(request, "jimpitan/household_form.html", {"form": form, "fund": fund})


def _household(request: RegionRequest, region: Region, household_id: int) -> Household:
    return selectors.get_household(user=request.user, region=region, pk=household_id)


def _to_household(region: Region, household: Household) -> HttpResponse:
    return redirect("jimpitan:household", region_slug=region.slug, household_id=household.pk)


@jimpitan_page(perm=MANAGE)
def household_detail(request: RegionRequest, region: Region, household_id: int) -> HttpResponse:
    household = _household(request, region, household_id)
    fund = household.fund
    token = selectors.record_token(household)
    context = {
        "household": household,
        "fund": fund,
        "record": selectors.household_record(household=household),
        "record_url": request.build_absolute_uri(
            reverse("jimpitan:household_record", args=[region.slug, household.pk, token])
        ),
        "topup_form": jimpitan_forms.TopUpForm(),
        "move_out_form": jimpitan_forms.MoveOutForm(initial={"moved_out_on": nights.today(fund, timezone.now())}),
    }
    return render(request, "jimpitan/household_detail.html", context)


@jimpitan_page(perm=MANAGE)
def household_edit(request: RegionRequest, region: Region, household_id: int) -> HttpResponse:
    household = _household(request, region, household_id)
    initial = {"number": household.number, "head_name": household.head_name, "address": household.address}
    form = jimpitan_forms.HouseholdForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        call = lambda: services.household_update(  # noqa: E731
            household=household, number=d["number"], head_name=d["head_name"], address=d["address"], actor=request.user
        )
        if attempt(request, form, call) is not None:
            messages.success(request, _("The household was saved."))
            return _to_household(region, household)
    return render(
        request, "jimpitan/household_form.html", {"form": form, "fund": household.fund, "household": household}
    )


@require_POST
@jimpitan_page(perm=MANAGE)
def household_move_out(request: RegionRequest, region: Region, household_id: int) -> HttpResponse:
    household = _household(request, region, household_id)
    form = jimpitan_forms.MoveOutForm(request.POST)
    if not form.is_valid():
        _form_errors(request, form)
        return _to_household(region, household)
    day = form.cleaned_data["moved_out_on"]
    call = lambda: services.household_move_out(household=household, moved_out_on=day, actor=request.user)  # noqa: E731
    if attempt(request, None, call) is not None:
        messages.success(request, _("The household is marked as moved out."))
    return _to_household(region, household)


@require_POST
@jimpitan_page(perm=MANAGE)
def household_top_up(request: RegionRequest, region: Region, household_id: int) -> HttpResponse:
    household = _household(request, region, household_id)
    form = jimpitan_forms.TopUpForm(request.POST)
    if not form.is_valid():
        _form_errors(request, form)
        return _to_household(region, household)
    d = form.cleaned_data
    call = lambda: services.topup_record(  # noqa: E731
        household=household, amount=d["amount"], idempotency_key=d["idempotency_key"], actor=request.user
    )
    if attempt(request, None, call) is not None:
        messages.success(request, _("The top-up was booked."))
    return _to_household(region, household)


@jimpitan_page(perm=MANAGE)
def tag_sheet(request: RegionRequest, region: Region, fund_id: int) -> HttpResponse:
    """Printable sheets of door tags for every house living here, TAGS_PER_SHEET to a page (light pages)."""
    fund = _fund(request, region, fund_id)
    households = sorted(
        Household.objects.filter(fund=fund, is_active=True), key=lambda h: selectors.natural_key(h.number)
    )
    sheet = Paginator(households, TAGS_PER_SHEET).get_page(request.GET.get("page"))
    tags = []
    for household in sheet:
        household.fund = fund
        tags.append((household, qr.tag_svg(qr.tag_url(request, household))))
    return render(request, "jimpitan/tag_sheet.html", {"fund": fund, "tags": tags, "sheet": sheet})


# --- the roster ---------------------------------------------------------------------------------


def _roster_page(request: RegionRequest, fund: Fund, group_form: forms.Form | None = None) -> HttpResponse:
    can_manage = _can_manage(request, fund)
    context = {
        "fund": fund,
        "groups": selectors.groups_of(fund=fund),
        "today_group": selectors.group_on_duty(fund=fund, night=nights.today(fund, timezone.now())),
        "can_manage": can_manage,
        "group_form": group_form or jimpitan_forms.GroupForm(fund=fund),
        "member_form": jimpitan_forms.GroupMemberForm(fund=fund) if can_manage else None,
    }
    return render(request, "jimpitan/roster_detail.html", context)


@jimpitan_page(perm=COLLECT)
def roster(request: RegionRequest, region: Region, fund_id: int) -> HttpResponse:
    return _roster_page(request, _fund(request, region, fund_id, COLLECT))


@require_POST
@jimpitan_page(perm=MANAGE)
def group_create(request: RegionRequest, region: Region, fund_id: int) -> HttpResponse:
    fund = _fund(request, region, fund_id)
    form = jimpitan_forms.GroupForm(request.POST, fund=fund)
    if form.is_valid():
        d = form.cleaned_data
        call = lambda: services.group_create(fund=fund, name=d["name"], position=d["position"], actor=request.user)  # noqa: E731
        if attempt(request, form, call) is not None:
            messages.success(request, _("The group was added."))
            return _to_fund(region, fund, "roster")
    return _roster_page(request, fund, form)


@require_POST
@jimpitan_page(perm=MANAGE)
def group_member_add(request: RegionRequest, region: Region, group_id: int) -> HttpResponse:
    group = selectors.get_group(user=request.user, region=region, pk=group_id)
    form = jimpitan_forms.GroupMemberForm(request.POST, fund=group.fund)
    if not form.is_valid():
        _form_errors(request, form)
    else:
        user = form.cleaned_data["user"]
        if attempt(request, None, lambda: services.group_member_add(group=group, user=user, actor=request.user)):
            messages.success(request, _("%(name)s joined %(group)s.") % {"name": user, "group": group})
    return _to_fund(region, group.fund, "roster")


@require_POST
@jimpitan_page(perm=MANAGE)
def group_member_remove(request: RegionRequest, region: Region, member_id: int) -> HttpResponse:
    member = selectors.get_group_member(user=request.user, region=region, pk=member_id)
    group = services.group_member_remove(member=member, actor=request.user)
    messages.success(request, _("%(name)s left %(group)s.") % {"name": member.user, "group": group})
    return _to_fund(region, group.fund, "roster")


# --- tonight: the collection page ---------------------------------------------------------------


@jimpitan_page(perm=COLLECT)
def tonight(request: RegionRequest, region: Region, fund_id: int) -> HttpResponse:
    """The page the ronda works from at night; it keeps working offline (service worker + queue)."""
    fund = _fund(request, region, fund_id, COLLECT)
    state = selectors.tonight(fund=fund, user=request.user, now=timezone.now())
    context = {"fund": fund, "t": state, "can_manage": _can_manage(request, fund)}
    return render(request, "jimpitan/shift_tonight.html", context)


@require_POST
@jimpitan_page(perm=COLLECT)
def shift_open(request: RegionRequest, region: Region, fund_id: int) -> HttpResponse:
    fund = _fund(request, region, fund_id, COLLECT)
    if attempt(request, None, lambda: services.shift_open(fund=fund, actor=request.user)) is not None:
        messages.success(request, _("Tonight's shift is open. Scan the door tags or tap the houses."))
    return redirect(_safe_next(request, reverse("jimpitan:tonight", args=[region.slug, fund.pk])))


def _shift(request: RegionRequest, region: Region, shift_id: int) -> Shift:
    return selectors.get_shift(user=request.user, region=region, pk=shift_id)


@jimpitan_page(perm=COLLECT)
def shift_detail(request: RegionRequest, region: Region, shift_id: int) -> HttpResponse:
    shift = _shift(request, region, shift_id)
    context = {
        "record": selectors.shift_record(shift=shift),
        "fund": shift.fund,
        "can_close": shift.is_open and selectors.on_duty(user=request.user, fund=shift.fund, group=shift.group),
    }
    return render(request, "jimpitan/shift_detail.html", context)


def _wants_json(request: RegionRequest) -> bool:
    # META, not request.headers: that builds a mapping of every header first (~20 µs, twice a phone's POST).
    return "application/json" in request.META.get("HTTP_ACCEPT", "")


def _record(request: RegionRequest, shift: Shift, household: Household, d: dict[str, Any]) -> services.Recorded:
    return services.collection_record(
        shift=shift,
        household=household,
        idempotency_key=d["idempotency_key"],
        actor=request.user,
        amount=d["amount"],
        method=d["method"] or None,
        recorded_at=d["recorded_at"],
    )


def _recorded_message(result: services.Recorded) -> str:
    collection = result.collection
    if result.repeat:
        return _(REPEATED)
    paid = _("from the prepaid balance") if collection.method == Method.PREPAID else _("cash")
    values = {"number": collection.household.number, "amount": collection.amount, "paid": paid}
    return _("House %(number)s: Rp%(amount)s recorded (%(paid)s).") % values


def _back_to_tonight(request: RegionRequest, region: Region, shift: Shift) -> str:
    return _safe_next(request, reverse("jimpitan:tonight", args=[region.slug, shift.fund_id]))


def _read_along_session(view: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
    """Decorator (outside `jimpitan_page`, which reads the session first): the shift and the house the POST names
    are read along the session's own statement (`rows.along_session`); a house id that is no number is not."""

    @wraps(view)
    def wrapper(request: HttpRequest, region_slug: str, shift_id: int) -> HttpResponseBase:
        household = request.POST.get("household", "")
        if re.fullmatch(PrimaryKeyConverter.regex, household):  # the form checks it; this decides the read along
            sessions.read_along(request.session, rows.along_session(shift_id=shift_id, household_id=int(household)))
        return view(request, region_slug, shift_id)

    return wrapper


@require_POST
@_read_along_session
@jimpitan_page(perm=COLLECT)
def collection_create(request: RegionRequest, region: Region, shift_id: int) -> HttpResponse:
    """Record one house; JSON for the offline queue, a redirect with a message for a plain form.

    A phone's POST costs two statements: the session with its user, their memberships, the shift and the house
    (`_read_along_session`), and the write (issue #8).
    """
    form = jimpitan_forms.CollectionForm(request.POST)
    if not form.is_valid():
        shift = _shift(request, region, shift_id)
        message = "; ".join(str(e) for errors in form.errors.values() for e in errors)
        return _answer(request, region, shift, status=400, message=message)
    d = form.cleaned_data
    try:
        shift, household = selectors.get_shift_and_household(
            user=request.user, region=region, pk=shift_id, household_pk=d["household"], session=request.session
        )
    except Http404:
        if not _wants_json(request):
            raise
        # The phone's queue shows the message beside the item; a 404 page would read "Not Found" there.
        return JsonResponse({"ok": False, "message": _(NOT_ON_THIS_SHIFT)}, status=404)
    try:
        result = _record(request, shift, household, d)
    except ApplicationError as error:
        return _answer(request, region, shift, status=error.status_code, message=error.message)
    status = 200 if result.repeat else 201
    return _answer(request, region, shift, status=status, message=_recorded_message(result), result=result)


def _answer(
    request: RegionRequest,
    region: Region,
    shift: Shift,
    *,
    status: int,
    message: str,
    result: services.Recorded | None = None,
) -> HttpResponse:
    """JSON for the page's queue; else a message and back to tonight's page (its address is built only here)."""
    if _wants_json(request):
        body: dict[str, Any] = {"ok": result is not None, "message": message}
        if result is not None:
            c = result.collection
            body.update(repeat=result.repeat, household=c.household_id, amount=c.amount, method=c.method)
        return JsonResponse(body, status=status)
    (messages.success if result is not None else messages.error)(request, message)
    return redirect(_back_to_tonight(request, region, shift))


@jimpitan_page(perm=COLLECT)
def shift_close(request: RegionRequest, region: Region, shift_id: int) -> HttpResponse:
    shift = _shift(request, region, shift_id)
    record = selectors.shift_record(shift=shift)
    form = jimpitan_forms.CloseForm(request.POST or None, initial={"counted_total": record.cash_total})
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        call = lambda: services.shift_close(  # noqa: E731
            shift=shift, counted_total=d["counted_total"], note=d["note"], actor=request.user
        )
        if attempt(request, form, call) is not None:
            messages.success(request, _("The shift is closed and its cash is in the cash book."))
            return redirect("jimpitan:shift", region_slug=region.slug, shift_id=shift.pk)
    return render(request, "jimpitan/shift_close.html", {"record": record, "fund": shift.fund, "form": form})


@jimpitan_page(perm=COLLECT)
def tag_scan(request: RegionRequest, region: Region, tag_token: str) -> HttpResponse:
    """Where a door tag's QR code leads: tonight's record form for that house."""
    household = selectors.get_household_by_tag(user=request.user, region=region, token=tag_token)
    fund = household.fund
    state = selectors.tonight(fund=fund, user=request.user, now=timezone.now())
    row = next((r for r in state.rows if r.household.pk == household.pk), None)
    context = {"fund": fund, "household": household, "t": state, "row": row}
    return render(request, "jimpitan/collection_form.html", context)


# --- the cash book ------------------------------------------------------------------------------


@jimpitan_page(perm=MANAGE)
def cash_book(request: RegionRequest, region: Region, fund_id: int) -> HttpResponse:
    fund = _fund(request, region, fund_id)
    month = _month(request, fund)
    book = selectors.cash_book(fund=fund, month=month)
    return render(request, "jimpitan/ledger_list.html", {"fund": fund, "book": book, **_month_links(month)})


@jimpitan_page(perm=MANAGE)
def income_create(request: RegionRequest, region: Region, fund_id: int) -> HttpResponse:
    fund = _fund(request, region, fund_id)
    form = jimpitan_forms.IncomeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        call = lambda: services.income_record(  # noqa: E731
            fund=fund,
            kind=d["kind"],
            amount=d["amount"],
            description=d["description"],
            booked_on=d["booked_on"],
            idempotency_key=d["idempotency_key"],
            actor=request.user,
        )
        if attempt(request, form, call) is not None:
            messages.success(request, _("The income was booked."))
            return _to_fund(region, fund, "cash_book")
    return render(request, "jimpitan/entry_form.html", {"form": form, "fund": fund, "title": _("Book an income")})


@jimpitan_page(perm=MANAGE)
def expense_create(request: RegionRequest, region: Region, fund_id: int) -> HttpResponse:
    fund = _fund(request, region, fund_id)
    form = jimpitan_forms.ExpenseForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        call = lambda: services.expense_record(  # noqa: E731
            fund=fund,
            amount=d["amount"],
            purpose=d["description"],
            receipt=d["receipt"],
            spent_on=d["spent_on"],
            idempotency_key=d["idempotency_key"],
            actor=request.user,
        )
        if attempt(request, form, call) is not None:
            messages.success(request, _("The expense was booked."))
            return _to_fund(region, fund, "cash_book")
    context = {"form": form, "fund": fund, "title": _("Book an expense"), "multipart": True}
    return render(request, "jimpitan/entry_form.html", context)


@jimpitan_page(perm=MANAGE)
def entry_reverse(request: RegionRequest, region: Region, entry_id: int) -> HttpResponse:
    entry = selectors.get_entry(user=request.user, region=region, pk=entry_id)
    form = jimpitan_forms.ReverseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        call = lambda: services.entry_reverse(  # noqa: E731
            entry=entry, reason=d["reason"], idempotency_key=d["idempotency_key"], actor=request.user
        )
        if attempt(request, form, call) is not None:
            messages.success(request, _("A correcting entry was booked; the original stays in the book."))
            return _to_fund(region, entry.fund, "cash_book")
    context = {"form": form, "fund": entry.fund, "entry": entry, "title": _("Correct an entry")}
    return render(request, "jimpitan/entry_form.html", context)


@jimpitan_page(perm=MANAGE)
def entry_receipt(request: RegionRequest, region: Region, entry_id: int) -> HttpResponse:
    """The photo of an expense's receipt, for the fund's treasurers only."""
    entry = selectors.get_entry(user=request.user, region=region, pk=entry_id)
    if not entry.receipt:
        raise Http404
    content_type = mimetypes.guess_type(entry.receipt.name)[0] or "application/octet-stream"
    with entry.receipt.open("rb") as photo:  # at most 5 MB
        response = HttpResponse(photo.read(), content_type=content_type)
    response["Cache-Control"] = "private, max-age=3600"
    return response


# --- arrears ------------------------------------------------------------------------------------


@jimpitan_page(perm=MANAGE)
def arrear_list(request: RegionRequest, region: Region, fund_id: int) -> HttpResponse:
    fund = _fund(request, region, fund_id)
    last_month = nights.previous_month(nights.month_start(nights.today(fund, timezone.now())))
    arrears = selectors.arrears_of(fund=fund)
    context = {
        "fund": fund,
        "arrears": [(a, jimpitan_forms.SettleForm()) for a in arrears],
        "open_total": sum(a.amount for a in arrears if not getattr(a, "is_settled", False)),
        "assess_form": jimpitan_forms.AssessForm(initial={"month": f"{last_month:%Y-%m}"}),
    }
    return render(request, "jimpitan/arrear_list.html", context)


@require_POST
@jimpitan_page(perm=MANAGE)
def arrears_assess(request: RegionRequest, region: Region, fund_id: int) -> HttpResponse:
    fund = _fund(request, region, fund_id)
    month = nights.parse_month(request.POST.get("month"))
    if month is None:
        messages.error(request, _("Choose a month (year and month)."))
        return _to_fund(region, fund, "arrears")
    created = attempt(request, None, lambda: services.arrears_assess(fund=fund, month=month, actor=request.user))
    if created is not None:
        text = ngettext("%(count)d arrear was added.", "%(count)d arrears were added.", len(created))
        messages.success(request, text % {"count": len(created)})
    return _to_fund(region, fund, "arrears")


@require_POST
@jimpitan_page(perm=MANAGE)
def arrear_settle(request: RegionRequest, region: Region, arrear_id: int) -> HttpResponse:
    arrear = selectors.get_arrear(user=request.user, region=region, pk=arrear_id)
    form = jimpitan_forms.SettleForm(request.POST)
    key = form.cleaned_data["idempotency_key"] if form.is_valid() else uuid.uuid4()
    call = lambda: services.arrear_settle(arrear=arrear, idempotency_key=key, actor=request.user)  # noqa: E731
    if attempt(request, None, call) is not None:
        messages.success(request, _("House %(number)s settled its arrear.") % {"number": arrear.household.number})
    return _to_fund(region, arrear.fund, "arrears")


# --- the monthly report -------------------------------------------------------------------------


@jimpitan_page(perm=MANAGE)
def report(request: RegionRequest, region: Region, fund_id: int) -> HttpResponse:
    fund = _fund(request, region, fund_id)
    month = _month(request, fund)
    public_url = None
    if fund.share_token:
        path = reverse("jimpitan:public_report", args=[region.slug, fund.share_token])
        public_url = request.build_absolute_uri(path)
    context = {
        "fund": fund,
        "report": selectors.month_report(fund=fund, month=month),
        "public_url": public_url,
        **_month_links(month),
    }
    return render(request, "jimpitan/report_detail.html", context)


def _pdf_response(fund: Fund, month: Any) -> HttpResponse:
    body = report_pdf(selectors.month_report(fund=fund, month=month))
    response = HttpResponse(body, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="jimpitan-{month:%Y-%m}.pdf"'
    return response


@jimpitan_page(perm=MANAGE)
def report_pdf_view(request: RegionRequest, region: Region, fund_id: int) -> HttpResponse:
    fund = _fund(request, region, fund_id)
    return _pdf_response(fund, _month(request, fund))


@region_page(public=True)
def public_report(request: RegionRequest, region: Region, share_token: str) -> HttpResponse:
    """The report residents open with the link their treasurer shared: house numbers only, no names."""
    fund = selectors.fund_by_share_token(region=region, token=share_token)
    month = _month(request, fund)
    context = {"fund": fund, "report": selectors.month_report(fund=fund, month=month), **_month_links(month)}
    response = render(request, "jimpitan/report_public.html", context)
    response["X-Robots-Tag"] = "noindex"
    return response


@region_page(public=True)
def public_report_pdf(request: RegionRequest, region: Region, share_token: str) -> HttpResponse:
    fund = selectors.fund_by_share_token(region=region, token=share_token)
    response = _pdf_response(fund, _month(request, fund))
    response["X-Robots-Tag"] = "noindex"
    return response


@region_page(public=True)
def household_record(request: RegionRequest, region: Region, household_id: int, record_token: str) -> HttpResponse:
    """A household's own record, opened with the private link its treasurer sent it: no other house appears."""
    household = selectors.household_by_record_token(region=region, pk=household_id, token=record_token)
    record = selectors.household_record(household=household)
    context = {"household": household, "fund": household.fund, "record": record}
    response = render(request, "jimpitan/household_record.html", context)
    response["X-Robots-Tag"] = "noindex"
    response["Cache-Control"] = "private, no-store"
    return response


@region_page(perm=Perm.DASHBOARD_VIEW)
def city(request: RegionRequest, region: Region) -> HttpResponse:
    """The Smart Society view for city staff: RTs running, rupiah collected and participation per kelurahan."""
    latest = nights.parse_month(request.GET.get("month")) or nights.month_start(timezone.localdate())
    context = {"rollup": selectors.city_rollup(region=region, latest=latest), **_month_links(latest)}
    return render(request, "jimpitan/city_rollup.html", context)


@require_GET
@region_page(public=True)
def service_worker(request: RegionRequest, region: Region) -> HttpResponse:
    """The offline helper, served under /<region>/jimpitan/ so that it may control the collection pages."""
    response = HttpResponse(SERVICE_WORKER.read_bytes(), content_type="text/javascript; charset=utf-8")
    response["Cache-Control"] = "no-cache"
    return response
