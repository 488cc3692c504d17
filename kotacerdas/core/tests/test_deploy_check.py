"""`kotacerdas check --deploy` under the production environment: no warning at all."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from django.core.management.utils import get_random_secret_key
from django.test import SimpleTestCase

PROJECT_DIR = Path(__file__).resolve().parents[3]


def run_check(**env: str) -> subprocess.CompletedProcess[str]:
    base = {"PATH": os.environ.get("PATH", ""), "DJANGO_SETTINGS_MODULE": "kotacerdas.settings"}
    return subprocess.run(
        [sys.executable, "-m", "kotacerdas", "check", "--deploy", "--fail-level", "WARNING"],
        env={**base, **env},
        cwd=PROJECT_DIR,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


class DeployCheckTests(SimpleTestCase):
    def test_it_passes_without_warnings_in_production(self) -> None:
        result = run_check(PRODUCTION="true", SECRET_KEY=get_random_secret_key(), ALLOWED_HOSTS="example.go.id")
        output = result.stdout + result.stderr
        self.assertEqual(result.returncode, 0, output)
        self.assertNotIn("WARNINGS", output)

    def test_it_refuses_to_start_in_production_without_a_secret_key(self) -> None:
        result = run_check(PRODUCTION="true", ALLOWED_HOSTS="example.go.id")
        self.assertNotEqual(result.returncode, 0)
        self.assertIn("SECRET_KEY must be set", result.stderr)

    def test_it_refuses_a_misspelt_boolean(self) -> None:
        result = run_check(PRODUCTION="maybe", SECRET_KEY=get_random_secret_key())
        self.assertNotEqual(result.returncode, 0)
        self.assertIn("PRODUCTION must be a boolean", result.stderr)
