"""Measure the site under the production server configuration and print one table (issue #8)."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from kotacerdas.bench import fixtures, report, runner, scratch, server
from kotacerdas.bench.scenarios import Timing

QUICK = Timing(warmup_s=0.3, duration_s=1.0, exports=1, warmup_limit_s=1.0)
FULL = Timing(warmup_s=2.0, duration_s=10.0, exports=2)
SCRATCH_ENV = "KOTACERDAS_BENCH_SCRATCH"  # set for the inner run of --quick: its database is a fresh file
FRESH_ENV = "KOTACERDAS_BENCH_FRESH"  # set: migrate and generate even when today's template exists


class Command(BaseCommand):
    help = (
        "Serve the site with the production server (gunicorn, kotacerdas/gunicorn_conf.py) on 127.0.0.1, drive it "
        "from a second process and print requests/s, p50/p99 and the ratio to a hello-world view per scenario. "
        "--quick: a fresh SQLite database with small data, about a second per scenario (CI). Any failed "
        "request makes the command fail."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--quick", action="store_true", help="a scratch SQLite database and short scenarios")
        parser.add_argument("--record", action="store_true", help="append the table to BENCHMARKS.md")
        parser.add_argument("--duration", type=float, help="measured seconds per scenario")
        parser.add_argument("--warmup", type=float, help="warm-up seconds per scenario")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["quick"] and not os.environ.get(SCRATCH_ENV):
            self._rerun_on_scratch_database(options)
            return
        timing = FULL if not options["quick"] else QUICK
        timing = Timing(
            warmup_s=options["warmup"] if options["warmup"] is not None else timing.warmup_s,
            duration_s=options["duration"] or timing.duration_s,
            exports=timing.exports,
            warmup_limit_s=timing.warmup_limit_s,
        )
        self._run(timing, quick=options["quick"], record=options["record"], verbosity=options["verbosity"])

    def _run(self, timing: Timing, *, quick: bool, record: bool, verbosity: int) -> None:
        title = f"{report.now()} — {'quick' if quick else 'full'} run"
        started = time.monotonic()

        def say(text: str) -> None:
            if verbosity > 0:
                self.stdout.write(f"[{time.monotonic() - started:5.1f} s] {text}")

        fill = (lambda: say("Scratch database " + scratch.fill(templates=_templates()))) if quick else None
        options = runner.Options(timing=timing, title=title, var_dir=_server_var_dir(), say=say, fill=fill)
        try:
            result = runner.run(options)
        except (fixtures.NoData, server.ServerFailed, runner.LoadgenFailed) as problem:
            raise CommandError(str(problem)) from problem
        self.stdout.write(report.render(result))
        if record:
            report.record(result, Path(settings.BASE_DIR) / "BENCHMARKS.md")
            self.stdout.write("Recorded in BENCHMARKS.md.")
        failed = [row.name for row in result.rows if row.failed]
        if failed:
            raise CommandError(f"Failed scenario(s): {', '.join(failed)}")

    def _rerun_on_scratch_database(self, options: dict[str, Any]) -> None:
        """Run this command again with settings pointing at a fresh SQLite file in a temporary directory."""
        with tempfile.TemporaryDirectory(prefix="kotacerdas-bench-") as directory:
            env = dict(os.environ)
            env.update(
                {
                    SCRATCH_ENV: str(Path(settings.VAR_DIR) / "bench"),  # where the day's template is kept
                    "KOTACERDAS_VAR_DIR": directory,
                    "DATABASE_URL": f"sqlite:///{directory}/bench.sqlite3",
                }
            )
            command = [sys.executable, "-m", "kotacerdas", "bench", "--quick", f"-v{options['verbosity']}"]
            command += ["--record"] if options["record"] else []
            command += [f"--duration={options['duration']}"] if options["duration"] else []
            command += [f"--warmup={options['warmup']}"] if options["warmup"] is not None else []
            if subprocess.run(command, env=env, check=False).returncode != 0:
                raise CommandError("The quick benchmark failed.")


def _templates() -> Path | None:
    """Where the quick run keeps the day's filled database (KOTACERDAS_BENCH_FRESH=1: always build afresh)."""
    return None if os.environ.get(FRESH_ENV) else Path(os.environ[SCRATCH_ENV])


def _server_var_dir() -> Path:
    """Where the server's collected static files go: inside the scratch dir, else var/bench (not var/static)."""
    if os.environ.get(SCRATCH_ENV):
        return Path(settings.VAR_DIR)
    return Path(settings.VAR_DIR) / "bench"
