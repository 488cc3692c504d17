"""The capability declaration form: one checkbox and note per element."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from kotacerdas.agencies.models import Capability
from kotacerdas.agencies.services import CapabilityChoice
from kotacerdas.framework.models import Element


class CapabilityForm(forms.Form):
    """Built from the region's elements; field names are `el_<id>` and `note_<id>`."""

    def __init__(self, *args: Any, elements: list[Element], current: dict[int, Capability], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.elements = elements
        for element in elements:
            cap = current.get(element.pk)
            self.fields[f"el_{element.pk}"] = forms.BooleanField(
                required=False, label=element.label, initial=cap is not None
            )
            self.fields[f"note_{element.pk}"] = forms.CharField(
                required=False,
                max_length=500,
                label=_("How the agency supports it"),
                initial=cap.note if cap else "",
                widget=forms.Textarea(attrs={"rows": 2}),
            )

    def rows(self) -> list[tuple[Element, forms.BoundField, forms.BoundField]]:
        return [(e, self[f"el_{e.pk}"], self[f"note_{e.pk}"]) for e in self.elements]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for element in self.elements:
            if data.get(f"note_{element.pk}") and not data.get(f"el_{element.pk}"):
                self.add_error(f"note_{element.pk}", _("Tick the element to keep this note, or clear the note."))
        return data

    def choices(self) -> list[CapabilityChoice]:
        data = self.cleaned_data
        return [
            CapabilityChoice(element=e, note=data.get(f"note_{e.pk}", "").strip())
            for e in self.elements
            if data.get(f"el_{e.pk}")
        ]
