"""Generate the synthetic national data set (regions gen-0001 …); a second run replaces the first."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from kotacerdas.demo.synthetic import generate


class Command(BaseCommand):
    help = (
        "Build a synthetic national data set: --size 1.0 is 514 regions, 1,000,000 service requests and about "
        "10,000,000 jimpitan collections; --size 0.001 suits CI. Replaces an earlier synthetic set "
        "(regions gen-NNNN); demo and real regions are left alone."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--size", type=float, default=1.0, help="1.0 = national scale (default); at most 1.9.")
        parser.add_argument("--seed", type=int, default=1, help="The same seed gives the same data (default 1).")

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEMO_DATA_ALLOWED:
            raise CommandError(
                "Synthetic data is not allowed here (PRODUCTION=true). Set DEMO_DATA_ALLOWED=true to override."
            )
        quiet = options["verbosity"] == 0
        try:
            summary = generate(size=options["size"], seed=options["seed"], progress=not quiet)
        except ValueError as error:
            raise CommandError(str(error)) from error
        if quiet:
            return
        self.stdout.write(summary.line())
        phases = ", ".join(f"{name} {seconds:.1f} s" for name, seconds in summary.phases.items())
        self.stdout.write(f"  phases: {phases}")
        self.stdout.write(
            f"  benchmark region {summary.bench_region}: Open311 key {summary.open311_key!r}, "
            f"accounts {', '.join(summary.accounts.values())} (password {summary.password!r})"
        )
