"""The plain SQL statement of a phone's collection POST: its read (the shift, its fund and group, one house).

Every collection a phone sends runs both. Through the ORM, compiling the read (select_related over two filtered
relations) cost ~0.7 ms of CPU per request, more than the rest of the POST's own work, and the INSERT ~0.06 ms
more than its statement; the statements themselves take microseconds. So each is written once per database
connection from the models' metadata: the read's rows become the instances the ORM would build (core/rows.py),
the INSERT is a prepared one (core/rows.py `prepare_insert`). Scoping to the user's RTs stays in
`selectors.get_shift_and_household`. The read rides along the session's own statement when the view asks for it
before the session is read (`along_session`, accounts.sessions.read_along): one round trip fewer.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import partial
from typing import Any

from django.db import connections, router
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import Model

from kotacerdas.accounts.membership_rows import Along
from kotacerdas.accounts.models import Session
from kotacerdas.core.rows import Columns, model_columns, per_connection, statement_cursor
from kotacerdas.core.rows import column as quoted_column
from kotacerdas.jimpitan.models import Fund, Household, RondaGroup, RondaGroupMember, Shift


@dataclass(frozen=True)
class ShiftAndHousehold:
    """What the POST needs: the shift, its fund, the house, the night's group and whether the user is in it."""

    shift: Shift
    fund: Fund
    household: Household
    group: RondaGroup | None
    in_group: bool


@dataclass(frozen=True)
class _Read:
    sql: str
    tables: tuple[Columns, ...]  # shift, fund, household, group


def shift_and_household(*, region_id: int, shift_id: int, household_id: int, user_id: int) -> ShiftAndHousehold | None:
    """The region's shift with its fund and group, the house with this id (of any fund: check it), and whether the
    user is in the group."""
    connection = connections[router.db_for_read(Shift)]
    statement = _read_statement(connection)
    with statement_cursor(connection, statement.sql) as cursor:
        cursor.execute(statement.sql, [user_id, shift_id, region_id, household_id])
        row = cursor.fetchone()
    return None if row is None else _found(statement.tables, row, connection)


def along_session(*, shift_id: int, household_id: int) -> Along:
    """The read of `shift_and_household` for the session's own user, to ride along the session's statement (the
    region is not in it: `shift_and_household_along` gives the shift of whichever region, the caller checks it)."""
    return Along(name=__name__, sql=_along_sql, params=(shift_id, household_id))


def is_along_session(along: Along | None, *, shift_id: int, household_id: int) -> bool:
    """Whether `along` is this read (`along_session`) for that shift and house."""
    return along is not None and along.name == __name__ and along.params == (shift_id, household_id)


def shift_and_household_along(values: Sequence[object]) -> ShiftAndHousehold | None:
    """What the read along the session's statement found (its values); None when the shift or the house is not there."""
    connection = connections[router.db_for_read(Session)]  # where the session's statement ran
    found = _found(_along_tables(connection), values, connection)
    return None if found.shift is None or found.household is None else found


def _found(tables: Sequence[Columns], row: Sequence[Any], connection: BaseDatabaseWrapper) -> ShiftAndHousehold:
    """The instances of a row of either read (shift, fund, house, group; then whether the user is in the group)."""
    shift, fund, household, group = (table.instance(row, connection) for table in tables)
    return ShiftAndHousehold(shift, fund, household, group, in_group=bool(row[-1]))


@per_connection
def _along_tables(connection: BaseDatabaseWrapper) -> tuple[Columns, ...]:
    return model_columns(connection, Shift, Fund, Household, RondaGroup, alias="a")


def _along_sql(connection: BaseDatabaseWrapper) -> tuple[str, str]:
    """The select list and LEFT JOINs of the read along the session's statement (shift a0 by id, its fund a1, the
    house a2 by id, the group a3; whether the session's user `s.user_id` is in that group)."""
    column, table = partial(quoted_column, connection), partial(_table, connection)
    in_group = _in_group(connection, shift="a0", user=f"s.{column(Session, 'user_id')}")
    joins = (
        f"LEFT JOIN {table(Shift)} a0 ON a0.{column(Shift, 'id')} = %s"
        f" LEFT JOIN {table(Fund)} a1 ON a1.{column(Fund, 'id')} = a0.{column(Shift, 'fund')}"
        f" LEFT JOIN {table(Household)} a2 ON a2.{column(Household, 'id')} = %s"
        f" LEFT JOIN {table(RondaGroup)} a3 ON a3.{column(RondaGroup, 'id')} = a0.{column(Shift, 'group')}"
    )
    return f"{', '.join(t.select for t in _along_tables(connection))}, {in_group}", joins


@per_connection
def _read_statement(connection: BaseDatabaseWrapper) -> _Read:
    """SELECT every column of the shift (t0), its fund (t1), the house (t2) and the group (t3, may be NULL)."""
    tables = model_columns(connection, Shift, Fund, Household, RondaGroup)
    column, table = partial(quoted_column, connection), partial(_table, connection)
    in_group = _in_group(connection, shift="t0", user="%s")
    sql = (
        f"SELECT {', '.join(t.select for t in tables)}, {in_group} FROM {table(Shift)} t0"
        f" INNER JOIN {table(Fund)} t1 ON t1.{column(Fund, 'id')} = t0.{column(Shift, 'fund')}"
        f" CROSS JOIN {table(Household)} t2"  # by its id; the caller checks its fund (PostgreSQL plans it faster)
        f" LEFT JOIN {table(RondaGroup)} t3 ON t3.{column(RondaGroup, 'id')} = t0.{column(Shift, 'group')}"
        f" WHERE t0.{column(Shift, 'id')} = %s AND t0.{column(Shift, 'region')} = %s"
        f" AND t2.{column(Household, 'id')} = %s"
    )
    return _Read(sql, tables)


def _in_group(connection: BaseDatabaseWrapper, *, shift: str, user: str) -> str:
    """Whether the user (a parameter or a column) is in the group of the shift aliased `shift`."""
    column = partial(quoted_column, connection)
    return (
        f"EXISTS (SELECT 1 FROM {_table(connection, RondaGroupMember)} m WHERE m.{column(RondaGroupMember, 'group')}"
        f" = {shift}.{column(Shift, 'group')} AND m.{column(RondaGroupMember, 'user')} = {user})"
    )


def _table(connection: BaseDatabaseWrapper, model: type[Model]) -> str:
    return connection.ops.quote_name(model._meta.db_table)
