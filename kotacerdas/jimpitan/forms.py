"""Forms of the jimpitan room; each turns its input into the typed arguments of one service.

Every form a phone may send twice carries a hidden idempotency key, made when the form is shown.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import TYPE_CHECKING, Any

from django import forms
from django.core.validators import FileExtensionValidator, MaxValueValidator, MinValueValidator
from django.utils.translation import gettext_lazy as _

from kotacerdas.accounts.models import Membership, User
from kotacerdas.accounts.roles import Role
from kotacerdas.core.converters import MAX_PK
from kotacerdas.jimpitan.models import (
    MAX_ENTRY_AMOUNT,
    MAX_MONTHLY_TARIFF,
    MAX_NIGHTLY_AMOUNT,
    WEEKDAYS,
    EntryKind,
    Fund,
    Method,
    Payment,
    Rotation,
    Scheme,
)
from kotacerdas.jimpitan.services import FundTerms, grouped_rupiah
from kotacerdas.regions.models import Area

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

MAX_RECEIPT_BYTES = 5 * 1024 * 1024
AMOUNT_MESSAGES = {
    "required": _("Enter the amount in whole rupiah."),
    "invalid": _("Enter the amount in whole rupiah, digits only."),
    "min_value": _("The amount must be at least Rp%(limit_value)s."),
    "max_value": _("The amount may be at most Rp%(limit_value)s."),
}


class _Grouped(int):
    """A limit that reads as an amount in an error message: grouped as the page's language writes it (100.000.000
    in Bahasa Indonesia, 100,000,000 in English), formatted when the message is, in the request's language."""

    def __str__(self) -> str:
        return grouped_rupiah(int(self))


def rupiah_field(
    label: StrOrPromise, *, maximum: int = MAX_ENTRY_AMOUNT, minimum: int = 1, **kwargs: Any
) -> forms.IntegerField:
    field = forms.IntegerField(
        label=label,
        min_value=minimum,
        max_value=maximum,
        error_messages=AMOUNT_MESSAGES,
        widget=forms.NumberInput(attrs={"inputmode": "numeric", "step": 1}),
        **kwargs,
    )
    # The same limits, grouped in their messages (the input's min/max attributes keep the plain digits).
    field.validators = [MinValueValidator(_Grouped(minimum)), MaxValueValidator(_Grouped(maximum))]
    return field


class IdempotentForm(forms.Form):
    """A form whose submission is identified by a key, so that sending it twice books it once."""

    idempotency_key = forms.UUIDField(widget=forms.HiddenInput, initial=uuid.uuid4)


class AreaChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        parent = f" · {obj.parent.name}" if obj.parent_id else ""
        return f"{obj}{parent}"


class FundForm(forms.Form):
    name = forms.CharField(label=_("Name of the fund"), max_length=120)
    scheme = forms.ChoiceField(label=_("Scheme"), choices=Scheme.choices, widget=forms.RadioSelect)
    nightly_amount = rupiah_field(
        _("Nightly amount (Rp)"), maximum=MAX_NIGHTLY_AMOUNT, minimum=0, required=False, initial=500
    )
    monthly_tariff = rupiah_field(_("Monthly tariff (Rp)"), maximum=MAX_MONTHLY_TARIFF, minimum=0, required=False)
    payment = forms.ChoiceField(label=_("Payment"), choices=Payment.choices, widget=forms.RadioSelect)
    watch_start = forms.TimeField(
        label=_("The watch starts at"), widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
    )
    watch_end = forms.TimeField(
        label=_("The watch ends at"), widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
    )
    rw_share_percent = forms.IntegerField(
        label=_("RW share of the income (%)"),
        min_value=0,
        max_value=100,
        initial=30,
        help_text=_("E.g. 30 for a 70/30 split between RT and RW."),
    )
    rotation = forms.ChoiceField(label=_("Ronda rotation"), choices=Rotation.choices, widget=forms.RadioSelect)
    rotation_start = forms.DateField(
        label=_("First night of the rotation"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_("Only for groups taking turns in order: the night group 1 is on duty."),
    )

    def __init__(self, *args: Any, areas: list[Area] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if areas is not None:
            self.fields["area"] = AreaChoiceField(
                label=_("RT or RW"), queryset=Area.objects.filter(pk__in=[a.pk for a in areas]), empty_label=None
            )
            self.order_fields(["area"])
        else:
            self.fields["is_active"] = forms.BooleanField(label=_("The fund is active"), required=False)

    @classmethod
    def initial_for(cls, fund: Fund | None = None) -> dict[str, Any]:
        if fund is None:
            return {"scheme": Scheme.NIGHTLY, "payment": Payment.CASH, "rotation": Rotation.WEEKLY,
                    "watch_start": dt.time(22, 0), "watch_end": dt.time(6, 0), "nightly_amount": 500}  # fmt: skip
        names = [*FundTerms.__dataclass_fields__, "is_active"]
        return {name: getattr(fund, name) for name in names}

    def to_terms(self) -> FundTerms:
        d = self.cleaned_data
        return FundTerms(
            name=d["name"].strip(),
            scheme=d["scheme"],
            nightly_amount=d["nightly_amount"] or 0,
            monthly_tariff=d["monthly_tariff"] or 0,
            payment=d["payment"],
            watch_start=d["watch_start"],
            watch_end=d["watch_end"],
            rw_share_percent=d["rw_share_percent"],
            rotation=d["rotation"],
            rotation_start=d["rotation_start"],
        )


class HouseholdForm(forms.Form):
    number = forms.CharField(label=_("House number"), max_length=20)
    head_name = forms.CharField(label=_("Head of household"), max_length=120)
    address = forms.CharField(label=_("Address"), max_length=200, required=False)

    def clean_number(self) -> str:
        number = str(self.cleaned_data["number"]).strip()
        if not number:
            raise forms.ValidationError(_("Give the house number."))
        return number


class MoveOutForm(forms.Form):
    moved_out_on = forms.DateField(
        label=_("Moved out on"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )


class TopUpForm(IdempotentForm):
    amount = rupiah_field(_("Top-up (Rp)"))


class IncomeForm(IdempotentForm):
    kind = forms.ChoiceField(
        label=_("Kind"),
        choices=[
            (EntryKind.DONATION, EntryKind.DONATION.label),
            (EntryKind.CARRIED_OVER, EntryKind.CARRIED_OVER.label),
        ],
        widget=forms.RadioSelect,
        initial=EntryKind.DONATION,
    )
    amount = rupiah_field(_("Amount (Rp)"))
    description = forms.CharField(label=_("From whom, what for"), max_length=200, required=False)
    booked_on = forms.DateField(
        label=_("Date"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_("Empty: today."),
    )


class ExpenseForm(IdempotentForm):
    amount = rupiah_field(_("Amount (Rp)"))
    description = forms.CharField(label=_("Purpose"), max_length=200)
    spent_on = forms.DateField(
        label=_("Date"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_("Empty: today."),
    )
    receipt = forms.ImageField(
        label=_("Photo of the receipt"),
        validators=[FileExtensionValidator(["jpg", "jpeg", "png", "webp"])],
        help_text=_("JPG, PNG or WebP, at most 5 MB."),
        error_messages={"required": _("Attach a photo of the receipt.")},
        widget=forms.ClearableFileInput(attrs={"accept": "image/*", "capture": "environment"}),
    )

    def clean_receipt(self) -> Any:
        upload = self.cleaned_data.get("receipt")
        if upload and upload.size > MAX_RECEIPT_BYTES:
            raise forms.ValidationError(_("The photo is larger than 5 MB."))
        return upload


class ReverseForm(IdempotentForm):
    reason = forms.CharField(label=_("Why is this entry wrong?"), max_length=200)


class SettleForm(IdempotentForm):
    pass


class GroupForm(forms.Form):
    name = forms.CharField(label=_("Name of the group"), max_length=60)
    position = forms.TypedChoiceField(label=_("Night on duty"), choices=WEEKDAYS, coerce=int)

    def __init__(self, *args: Any, fund: Fund, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if fund.rotation == Rotation.CYCLE:
            self.fields["position"] = forms.IntegerField(label=_("Turn in the rotation"), min_value=1, max_value=99)


class GroupMemberForm(forms.Form):
    user = forms.ModelChoiceField(label=_("Resident"), queryset=User.objects.none())

    def __init__(self, *args: Any, fund: Fund, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        serving = Membership.objects.active().filter(
            region=fund.region, area=fund.area, role__in=[Role.RONDA_MEMBER, Role.RT_TREASURER]
        )
        self.fields["user"].queryset = User.objects.filter(  # type: ignore[attr-defined]
            pk__in=serving.values("user_id")
        ).order_by("full_name", "username")


class _SharedFields(dict[str, forms.Field]):
    """A form class's fields that its instances share: Django deep-copies them for every form (so that a form may
    change its own fields), ~40 µs for five fields. Only for a form that never changes a field after its class is
    built (no widget attrs, choices or querysets set per instance)."""

    def __deepcopy__(self, memo: dict[int, Any]) -> dict[str, forms.Field]:
        return dict(self)


class CollectionForm(IdempotentForm):
    """A house's record as the phone posts it, once per house a night (~4 % of the POST was copying its fields)."""

    household = forms.IntegerField(widget=forms.HiddenInput, min_value=1, max_value=MAX_PK)  # a 20-digit id: 400
    amount = rupiah_field(_("Amount (Rp)"), required=False)
    method = forms.ChoiceField(choices=Method.choices, required=False, widget=forms.HiddenInput)
    # Set by the page's script when the phone queued the record while offline (ISO 8601).
    recorded_at = forms.DateTimeField(required=False, widget=forms.HiddenInput)


CollectionForm.base_fields = _SharedFields(CollectionForm.base_fields)


class CloseForm(forms.Form):
    counted_total = rupiah_field(_("Cash counted (Rp)"), minimum=0)
    note = forms.CharField(
        label=_("Note"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Required when the cash counted differs from the records."),
    )


class AssessForm(forms.Form):
    month = forms.CharField(label=_("Month"), widget=forms.TextInput(attrs={"type": "month"}), max_length=7)
