"""Django's ModelBackend, but the user of a session (read on every request) with one plain SQL statement."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend

from kotacerdas.accounts.membership_rows import user_with_memberships
from kotacerdas.accounts.models import User
from kotacerdas.accounts.selectors import remember_memberships
from kotacerdas.accounts.sessions import member_read_with_session

# What a login names in the session: a session naming a backend no longer in AUTHENTICATION_BACKENDS is anonymous.
BACKEND_PATH = "kotacerdas.accounts.backends.UserBackend"


class UserBackend(ModelBackend):
    """ModelBackend.get_user compiles `User.objects.get(pk=...)` each request (~0.13 ms of CPU); this reads the user
    and their active memberships with one plain statement (or takes them from the session's, accounts.sessions),
    and leaves the memberships on the user for the permission checks of the request (accounts.selectors.memberships_of).
    """

    def get_user(self, user_id: Any) -> User | None:
        found = member_read_with_session(user_id) or user_with_memberships(user_id)
        if found is None:
            return None
        user, memberships = found
        if not self.user_can_authenticate(user):
            return None
        remember_memberships(user, memberships)
        return user
