"""Forms of replication; each turns its input into the typed arguments of one service."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from kotacerdas.agencies.models import Agency
from kotacerdas.jimpitan.models import Payment, Rotation, Scheme
from kotacerdas.planning.models import Programme
from kotacerdas.regions.models import Region
from kotacerdas.replication import template as tpl
from kotacerdas.replication.models import ReplicableProgramme, Visit
from kotacerdas.replication.selectors import MappingRow
from kotacerdas.replication.services import OfferData, VisitData
from kotacerdas.servicerequests.models import Service

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
TIME = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")


class AgencyChoiceField(forms.ModelChoiceField):
    """Agencies by their full name: short names repeat across regions and kinds."""

    def label_from_instance(self, obj: Any) -> str:
        return str(obj.name)


class AgencyMultipleChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.name)


def _active_agencies(region: Region) -> Any:
    return Agency.objects.for_region(region).filter(is_active=True).order_by("name")


class OfferForm(forms.Form):
    code = forms.SlugField(label=_("Code"), max_length=40, help_text=_("Short, stable name in templates, e.g. “jss”."))
    what_it_delivers = forms.CharField(
        label=_("What it delivers"), max_length=1000, widget=forms.Textarea(attrs={"rows": 3})
    )
    contact_agency = AgencyChoiceField(label=_("Contact agency"), queryset=Agency.objects.none())
    started_on = forms.DateField(
        label=_("Programme started on"), widget=DATE, help_text=_("Milestones are shared as days after this date.")
    )
    app_name = forms.CharField(label=_("Application name"), max_length=200, required=False)
    app_needs = forms.CharField(
        label=_("What the application does"),
        max_length=4000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Shared in templates. Leave empty when the programme needs no application."),
    )
    services = forms.ModelMultipleChoiceField(
        label=_("Services of the catalogue it uses"),
        queryset=Service.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    with_jimpitan = forms.BooleanField(label=_("Share jimpitan scheme defaults"), required=False)
    scheme = forms.ChoiceField(label=_("Scheme"), choices=Scheme.choices, initial=Scheme.NIGHTLY)
    nightly_amount = forms.IntegerField(label=_("Nightly amount (Rp)"), min_value=0, max_value=100_000, initial=500)
    monthly_tariff = forms.IntegerField(label=_("Monthly tariff (Rp)"), min_value=0, max_value=10_000_000, initial=0)
    payment = forms.ChoiceField(label=_("Payment"), choices=Payment.choices, initial=Payment.CASH)
    watch_start = forms.TimeField(label=_("Watch starts"), widget=TIME, initial=dt.time(22, 0))
    watch_end = forms.TimeField(label=_("Watch ends"), widget=TIME, initial=dt.time(6, 0))
    rw_share_percent = forms.IntegerField(label=_("RW share (%)"), min_value=0, max_value=100, initial=30)
    rotation = forms.ChoiceField(label=_("Rotation"), choices=Rotation.choices, initial=Rotation.WEEKLY)

    JIMPITAN = (
        "scheme", "nightly_amount", "monthly_tariff", "payment", "watch_start", "watch_end", "rw_share_percent",
        "rotation",
    )  # fmt: skip

    def __init__(self, *args: Any, region: Region, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["contact_agency"].queryset = _active_agencies(region)  # type: ignore[attr-defined]
        services = Service.objects.for_region(region).active().order_by("code")
        self.fields["services"].queryset = services  # type: ignore[attr-defined]

    @classmethod
    def initial_from(cls, offer: ReplicableProgramme) -> dict[str, Any]:
        initial: dict[str, Any] = {name: getattr(offer, name) for name in OfferData.SCALARS}
        initial["services"] = list(offer.services.all())
        if offer.jimpitan:
            initial.update(offer.jimpitan, with_jimpitan=True)
        return initial

    def to_data(self) -> OfferData:
        d = self.cleaned_data
        return OfferData(
            code=d["code"],
            what_it_delivers=d["what_it_delivers"].strip(),
            contact_agency=d["contact_agency"],
            started_on=d["started_on"],
            app_name=d["app_name"].strip(),
            app_needs=d["app_needs"].strip(),
            services=list(d["services"]),
            jimpitan=self._jimpitan() if d["with_jimpitan"] else None,
        )

    def _jimpitan(self) -> tpl.JimpitanEntry:
        d = {name: self.cleaned_data[name] for name in self.JIMPITAN}
        d["watch_start"], d["watch_end"] = d["watch_start"].strftime("%H:%M"), d["watch_end"].strftime("%H:%M")
        return tpl.JimpitanEntry(**d)


class UploadForm(forms.Form):
    file = forms.FileField(label=_("Template file (.json, at most 2 MB)"))


class CatalogueChoiceForm(forms.Form):
    """The programmes chosen in another region's catalogue, carried to the import."""

    source = forms.SlugField(max_length=50, widget=forms.HiddenInput)
    programme = forms.MultipleChoiceField(
        label=_("Programmes"), choices=[], widget=forms.CheckboxSelectMultiple, required=True
    )

    def __init__(self, *args: Any, codes: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["programme"].choices = codes  # type: ignore[attr-defined]


class MappingForm(forms.Form):
    """One choice per agency of the template, prefilled with the suggestion; a visit to link."""

    visit = forms.ModelChoiceField(label=_("Follows up the visit"), queryset=Visit.objects.none(), required=False)

    def __init__(self, *args: Any, region: Region, rows: list[MappingRow], visits: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.rows = rows
        agencies = _active_agencies(region)
        for row in rows:
            self.fields[f"agency_{row.entry.key}"] = AgencyChoiceField(
                label=row.entry.name,
                queryset=agencies,
                required=False,
                initial=row.suggestion,
                empty_label=_("— choose an agency —"),
                help_text=row.described,
            )
        self.fields["visit"].queryset = visits  # type: ignore[attr-defined]

    def mapping_fields(self) -> list[forms.BoundField]:
        return [self[f"agency_{row.entry.key}"] for row in self.rows]

    def mapping(self) -> dict[str, Agency]:
        d = self.cleaned_data
        return {row.entry.key: d[f"agency_{row.entry.key}"] for row in self.rows if d.get(f"agency_{row.entry.key}")}


class HostForm(forms.Form):
    host = forms.ModelChoiceField(
        label=_("Host region"), queryset=Region.objects.none(), to_field_name="slug", empty_label=None
    )

    def __init__(self, *args: Any, region: Region, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        others = Region.objects.filter(is_active=True).exclude(pk=region.pk).order_by("name")
        self.fields["host"].queryset = others  # type: ignore[attr-defined]


class VisitForm(forms.Form):
    host_agency = AgencyChoiceField(label=_("Received by"), queryset=Agency.objects.none())
    visited_on = forms.DateField(label=_("Date"), widget=DATE)
    topics = forms.CharField(label=_("Topics"), max_length=4000, widget=forms.Textarea(attrs={"rows": 4}))
    head = AgencyChoiceField(label=_("Head of the delegation (agency)"), queryset=Agency.objects.none())
    delegation = AgencyMultipleChoiceField(
        label=_("Other agencies in the delegation"),
        queryset=Agency.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    programmes = forms.ModelMultipleChoiceField(
        label=_("Programmes studied"),
        queryset=Programme.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, region: Region, host: Region, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.host = host
        self.fields["host_agency"].queryset = _active_agencies(host)  # type: ignore[attr-defined]
        self.fields["head"].queryset = _active_agencies(region)  # type: ignore[attr-defined]
        self.fields["delegation"].queryset = _active_agencies(region)  # type: ignore[attr-defined]
        published = Programme.objects.for_region(host).published().top_level().order_by("title")
        self.fields["programmes"].queryset = published  # type: ignore[attr-defined]

    def clean_visited_on(self) -> dt.date:
        visited_on: dt.date = self.cleaned_data["visited_on"]
        if not dt.date(2000, 1, 1) <= visited_on <= dt.date(2100, 12, 31):
            raise forms.ValidationError(_("Give a date between 2000 and 2100."))
        return visited_on

    def to_data(self) -> VisitData:
        d = self.cleaned_data
        return VisitData(
            host_region=self.host,
            host_agency=d["host_agency"],
            visited_on=d["visited_on"],
            topics=d["topics"].strip(),
            delegation=list(d["delegation"]),
            head=d["head"],
            programmes=list(d["programmes"]),
        )
