"""Django's AuthenticationMiddleware, with the session's user taken from the session's own statement."""

from __future__ import annotations

from django.contrib.auth import middleware
from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from kotacerdas.accounts.sessions import user_read_with


class AuthenticationMiddleware(middleware.AuthenticationMiddleware):
    """request.user as Django sets it (lazily, by auth.get_user with its checks), with the session's statement
    offered to the backend while it looks the user up (accounts.sessions): a member's request reads the session,
    the user and their memberships in one round trip.

    Once looked up, the user replaces the lazy proxy on the request: every later `request.user.x` is then a plain
    attribute read, not a trip through LazyObject's __getattribute__ and __getattr__ (~1 µs each, dozens a page:
    5 % of a phone's collection POST). Whoever kept the proxy itself still reads the same user through it.
    """

    def process_request(self, request: HttpRequest) -> None:
        super().process_request(request)
        request.user = SimpleLazyObject(lambda: _user(request))  # type: ignore[assignment]


def _user(request: HttpRequest) -> AbstractBaseUser | AnonymousUser:
    with user_read_with(request.session):
        user = middleware.get_user(request)
    request.user = user
    return user
