"""Removing a previous synthetic set: every row of the regions gen-NNNN and of their generated accounts.

A second run replaces the first instead of adding to it. Real and demo regions are never touched: the
rows go by region (any foreign key to a generated region), by the region of the row a many-to-many
link belongs to, and by the generated accounts' usernames ("gen-0001.bappeda").
"""

from __future__ import annotations

from django.apps import apps
from django.db import connection, models

from kotacerdas.accounts.models import User
from kotacerdas.regions.models import Region

SYNTHETIC_SLUG = r"^gen-[0-9]{4}$"
SYNTHETIC_USERNAME = r"^gen-[0-9]{4}\."


def synthetic_regions() -> models.QuerySet[Region]:
    return Region.objects.filter(slug__regex=SYNTHETIC_SLUG)


def delete_synthetic(*, empty_whole_tables: bool = False) -> int:
    """Delete the generated regions with everything in them; returns how many regions went.

    Must run inside a transaction: the foreign keys are checked at its end, so the order of the deletes
    does not matter, and a failure leaves the previous set whole. With `empty_whole_tables` (during a
    big load, foreign keys dropped), a table holding nothing but synthetic rows is emptied in one step.
    """
    region_ids = list(synthetic_regions().values_list("pk", flat=True))
    if not region_ids:
        return 0
    listed = ",".join(str(pk) for pk in region_ids)
    with connection.cursor() as cursor:
        for model in apps.get_models(include_auto_created=True):
            for statement in _statements(model, listed, empty_whole_tables):
                cursor.execute(statement)
    # Accounts last, through the ORM: it follows every relation to a user (sessions' owners, tokens, …).
    User.objects.filter(username__regex=SYNTHETIC_USERNAME).delete()
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {_quoted(Region)} WHERE id IN ({listed})")
    return len(region_ids)


def _statements(model: type[models.Model], listed: str, empty_whole_tables: bool) -> list[str]:
    if model is Region:
        return []
    columns = _region_columns(model)
    if columns:
        where = " OR ".join(f"COALESCE({connection.ops.quote_name(c)} IN ({listed}), FALSE)" for c in columns)
        if empty_whole_tables and _holds_only(model, where) and _nothing_refers_to(model):
            return [_emptied(model)]
        return [f"DELETE FROM {_quoted(model)} WHERE {where}"]
    if model._meta.auto_created:
        return _link_statements(model, listed)
    return []


def _holds_only(model: type[models.Model], where: str) -> bool:
    """Whether every row of the table is synthetic (then it is emptied at once instead of row by row)."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT 1 FROM {_quoted(model)} WHERE NOT ({where}) LIMIT 1")
        return cursor.fetchone() is None


def _nothing_refers_to(model: type[models.Model]) -> bool:
    """PostgreSQL truncates only a table no remaining foreign key points at (the load drops most of them)."""
    if connection.vendor != "postgresql":
        return True
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT 1 FROM pg_constraint WHERE contype = 'f' AND confrelid = %s::regclass LIMIT 1", [_quoted(model)]
        )
        return cursor.fetchone() is None


def _emptied(model: type[models.Model]) -> str:
    """TRUNCATE on PostgreSQL (transactional there); SQLite empties a table without WHERE in one step."""
    if connection.vendor == "postgresql":
        return f"TRUNCATE {_quoted(model)}"
    return f"DELETE FROM {_quoted(model)}"


def _region_columns(model: type[models.Model]) -> list[str]:
    return [
        field.column for field in model._meta.concrete_fields if field.is_relation and field.related_model is Region
    ]


def _link_statements(through: type[models.Model], listed: str) -> list[str]:
    """A many-to-many link goes with the region-owned row it starts from."""
    for field in through._meta.concrete_fields:
        owner = field.related_model
        if field.is_relation and isinstance(owner, type) and "region" in _field_names(owner):
            subquery = f"SELECT id FROM {_quoted(owner)} WHERE region_id IN ({listed})"
            return [f"DELETE FROM {_quoted(through)} WHERE {connection.ops.quote_name(field.column)} IN ({subquery})"]
    return []


def _field_names(model: type[models.Model]) -> set[str]:
    return {f.name for f in model._meta.concrete_fields}


def _quoted(model: type[models.Model]) -> str:
    return connection.ops.quote_name(model._meta.db_table)
