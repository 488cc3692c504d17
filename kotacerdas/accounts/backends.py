"""Django's ModelBackend, but the user of a session (read on every request) with one plain SQL statement."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend
from django.db import connections, router
from django.db.backends.base.base import BaseDatabaseWrapper

from kotacerdas.accounts.models import User
from kotacerdas.core.rows import Columns, model_columns, per_connection

# What a login names in the session: a session naming a backend no longer in AUTHENTICATION_BACKENDS is anonymous.
BACKEND_PATH = "kotacerdas.accounts.backends.UserBackend"


class UserBackend(ModelBackend):
    """ModelBackend.get_user compiles `User.objects.get(pk=...)` each request (~0.13 ms of CPU); this reads it plain."""

    def get_user(self, user_id: Any) -> User | None:
        connection = connections[router.db_for_read(User)]
        columns, sql = _statement(connection)
        with connection.cursor() as cursor:
            cursor.execute(sql, [user_id])
            row = cursor.fetchone()
        user: User | None = None if row is None else columns.instance(row, connection)
        return user if user is not None and self.user_can_authenticate(user) else None


@per_connection
def _statement(connection: BaseDatabaseWrapper) -> tuple[Columns, str]:
    (columns,) = model_columns(connection, User)
    quote = connection.ops.quote_name
    where = f"WHERE t0.{quote(User._meta.pk.column)} = %s"
    return columns, f"SELECT {columns.select} FROM {quote(User._meta.db_table)} t0 {where}"
