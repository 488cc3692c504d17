"""Forms of citizen services; each hands typed values to one service."""

from __future__ import annotations

import uuid
from decimal import Decimal
from typing import Any

from django import forms
from django.contrib.auth.password_validation import validate_password
from django.core.validators import FileExtensionValidator
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from kotacerdas.agencies.models import Agency
from kotacerdas.regions.models import Area, AreaLevel, Region
from kotacerdas.servicerequests.models import (
    OPEN_STATUSES,
    AttributeType,
    RequestKind,
    RequestStatus,
    Service,
    ServiceAttribute,
)
from kotacerdas.servicerequests.selectors import PublicFilter, QueueFilter
from kotacerdas.servicerequests.services import CONSENT_PURPOSE, CONTACT_REQUIRED, CitizenData, Correction, RequestData

MAX_PHOTO = 5 * 1024 * 1024


class SignupForm(forms.Form):
    full_name = forms.CharField(label=_("Full name"), max_length=150)
    email = forms.EmailField(label=_("E-mail"), required=False)
    phone = forms.CharField(label=_("Phone"), max_length=20, required=False, help_text=_("E.g. 081234567890."))
    nik = forms.CharField(
        label=_("NIK"), min_length=16, max_length=16, help_text=_("16 digits, as on your KTP. Stored encrypted.")
    )
    password = forms.CharField(label=_("Password"), widget=forms.PasswordInput, min_length=10)
    consent = forms.BooleanField(label=_(CONSENT_PURPOSE), required=True)

    def clean_password(self) -> str:
        password: str = self.cleaned_data["password"]
        validate_password(password)
        return password

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        # An e-mail address that failed its own check already has its error: no second one about missing contact.
        if not data.get("email") and not data.get("phone") and "email" not in self.errors:
            self.add_error("email", _(CONTACT_REQUIRED))
        return data

    def to_data(self) -> CitizenData:
        d = self.cleaned_data
        return CitizenData(
            full_name=d["full_name"],
            password=d["password"],
            nik=d["nik"],
            email=d["email"].strip().lower(),
            phone=d["phone"].strip(),
            consent=d["consent"],
        )


class RequestForm(forms.Form):
    """Description, kind, location (map point, address or kelurahan/RT), photo, flags, and the service's questions."""

    kind = forms.ChoiceField(label=_("This is"), choices=RequestKind.choices, initial=RequestKind.COMPLAINT)
    description = forms.CharField(
        label=_("What is the matter?"), max_length=4000, widget=forms.Textarea(attrs={"rows": 4})
    )
    area = forms.ModelChoiceField(label=_("Kelurahan / RT"), queryset=Area.objects.none(), required=False)
    address = forms.CharField(label=_("Address or landmark"), max_length=300, required=False)
    lat = forms.DecimalField(label=_("Latitude"), required=False, min_value=-90, max_value=90, decimal_places=6)
    long = forms.DecimalField(label=_("Longitude"), required=False, min_value=-180, max_value=180, decimal_places=6)
    photo = forms.ImageField(
        label=_("Photo"), required=False, validators=[FileExtensionValidator(["jpg", "jpeg", "png", "webp"])]
    )
    is_secret = forms.BooleanField(label=_("Secret: do not publish this report"), required=False)
    is_anonymous = forms.BooleanField(label=_("Anonymous: publish it, but hide my name"), required=False)
    idempotency_key = forms.CharField(widget=forms.HiddenInput, required=False, max_length=64)

    def __init__(self, *args: Any, region: Region, service: Service, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["area"].queryset = (  # type: ignore[attr-defined]
            Area.objects.for_region(region)
            .filter(level__gte=AreaLevel.VILLAGE)
            .select_related("parent")
            .order_by("level", "name")
        )
        if not self.is_bound:
            # One key per opened form: a double tap or a retry on a bad connection files the request once.
            self.fields["idempotency_key"].initial = uuid.uuid4().hex
        self.questions = list(ServiceAttribute.objects.filter(service=service))
        for attribute in self.questions:
            self.fields[f"attr_{attribute.code}"] = _question_field(attribute)

    def clean_photo(self) -> Any:
        photo = self.cleaned_data.get("photo")
        if photo and photo.size > MAX_PHOTO:
            raise forms.ValidationError(_("The photo is larger than 5 MB."))
        return photo

    def to_data(self) -> RequestData:
        d = self.cleaned_data
        return RequestData(
            description=d["description"],
            kind=d["kind"],
            lat=d["lat"],
            long=d["long"],
            address=d["address"],
            area=d["area"],
            attributes={a.code: d.get(f"attr_{a.code}") for a in self.questions},
            is_secret=d["is_secret"],
            is_anonymous=d["is_anonymous"],
            photo=d["photo"],
            idempotency_key=d["idempotency_key"] or None,
        )


def _question_field(attribute: ServiceAttribute) -> forms.Field:
    common: dict[str, Any] = {
        "label": attribute.description,
        "required": attribute.required,
        "help_text": attribute.datatype_description,
    }
    choices = [(str(v.get("key")), str(v.get("name"))) for v in attribute.values]
    if attribute.datatype == AttributeType.NUMBER:
        return forms.DecimalField(
            max_digits=18, decimal_places=6, max_value=Decimal("1e12"), min_value=Decimal("-1e12"), **common
        )
    if attribute.datatype == AttributeType.DATETIME:
        return forms.DateTimeField(widget=forms.DateTimeInput(attrs={"type": "datetime-local"}), **common)
    if attribute.datatype == AttributeType.SINGLE:
        return forms.ChoiceField(choices=[("", "—"), *choices], **common)
    if attribute.datatype == AttributeType.MULTI:
        return forms.MultipleChoiceField(choices=choices, widget=forms.CheckboxSelectMultiple, **common)
    if attribute.datatype == AttributeType.TEXT:
        return forms.CharField(max_length=4000, widget=forms.Textarea(attrs={"rows": 3}), **common)
    return forms.CharField(max_length=300, **common)


class NoteForm(forms.Form):
    note = forms.CharField(
        label=_("Public note"), max_length=4000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class RerouteForm(forms.Form):
    agency = forms.ModelChoiceField(label=_("Send to agency"), queryset=Agency.objects.none())
    reason = forms.CharField(label=_("Reason"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args: Any, region: Region, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = Agency.objects.for_region(region).filter(is_active=True)  # type: ignore[attr-defined]


class DataRequestForm(forms.Form):
    message = forms.CharField(
        label=_("What should change?"), max_length=4000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class ServiceForm(forms.Form):
    agency = forms.ModelChoiceField(label=_("Agency"), queryset=Agency.objects.none())
    code = forms.CharField(label=_("Code"), max_length=40)
    name = forms.CharField(label=_("Name"), max_length=200)
    description = forms.CharField(label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    group = forms.CharField(label=_("Group"), max_length=100, required=False)
    keywords = forms.CharField(label=_("Keywords"), max_length=300, required=False)
    response_minutes = forms.IntegerField(
        label=_("Respond within (minutes)"), min_value=1, max_value=60 * 24 * 60, initial=120
    )
    resolution_minutes = forms.IntegerField(
        label=_("Resolve within (minutes)"), min_value=1, max_value=60 * 24 * 365, initial=60 * 24
    )
    is_active = forms.BooleanField(label=_("Active"), required=False, initial=True)

    def __init__(self, *args: Any, region: Region, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = Agency.objects.for_region(region).filter(is_active=True)  # type: ignore[attr-defined]


class NikForm(forms.Form):
    nik = forms.CharField(
        label=_("NIK"), min_length=16, max_length=16, help_text=_("16 digits, as on your KTP. Stored encrypted.")
    )
    consent = forms.BooleanField(label=_(CONSENT_PURPOSE), required=True)


class QueueFilterForm(forms.Form):
    """The work queues' filters; a value that does not fit is reported and ignored."""

    status = forms.ChoiceField(label=_("Status"), required=False)
    service = forms.ModelChoiceField(
        label=_("Service"), queryset=Service.objects.none(), required=False, empty_label=_("All")
    )
    area = forms.ModelChoiceField(
        label=_("Kelurahan"), queryset=Area.objects.none(), required=False, empty_label=_("All")
    )
    overdue = forms.BooleanField(label=_("Overdue only"), required=False)

    def __init__(self, *args: Any, region: Region, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        open_statuses = [(value, label) for value, label in RequestStatus.choices if value in OPEN_STATUSES]
        self.fields["status"].choices = [("", _("All open")), *open_statuses]  # type: ignore[attr-defined]
        self.fields["service"].queryset = Service.objects.for_region(region).order_by("name")  # type: ignore[attr-defined]
        self.fields["area"].queryset = _villages(region)  # type: ignore[attr-defined]

    def to_filter(self) -> QueueFilter:
        d = self.cleaned_data if self.is_valid() else _valid_part(self)
        return QueueFilter(
            status=d.get("status") or "",
            service=d.get("service"),
            area=d.get("area"),
            overdue=bool(d.get("overdue")),
        )


class PublicFilterForm(forms.Form):
    state = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("All")), ("open", _("Still being handled")), ("closed", _("Finished"))],
    )
    service = forms.ModelChoiceField(
        label=_("Service"), queryset=Service.objects.none(), required=False, empty_label=_("All")
    )
    area = forms.ModelChoiceField(
        label=_("Kelurahan"), queryset=Area.objects.none(), required=False, empty_label=_("All")
    )

    def __init__(self, *args: Any, region: Region, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["service"].queryset = Service.objects.for_region(region).active().order_by("name")  # type: ignore[attr-defined]
        self.fields["area"].queryset = _villages(region)  # type: ignore[attr-defined]

    def to_filter(self) -> PublicFilter:
        d = self.cleaned_data if self.is_valid() else _valid_part(self)
        return PublicFilter(state=d.get("state") or "", service=d.get("service"), area=d.get("area"))


def _villages(region: Region) -> Any:
    return Area.objects.for_region(region).filter(level=AreaLevel.VILLAGE).order_by("name")


def _valid_part(form: forms.Form) -> dict[str, Any]:
    """The fields that passed validation (Django keeps only those in cleaned_data)."""
    return getattr(form, "cleaned_data", {})


class CorrectionForm(forms.Form):
    full_name = forms.CharField(label=_("Full name"), max_length=150)
    email = forms.EmailField(label=_("E-mail"), required=False)
    phone = forms.CharField(label=_("Phone"), max_length=20, required=False)
    nik = forms.CharField(
        label=_("New NIK"), min_length=16, max_length=16, required=False, help_text=_("Leave empty to keep the NIK.")
    )
    response = forms.CharField(
        label=_("Answer to the citizen"), max_length=4000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def to_correction(self) -> Correction:
        d = self.cleaned_data
        return Correction(full_name=d["full_name"], email=d["email"], phone=d["phone"].strip(), nik=d["nik"])


class EraseForm(forms.Form):
    confirm = forms.BooleanField(
        label=_("I checked the request: delete this citizen's personal data and close the account."), required=True
    )
    response = forms.CharField(
        label=_("Answer to the citizen"), max_length=4000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class RefuseForm(forms.Form):
    prefix = "refuse"  # shares its page with the correction or deletion form
    response = forms.CharField(
        label=_("Why the request is refused"), max_length=4000, widget=forms.Textarea(attrs={"rows": 2})
    )


class RevealForm(forms.Form):
    reason = forms.CharField(
        label=_("Why you need the full NIK"),
        max_length=500,
        help_text=_("Recorded in the audit log with your name."),
    )


class QuestionForm(forms.Form):
    """An extra question; choices one per line, as `key = Shown name` or just the name."""

    prefix = "question"  # shares its page with the service's own form

    description = forms.CharField(label=_("Question"), max_length=300)
    code = forms.CharField(label=_("Code"), max_length=40, help_text=_("Short, without spaces, e.g. pole_number."))
    datatype = forms.ChoiceField(label=_("Answer type"), choices=AttributeType.choices)
    required = forms.BooleanField(label=_("An answer is required"), required=False)
    values = forms.CharField(
        label=_("Choices"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("For a choice question: one per line, e.g. “kampung = Jalan kampung”."),
    )
    datatype_description = forms.CharField(label=_("Hint"), max_length=300, required=False)
    order = forms.IntegerField(label=_("Position"), min_value=0, max_value=999, required=False)

    def clean_values(self) -> list[dict[str, str]]:
        choices = []
        for line in self.cleaned_data["values"].splitlines():
            if not line.strip():
                continue
            key, _sep, name = line.partition("=")
            key, name = (key.strip(), name.strip()) if name.strip() else (slugify(line)[:40], line.strip())
            if not key:
                raise forms.ValidationError(_("Give each choice a key of letters or digits."))
            choices.append({"key": key[:40], "name": name[:200]})
        return choices

    @staticmethod
    def initial_of(attribute: ServiceAttribute) -> dict[str, Any]:
        lines = "\n".join(f"{v.get('key')} = {v.get('name')}" for v in attribute.values)
        fields = ("description", "code", "datatype", "required", "datatype_description", "order")
        return {**{name: getattr(attribute, name) for name in fields}, "values": lines}


class RouteForm(forms.Form):
    prefix = "route"  # shares its page with the service's own form
    area = forms.ModelChoiceField(label=_("Kemantren or kelurahan"), queryset=Area.objects.none())
    agency = forms.ModelChoiceField(label=_("Handled by"), queryset=Agency.objects.none())

    def __init__(self, *args: Any, region: Region, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        areas = Area.objects.for_region(region).filter(level__lte=AreaLevel.VILLAGE).select_related("parent")
        self.fields["area"].queryset = areas.order_by("level", "name")  # type: ignore[attr-defined]
        self.fields["agency"].queryset = Agency.objects.for_region(region).filter(is_active=True)  # type: ignore[attr-defined]
