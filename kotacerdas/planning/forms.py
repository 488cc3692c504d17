"""Forms of the planning room; each turns its input into the typed arguments of one service."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from kotacerdas.agencies.models import Agency
from kotacerdas.framework.models import Dimension, Element
from kotacerdas.planning.models import MAX_BUDGET, FundingSource, Horizon, Masterplan, ProgrammeKind, Proposal
from kotacerdas.planning.services import Assignment, ProposalData
from kotacerdas.regions.models import Area, AreaLevel, Region


class LabelledChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(getattr(obj, "label", obj))


class LabelledMultipleChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        if isinstance(obj, Element):
            return f"{obj.dimension.label}: {obj.label}"
        return str(obj)


class RoundForm(forms.Form):
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    title = forms.CharField(label=_("Title"), max_length=200)
    deadline = forms.DateField(label=_("Deadline"), widget=forms.DateInput(attrs={"type": "date"}))
    description = forms.CharField(
        label=_("What Bappeda asks for"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    elements = LabelledMultipleChoiceField(
        label=_("Elements asked for"),
        queryset=Element.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Leave empty to ask for all elements."),
    )

    def __init__(self, *args: Any, region: Region, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["elements"].queryset = Element.objects.for_region(region).select_related("dimension")  # type: ignore[attr-defined]


class DeadlineForm(forms.Form):
    deadline = forms.DateField(label=_("New deadline"), widget=forms.DateInput(attrs={"type": "date"}))


class ProposalForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    description = forms.CharField(label=_("Description"), widget=forms.Textarea(attrs={"rows": 5}))
    dimension = LabelledChoiceField(label=_("Dimension"), queryset=Dimension.objects.all())
    elements = LabelledMultipleChoiceField(
        label=_("Elements it supports"), queryset=Element.objects.none(), widget=forms.CheckboxSelectMultiple
    )
    horizon = forms.ChoiceField(label=_("Horizon"), choices=Horizon.choices)
    areas = forms.ModelMultipleChoiceField(
        label=_("Location"),
        queryset=Area.objects.none(),
        required=False,
        help_text=_("Leave empty when the programme covers the whole region."),
    )
    beneficiaries = forms.CharField(label=_("Expected beneficiaries"), max_length=300)
    beneficiary_count = forms.IntegerField(label=_("Number of beneficiaries"), min_value=0, required=False)
    budget = forms.IntegerField(label=_("Budget (Rp, whole rupiah)"), min_value=0, max_value=MAX_BUDGET, initial=0)
    funding_source = forms.ChoiceField(label=_("Funding source"), choices=FundingSource.choices)
    partners = forms.CharField(label=_("Partner organisations"), max_length=300, required=False)
    needs_digitalisation = forms.BooleanField(label=_("Needs an application (digitalisation)"), required=False)
    digitalisation_needs = forms.CharField(
        label=_("What the application must do"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args: Any, region: Region, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["elements"].queryset = Element.objects.for_region(region).select_related("dimension")  # type: ignore[attr-defined]
        self.fields["areas"].queryset = (  # type: ignore[attr-defined]
            Area.objects.for_region(region).filter(level__lte=AreaLevel.VILLAGE).order_by("level", "name")
        )

    @classmethod
    def initial_from(cls, proposal: Proposal) -> dict[str, Any]:
        initial = {name: getattr(proposal, name) for name in ProposalData.SCALARS}
        initial["elements"] = list(proposal.elements.all())
        initial["areas"] = list(proposal.areas.all())
        return initial

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        dimension, elements = data.get("dimension"), data.get("elements") or []
        if dimension and any(e.dimension_id != dimension.pk for e in elements):
            self.add_error("elements", _("Every element must belong to the chosen dimension."))
        if data.get("needs_digitalisation") and not (data.get("digitalisation_needs") or "").strip():
            self.add_error("digitalisation_needs", _("Say what the application must do."))
        return data

    def to_data(self) -> ProposalData:
        d = self.cleaned_data
        return ProposalData(
            title=d["title"].strip(),
            description=d["description"].strip(),
            dimension=d["dimension"],
            elements=list(d["elements"]),
            horizon=d["horizon"],
            areas=list(d["areas"]),
            beneficiaries=d["beneficiaries"].strip(),
            beneficiary_count=d["beneficiary_count"],
            budget=d["budget"],
            funding_source=d["funding_source"],
            partners=d["partners"].strip(),
            needs_digitalisation=d["needs_digitalisation"],
            digitalisation_needs=d["digitalisation_needs"].strip(),
        )


class ReasonForm(forms.Form):
    note = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000)


class OptionalNoteForm(forms.Form):
    note = forms.CharField(label=_("Note"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000, required=False)


class MergeForm(ReasonForm):
    into = forms.ModelChoiceField(label=_("Merge into"), queryset=Proposal.objects.none())

    def __init__(self, *args: Any, proposal: Proposal, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["into"].queryset = (  # type: ignore[attr-defined]
            Proposal.objects.filter(round=proposal.round, status__in=["submitted", "under_review", "accepted"])
            .exclude(pk=proposal.pk)
            .select_related("agency")
        )


class AssignmentForm(forms.Form):
    """Lead agency, supporting agencies each with its role, masterplan and quick-win year."""

    lead = forms.ModelChoiceField(label=_("Lead agency"), queryset=Agency.objects.none())
    masterplan = forms.ModelChoiceField(label=_("Masterplan"), queryset=Masterplan.objects.none(), required=False)
    quick_win_year = forms.IntegerField(label=_("Quick win in year"), min_value=2000, max_value=2100, required=False)
    note = forms.CharField(label=_("Reason (optional)"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args: Any, region: Region, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.agencies = list(Agency.objects.for_region(region).filter(is_active=True).order_by("name"))
        self.fields["lead"].queryset = Agency.objects.for_region(region).filter(is_active=True)  # type: ignore[attr-defined]
        self.fields["masterplan"].queryset = Masterplan.objects.for_region(region)  # type: ignore[attr-defined]
        initial_supporters: dict[int, str] = self.initial.get("supporters", {})
        for agency in self.agencies:
            self.fields[f"sup_{agency.pk}"] = forms.BooleanField(
                label=agency.name, required=False, initial=agency.pk in initial_supporters
            )
            self.fields[f"role_{agency.pk}"] = forms.CharField(
                label=_("Its role"), required=False, max_length=200, initial=initial_supporters.get(agency.pk, "")
            )

    def supporter_rows(self) -> list[tuple[forms.BoundField, forms.BoundField]]:
        return [(self[f"sup_{a.pk}"], self[f"role_{a.pk}"]) for a in self.agencies]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        lead = data.get("lead")
        if lead is not None and data.get(f"sup_{lead.pk}"):
            self.add_error(f"sup_{lead.pk}", _("The lead agency cannot also be a supporting agency."))
        return data

    def to_assignment(self) -> Assignment:
        d = self.cleaned_data
        supporters = [(a, d.get(f"role_{a.pk}", "").strip()) for a in self.agencies if d.get(f"sup_{a.pk}")]
        return Assignment(
            lead=d["lead"], supporters=supporters, masterplan=d["masterplan"], quick_win_year=d["quick_win_year"]
        )


class ChildForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    kind = forms.ChoiceField(
        label=_("Kind"), choices=[c for c in ProgrammeKind.choices if c[0] != ProgrammeKind.PROGRAMME]
    )
    lead_agency = forms.ModelChoiceField(label=_("Lead agency"), queryset=Agency.objects.none())
    description = forms.CharField(label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    weight = forms.IntegerField(
        label=_("Weight"), min_value=1, max_value=1000, required=False, help_text=_("For the progress roll-up.")
    )
    budget = forms.IntegerField(label=_("Budget (Rp)"), min_value=0, max_value=MAX_BUDGET, initial=0)

    def __init__(self, *args: Any, region: Region, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["lead_agency"].queryset = Agency.objects.for_region(region).filter(is_active=True)  # type: ignore[attr-defined]


class MasterplanForm(forms.ModelForm):
    class Meta:
        model = Masterplan
        fields = ["title", "version", "period_start", "period_end", "vision", "mission", "legal_basis", "is_current"]
        widgets = {"vision": forms.Textarea(attrs={"rows": 3}), "mission": forms.Textarea(attrs={"rows": 5})}

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("period_start"), data.get("period_end")
        if start and end and end < start:
            self.add_error("period_end", _("The period must end after it starts."))
        return data


class DigitalisationActionForm(forms.Form):
    note = forms.CharField(label=_("Note"), required=False, max_length=4000, widget=forms.Textarea(attrs={"rows": 3}))
    app_name = forms.CharField(label=_("Application name"), required=False, max_length=200)
    app_url = forms.URLField(label=_("Application address"), required=False, assume_scheme="https")
