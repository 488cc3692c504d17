"""What the HTML edge does with a service call: run it, and show a domain refusal on the form or as a message."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpRequest

from kotacerdas.core.errors import ApplicationError


def attempt(request: HttpRequest, form: forms.BaseForm | None, call: Callable[[], Any]) -> Any:
    """Run `call`; on an ApplicationError put its message on the form (its field if named) or in messages; None."""
    try:
        return call()
    except ApplicationError as error:
        if form is not None:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            messages.error(request, error.message)
        return None
