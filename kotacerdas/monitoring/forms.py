"""Forms of the monitoring room; each hands typed values to one service."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.core.validators import FileExtensionValidator
from django.utils.translation import gettext_lazy as _

from kotacerdas.framework.models import Dimension
from kotacerdas.monitoring import evidence
from kotacerdas.monitoring.models import Direction, EvaluationDimension, Indicator, Measure, Period
from kotacerdas.monitoring.services import IndicatorData, PortalData, ReportData
from kotacerdas.planning.models import ProgrammeStatus

MAX_UPLOAD = evidence.MAX_BYTES
VALUE_LIMIT = Decimal("9999999999999999.99")


def value_field(label: Any, required: bool = False) -> forms.DecimalField:
    return forms.DecimalField(
        label=label, required=required, max_digits=18, decimal_places=2, min_value=-VALUE_LIMIT, max_value=VALUE_LIMIT
    )


class IndicatorForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    measure = forms.ChoiceField(label=_("Measure"), choices=Measure.choices)
    unit = forms.CharField(
        label=_("Unit"), max_length=40, required=False, help_text=_("E.g. houses, metres, hectares.")
    )
    direction = forms.ChoiceField(label=_("Direction"), choices=Direction.choices)
    baseline_value = value_field(_("Baseline value"))
    baseline_text = forms.CharField(label=_("Baseline (qualitative)"), max_length=300, required=False)
    baseline_year = forms.IntegerField(label=_("Baseline year"), min_value=1990, max_value=2100, required=False)

    def to_data(self) -> IndicatorData:
        d = self.cleaned_data
        return IndicatorData(
            title=d["title"].strip(),
            measure=d["measure"],
            direction=d["direction"],
            unit=d["unit"].strip(),
            baseline_value=d["baseline_value"],
            baseline_text=d["baseline_text"].strip(),
            baseline_year=d["baseline_year"],
        )


class TargetForm(forms.Form):
    indicator = forms.ModelChoiceField(label=_("Indicator"), queryset=Indicator.objects.none())
    period = forms.ModelChoiceField(label=_("Period"), queryset=Period.objects.none())
    target = value_field(_("Target"))
    target_text = forms.CharField(label=_("Target (qualitative)"), max_length=300, required=False)

    def __init__(self, *args: Any, indicators: Any, periods: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["indicator"].queryset = indicators  # type: ignore[attr-defined]
        self.fields["period"].queryset = periods  # type: ignore[attr-defined]


class MilestoneForm(forms.Form):
    title = forms.CharField(label=_("Milestone"), max_length=200)
    planned_date = forms.DateField(label=_("Planned date"), widget=forms.DateInput(attrs={"type": "date"}))


class ReachForm(forms.Form):
    actual_date = forms.DateField(label=_("Reached on"), widget=forms.DateInput(attrs={"type": "date"}))


class PeriodForm(forms.Form):
    label = forms.CharField(label=_("Label"), max_length=40, help_text=_("E.g. 2025 or 2025 S1."))
    starts_on = forms.DateField(label=_("Starts"), widget=forms.DateInput(attrs={"type": "date"}))
    ends_on = forms.DateField(label=_("Ends"), widget=forms.DateInput(attrs={"type": "date"}))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("starts_on") and data.get("ends_on") and data["ends_on"] < data["starts_on"]:
            self.add_error("ends_on", _("The period must end on or after its start."))
        return data


class ReportForm(forms.Form):
    """The narrative, progress, evidence, and one field per indicator (`ind_<id>`)."""

    narrative = forms.CharField(label=_("What was done in this period"), widget=forms.Textarea(attrs={"rows": 5}))
    progress_percent = forms.IntegerField(label=_("Progress (%)"), min_value=0, max_value=100, required=False)
    attachment = forms.FileField(
        label=_("Photo or document"),
        required=False,
        validators=[FileExtensionValidator(["jpg", "jpeg", "png", "pdf"])],
        help_text=_("A JPG or PNG photo or a PDF document, at most 5 MB. Only the region's staff can open it."),
    )

    def __init__(self, *args: Any, indicators: list[Indicator], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.indicators = indicators
        for indicator in indicators:
            label = f"{indicator.title}" + (f" ({indicator.unit})" if indicator.unit else "")
            if indicator.is_qualitative:
                self.fields[f"ind_{indicator.pk}"] = forms.CharField(label=label, max_length=300, required=False)
            else:
                self.fields[f"ind_{indicator.pk}"] = value_field(label)

    def clean_attachment(self) -> Any:
        upload = self.cleaned_data.get("attachment")
        if upload and upload.size > MAX_UPLOAD:
            raise forms.ValidationError(_(evidence.TOO_LARGE))
        return upload

    def to_data(self) -> ReportData:
        d = self.cleaned_data
        values: dict[int, tuple[Decimal | None, str]] = {}
        for indicator in self.indicators:
            raw = d.get(f"ind_{indicator.pk}")
            if raw in (None, ""):
                continue
            values[indicator.pk] = (None, str(raw)) if indicator.is_qualitative else (raw, "")
        return ReportData(
            narrative=d["narrative"], progress_percent=d["progress_percent"], values=values, attachment=d["attachment"]
        )


class EvaluationOpenForm(forms.Form):
    year = forms.IntegerField(label=_("Year"), min_value=2017, max_value=2100)
    weight_baseline = forms.IntegerField(label=_("Weight: baseline (%)"), min_value=0, max_value=100, initial=10)
    weight_output = forms.IntegerField(label=_("Weight: output (%)"), min_value=0, max_value=100, initial=20)
    weight_outcome = forms.IntegerField(label=_("Weight: outcome (%)"), min_value=0, max_value=100, initial=30)
    weight_impact = forms.IntegerField(label=_("Weight: impact (%)"), min_value=0, max_value=100, initial=30)
    weight_quick_win = forms.IntegerField(label=_("Weight: quick win (%)"), min_value=0, max_value=100, initial=10)

    def weights(self) -> dict[str, int]:
        return {d: self.cleaned_data[f"weight_{d}"] for d in EvaluationDimension.values}

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if all(f"weight_{d}" in data for d in EvaluationDimension.values) and sum(self.weights().values()) != 100:
            raise forms.ValidationError(_("The five weights must add up to 100."))
        return data


SCORE_LIMITS = {"min_value": Decimal(0), "max_value": Decimal(5), "max_digits": 3, "decimal_places": 2}


class ScoreForm(forms.Form):
    eval_dimension = forms.ChoiceField(label=_("Evaluation dimension"), choices=EvaluationDimension.choices)
    smart_dimension = forms.ModelChoiceField(
        label=_("Smart dimension"), queryset=Dimension.objects.all(), required=False, empty_label=_("Overall")
    )
    score = forms.DecimalField(label=_("Score (0–5)"), **SCORE_LIMITS)  # type: ignore[arg-type]
    evidence = forms.CharField(
        label=_("Evidence"), widget=forms.Textarea(attrs={"rows": 2}), max_length=4000, required=False
    )


class VerifyForm(forms.Form):
    verified_score = forms.DecimalField(label=_("Verified score (0–5)"), **SCORE_LIMITS)  # type: ignore[arg-type]


class StatusPercentForm(forms.Form):
    """One percentage per programme status (`pct_<status>`)."""

    def __init__(self, *args: Any, current: dict[str, int], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for value, label in ProgrammeStatus.choices:
            self.fields[f"pct_{value}"] = forms.IntegerField(
                label=label, min_value=0, max_value=100, initial=current.get(value, 0)
            )


class PortalForm(forms.Form):
    """The region's CKAN portal; the token field stays empty to keep the stored token."""

    url = forms.URLField(
        label=_("Portal address"),
        max_length=200,
        assume_scheme="https",
        help_text=_("E.g. https://data.jogjakota.go.id"),
    )
    organization = forms.CharField(
        label=_("Organisation on the portal"), max_length=100, help_text=_("Its name as in the portal's address.")
    )
    package_name = forms.CharField(
        label=_("Dataset name on the portal"), max_length=100, help_text=_("Created on the first publication.")
    )
    token = forms.CharField(
        label=_("API token"),
        max_length=500,
        required=False,
        strip=True,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "off"}),
        help_text=_("Stored encrypted and never shown again. Leave empty to keep the current token."),
    )
    is_active = forms.BooleanField(label=_("Publish every night"), required=False, initial=True)

    def to_data(self) -> PortalData:
        d = self.cleaned_data
        return PortalData(
            url=d["url"],
            organization=d["organization"].strip(),
            package_name=d["package_name"].strip(),
            token=d["token"],
            is_active=d["is_active"],
        )
