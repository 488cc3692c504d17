"""API authentication: a bearer token for machine clients, the session (with CSRF) for the browser."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja.security import HttpBearer, SessionAuth

from kotacerdas.accounts.services import api_token_authenticate


class TokenAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> Any:
        user = api_token_authenticate(token)
        if user is not None:
            request.user = user
        return user


API_AUTH = [TokenAuth(), SessionAuth()]
