"""`make run` installs only requirements/base.txt: no module outside the tests may need a test-only package.

The check runs in a fresh interpreter where importing a test-only package fails, then imports the URL
configuration, the WSGI application and every module of the project that is not a test.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap

from django.conf import settings
from django.test import SimpleTestCase

# The top-level packages that requirements/test.txt adds to the runtime.
TEST_ONLY = ["pytest", "pytest_django", "playwright", "ruff", "django_stubs_ext", "mypy", "time_machine", "factory"]

SCRIPT = textwrap.dedent(
    """
    import importlib, importlib.abc, pkgutil, sys

    BLOCKED = set(sys.argv[1].split(","))

    class Block(importlib.abc.MetaPathFinder):
        def find_spec(self, name, path=None, target=None):
            if name.split(".")[0] in BLOCKED:
                raise ModuleNotFoundError(f"{name} is a test-only package")
            return None

    sys.meta_path.insert(0, Block())
    import django, os
    os.environ["DJANGO_SETTINGS_MODULE"] = "kotacerdas.settings"
    django.setup()
    import kotacerdas
    importlib.import_module("kotacerdas.urls")
    importlib.import_module("kotacerdas.wsgi")
    for module in pkgutil.walk_packages(kotacerdas.__path__, "kotacerdas."):
        name = module.name
        if ".tests" in name or name.endswith(("conftest", "test_settings")) or ".migrations." in name:
            continue
        importlib.import_module(name)
    print("ok")
    """
)


class RuntimeImportTests(SimpleTestCase):
    def test_every_module_outside_the_tests_imports_without_test_only_packages(self) -> None:
        result = subprocess.run(
            [sys.executable, "-c", SCRIPT, ",".join(TEST_ONLY)],
            capture_output=True,
            text=True,
            cwd=settings.BASE_DIR,
            timeout=120,
            check=False,
        )
        self.assertEqual(result.returncode, 0, result.stderr[-3000:])
        self.assertEqual(result.stdout.strip().splitlines()[-1], "ok")
