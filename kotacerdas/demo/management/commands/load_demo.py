"""Load the demo regions, agencies and accounts (idempotent; refused in production)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from kotacerdas.demo.loader import load_all

STEPS = 9


class Command(BaseCommand):
    help = "Load the demo data (Kota Yogyakarta, Kabupaten Musi Rawas, one account per role). Safe to run twice."

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEMO_DATA_ALLOWED:
            raise CommandError(
                "Demo data is not allowed here (PRODUCTION=true). Set DEMO_DATA_ALLOWED=true to override."
            )
        quiet = options["verbosity"] == 0
        with tqdm(total=STEPS, desc="demo data", unit="step", disable=quiet) as bar:

            def progress(message: str) -> None:
                bar.update(1)
                if not quiet:
                    bar.write(f"  {message}")

            accounts = load_all(progress)
        if quiet:
            return
        self.stdout.write(f"Demo accounts (password: {settings.DEMO_PASSWORD}):")
        for username, role in accounts:
            self.stdout.write(f"  {username:<36} {role}")
