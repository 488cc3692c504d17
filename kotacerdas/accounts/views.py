"""Account pages: landing after login, password change (audited) and API tokens."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kotacerdas.accounts.forms import ApiTokenForm
from kotacerdas.accounts.models import ApiToken
from kotacerdas.accounts.selectors import home_region_slug, memberships_of
from kotacerdas.accounts.services import api_token_create, api_token_revoke
from kotacerdas.audit import services as audit
from kotacerdas.audit.actions import AuditAction
from kotacerdas.core.types import AuthedRequest


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """Send a user to their region, or show their roles when they have none or several."""
    memberships = memberships_of(request.user)
    slug = home_region_slug(request.user)
    if slug and len({m.region_id for m in memberships}) == 1:
        return redirect("regions:home", region_slug=slug)
    return render(request, "accounts/home.html", {"memberships": memberships})


class PasswordChangeView(auth_views.PasswordChangeView):
    """Django's view, plus an audit entry in the same transaction as the change."""

    def form_valid(self, form: Any) -> HttpResponse:
        with transaction.atomic():
            response = super().form_valid(form)
            user = form.user  # the account whose password just changed
            audit.record(actor=user, action=AuditAction.PASSWORD_CHANGED, target=user)
        return response


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    """Django's view, plus the same audit entry as a password change."""

    def form_valid(self, form: Any) -> HttpResponse:
        with transaction.atomic():
            response = super().form_valid(form)
            audit.record(actor=form.user, action=AuditAction.PASSWORD_CHANGED, target=form.user, after={"via": "reset"})
        return response


@login_required
def token_list(request: AuthedRequest) -> HttpResponse:
    form = ApiTokenForm(request.POST or None)
    plaintext = None
    if request.method == "POST" and form.is_valid():
        _token, plaintext = api_token_create(user=request.user, name=form.cleaned_data["name"], actor=request.user)
        form = ApiTokenForm()
    tokens = ApiToken.objects.filter(user=request.user)
    return render(request, "accounts/token_list.html", {"form": form, "tokens": tokens, "plaintext": plaintext})


@login_required
@require_POST
def token_revoke(request: AuthedRequest, token_id: int) -> HttpResponse:
    token = ApiToken.objects.filter(user=request.user, pk=token_id).first()
    if token is None:
        raise Http404
    api_token_revoke(token=token, actor=request.user)
    messages.success(request, _("The token was revoked."))
    return redirect("accounts:tokens")
