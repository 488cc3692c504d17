"""The quick run's scratch database: migrated and filled with tiny generated data.

Migrating a fresh database takes most of a quick run (Django renders the migration state of every
room), so the filled file is kept as a template under var/bench/ and copied for the next quick run
of the same day, as long as no migration and no line of the generator changed. The day is part of
the key because generated dates and the dashboard's "overdue" counts depend on today.
"""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

from django.core.management import call_command
from django.db import connection
from django.utils import timezone

import kotacerdas

SIZE = 0.001
PACKAGE = Path(kotacerdas.__file__).parent


def template_key() -> str:
    """Today's date and a digest of every migration and of the generator's code."""
    digest = hashlib.sha256(str(SIZE).encode())
    sources = sorted(PACKAGE.glob("*/migrations/*.py")) + sorted((PACKAGE / "demo" / "synthetic").glob("*.py"))
    for source in sources:
        digest.update(str(source.relative_to(PACKAGE)).encode())
        digest.update(source.read_bytes())
    return f"{timezone.localdate():%Y%m%d}-{digest.hexdigest()[:16]}"


def fill(*, templates: Path | None, verbosity: int = 0) -> str:
    """Fill the (empty) database this process uses; say whether it was built or copied from today's template."""
    database = Path(connection.settings_dict["NAME"])
    template = templates / f"quick-{template_key()}.sqlite3" if templates is not None else None
    if template is not None and template.exists():
        connection.close()
        shutil.copyfile(template, database)
        return f"copied from {template}"
    call_command("migrate", verbosity=verbosity, interactive=False)
    call_command("generate", size=SIZE, seed=1, verbosity=verbosity)
    if template is not None:
        _keep(database, template)
    return "migrated and generated"


def _keep(database: Path, template: Path) -> None:
    """Save the filled file as the template (whole: the WAL checkpointed into it first) and drop older ones."""
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    connection.close()
    template.parent.mkdir(parents=True, exist_ok=True)
    for old in template.parent.glob("quick-*.sqlite3"):
        old.unlink()
    partial = template.with_suffix(".partial")
    shutil.copyfile(database, partial)
    partial.replace(template)
