"""The typed readers of environment variables: a bad value is a configuration error, never a guess."""

from __future__ import annotations

import os
from unittest import mock

from django.core.exceptions import ImproperlyConfigured
from django.test import SimpleTestCase

from kotacerdas.core.env import env_bool, env_int, env_list, env_str


class EnvBoolTests(SimpleTestCase):
    def test_it_reads_the_usual_spellings(self) -> None:
        for raw, expected in (
            ("true", True),
            ("1", True),
            (" YES ", True),
            ("on", True),
            ("false", False),
            ("0", False),
            ("Off", False),
            ("", False),
        ):
            with self.subTest(raw=raw), mock.patch.dict(os.environ, {"KC_FLAG": raw}):
                self.assertIs(env_bool("KC_FLAG", default=not expected), expected)

    def test_it_returns_the_default_when_unset(self) -> None:
        with mock.patch.dict(os.environ, clear=True):
            self.assertIs(env_bool("KC_FLAG", default=True), True)
            self.assertIs(env_bool("KC_FLAG"), False)

    def test_it_refuses_anything_else(self) -> None:
        with mock.patch.dict(os.environ, {"KC_FLAG": "maybe"}), self.assertRaises(ImproperlyConfigured) as caught:
            env_bool("KC_FLAG")
        self.assertIn("KC_FLAG", str(caught.exception))


class EnvIntTests(SimpleTestCase):
    def test_it_reads_an_integer(self) -> None:
        with mock.patch.dict(os.environ, {"KC_NUMBER": "25"}):
            self.assertEqual(env_int("KC_NUMBER", 5), 25)

    def test_it_returns_the_default_when_unset_or_blank(self) -> None:
        with mock.patch.dict(os.environ, {"KC_NUMBER": "  "}):
            self.assertEqual(env_int("KC_NUMBER", 5), 5)
        with mock.patch.dict(os.environ, clear=True):
            self.assertEqual(env_int("KC_NUMBER", 5), 5)

    def test_it_refuses_a_non_number(self) -> None:
        with mock.patch.dict(os.environ, {"KC_NUMBER": "ten"}), self.assertRaises(ImproperlyConfigured):
            env_int("KC_NUMBER", 5)


class EnvListTests(SimpleTestCase):
    def test_it_splits_on_commas_and_drops_blanks(self) -> None:
        with mock.patch.dict(os.environ, {"KC_HOSTS": " a.go.id, ,b.go.id,"}):
            self.assertEqual(env_list("KC_HOSTS", []), ["a.go.id", "b.go.id"])

    def test_it_returns_the_default_when_unset(self) -> None:
        with mock.patch.dict(os.environ, clear=True):
            self.assertEqual(env_list("KC_HOSTS", ["localhost"]), ["localhost"])


class EnvStrTests(SimpleTestCase):
    def test_it_returns_the_text_or_the_default(self) -> None:
        with mock.patch.dict(os.environ, {"KC_TEXT": "halo"}):
            self.assertEqual(env_str("KC_TEXT", "x"), "halo")
        with mock.patch.dict(os.environ, clear=True):
            self.assertEqual(env_str("KC_TEXT", "x"), "x")
