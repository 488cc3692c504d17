"""The database session engine, but a session (read on every request that has one) loaded with one plain statement
that also reads the user it names and their memberships (accounts.models.Session keeps the user's id beside the data).

Its data is signed: decoding checks the signature (a key derivation and an HMAC) and parses JSON, ~0.1 ms of
CPU on every request. Each process keeps what it decoded under the exact text read from the database: the
same text decodes to the same data, so the signature is checked once per text, and any change to the row (a
save, or a tampered value) is a new text, decoded and checked afresh. Every load gets its own deep copy.

Who is logged in is still decided as Django decides it, from the decoded data (auth.get_user, with its check of
the password hash): the user read with the session is used only for the id the data names (`user_read_with`,
while accounts.middleware asks), else the backend reads the user with a statement of its own.

A view that will read something for the session's user anyway may ask for it to be read along the session's
statement (`read_along`, before the session is first read): its values are kept only under the same condition
as the user (`along_values`), else the view reads it itself.
"""

from __future__ import annotations

import copy
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import TYPE_CHECKING, Any

from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.backends import db
from django.core.exceptions import ValidationError
from django.utils import timezone

from kotacerdas.accounts.membership_rows import Along, session_with_user
from kotacerdas.accounts.models import Session, User

if TYPE_CHECKING:
    from django.contrib.sessions.backends.base import SessionBase

    from kotacerdas.accounts.models import Membership

DECODED_KEPT = 5_000  # session texts a process keeps decoded; past that it starts again from none
_decoded: dict[str, dict[str, Any]] = {}

# The session whose user is being looked up (accounts.middleware), for the backend's get_user.
_reading: ContextVar[SessionBase | None] = ContextVar("kotacerdas_session_reading", default=None)


class SessionStore(db.SessionStore):
    """db.SessionStore.load compiles `Session.objects.get(...)` each request (~0.1 ms of CPU); the same row, plain,
    with the user of its user_id column and their memberships (kept as `member` when the data names that user)."""

    member: tuple[User, list[Membership]] | None = None
    along: Along | None = None  # a read to make along the session's statement (`read_along`)
    along_values: tuple[Any, ...] | None = None  # its values, when the session's data names the user read with it

    @classmethod
    def get_model_class(cls) -> type[Session]:
        return Session

    def create_model_instance(self, data: dict[str, Any]) -> Session:
        """The row to save, with the id of the user the data names (or NULL)."""
        session = super().create_model_instance(data)
        assert isinstance(session, Session)
        session.user_id = _user_id(data.get(SESSION_KEY))
        return session

    def load(self) -> dict[str, Any]:
        self.member = self.along_values = None
        row = session_with_user(self.session_key, timezone.now(), self.along) if self.session_key else None
        if row is None:  # missing or expired: a new session, as db.SessionStore does
            self._session_key = None
            return {}
        data = _own_copy(self._decoded(row.data))
        if row.member is not None and _user_id(data.get(SESSION_KEY)) == row.user_id:
            self.member, self.along_values = row.member, row.along
        return data

    def _decoded(self, text: str) -> dict[str, Any]:
        data = _decoded.get(text)
        if data is None:
            data = self.decode(text)
            if len(_decoded) >= DECODED_KEPT:
                _decoded.clear()
            if data:  # a text that failed its signature decodes to {}: not kept, checked again next time
                _decoded[text] = data
        return data


def read_along(session: SessionBase, along: Along) -> bool:
    """Ask for `along` to be read with the session's statement; False when that is too late (read already) or the
    session is not of this engine."""
    if not isinstance(session, SessionStore) or hasattr(session, "_session_cache"):
        return False
    session.along = along
    return True


@contextmanager
def user_read_with(session: SessionBase) -> Iterator[None]:
    """While the user of `session` is looked up, let the backend take them from the session's own statement."""
    token = _reading.set(session)
    try:
        yield
    finally:
        _reading.reset(token)


def member_read_with_session(user_id: Any) -> tuple[User, list[Membership]] | None:
    """The user of `user_id` and their active memberships, if the session being read (`user_read_with`) read them."""
    session = _reading.get()
    member = getattr(session, "member", None)
    if member is None or member[0].pk != _user_id(user_id):
        return None
    return member


_SCALARS = (str, int, float, bool, type(None))


def _own_copy(data: dict[str, Any]) -> dict[str, Any]:
    """A copy of kept data that the request may change freely: a plain dict copy when every value is a scalar (a
    logged-in session's usual data: the user's id, backend, hash and language), else a deep copy."""
    if all(type(value) in _SCALARS for value in data.values()):
        return dict(data)
    return copy.deepcopy(data)


def _user_id(value: Any) -> int | None:
    """The user id a session's data names, as auth.get_user reads it; None when it names none."""
    if value is None:
        return None
    try:
        user_id = User._meta.pk.to_python(value)
    except ValidationError:
        return None
    return user_id if isinstance(user_id, int) else None
