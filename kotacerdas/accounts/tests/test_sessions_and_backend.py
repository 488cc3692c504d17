"""The session's user and the session itself, each read with one plain statement: the same answers as Django's."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.contrib.auth.backends import ModelBackend
from django.contrib.sessions.backends.db import SessionStore as DjangoSessionStore
from django.contrib.sessions.models import Session
from django.db.models import Model
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone
from django.utils.module_loading import import_string

from kotacerdas.accounts.backends import BACKEND_PATH, UserBackend
from kotacerdas.accounts.sessions import SessionStore
from kotacerdas.core.testing import PASSWORD, RegionTestCase


def _fields(obj: Model | None) -> dict[str, Any] | None:
    if obj is None:
        return None
    return {f.attname: (type(v), v) for f in obj._meta.concrete_fields for v in [getattr(obj, f.attname)]}


class UserBackendTests(RegionTestCase):
    def test_the_path_logins_name_is_a_backend_of_the_settings(self) -> None:
        self.assertIn(BACKEND_PATH, settings.AUTHENTICATION_BACKENDS)
        self.assertIs(import_string(BACKEND_PATH), UserBackend)

    def test_it_reads_the_same_user_as_django_in_one_statement(self) -> None:
        expected = ModelBackend().get_user(self.officer.pk)
        with self.assertNumQueries(1):
            found = UserBackend().get_user(self.officer.pk)
        self.assertEqual(_fields(found), _fields(expected))

    def test_an_unknown_or_deactivated_user_is_nobody(self) -> None:
        self.assertIsNone(UserBackend().get_user(10**9))
        self.officer.is_active = False
        self.officer.save(update_fields=["is_active"])
        self.assertIsNone(UserBackend().get_user(self.officer.pk))
        self.assertIsNone(ModelBackend().get_user(self.officer.pk))

    def test_a_login_and_the_next_page_go_through_it(self) -> None:
        login = self.client.post(reverse("accounts:login"), {"username": "officer", "password": PASSWORD})
        self.assertEqual(login.status_code, 302)
        self.assertEqual(self.client.session["_auth_user_backend"], "kotacerdas.accounts.backends.UserBackend")
        response = self.client.get(f"/{self.region.slug}/monitoring/")
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.wsgi_request.user.pk, self.officer.pk)


@override_settings(SESSION_ENGINE="kotacerdas.accounts.sessions")
class SessionStoreTests(RegionTestCase):
    def saved(self, **data: Any) -> str:
        store = DjangoSessionStore()
        store.update(data)
        store.create()
        assert store.session_key is not None
        return store.session_key

    def test_it_loads_what_djangos_store_saved_in_one_statement(self) -> None:
        key = self.saved(colour="merah", n=3)
        with self.assertNumQueries(1):
            data = SessionStore(session_key=key).load()
        self.assertEqual(data, DjangoSessionStore(session_key=key).load())
        self.assertEqual(data, {"colour": "merah", "n": 3})

    def test_an_expired_or_unknown_session_is_a_new_empty_one(self) -> None:
        key = self.saved(colour="merah")
        Session.objects.filter(session_key=key).update(expire_date=timezone.now() - dt.timedelta(seconds=1))
        for unknown in (key, "x" * 32):
            store = SessionStore(session_key=unknown)
            self.assertEqual(store.load(), {})
            self.assertIsNone(store.session_key)

    def test_a_logout_elsewhere_ends_the_session_here(self) -> None:
        self.client.force_login(self.officer)
        key = self.client.session.session_key
        SessionStore(session_key=key).delete()  # another process's logout: the row is gone
        response = self.client.get(f"/{self.region.slug}/monitoring/")
        self.assertEqual(response.status_code, 302)

    def test_each_load_gets_its_own_copy_of_the_decoded_data(self) -> None:
        key = self.saved(cart={"items": [1, 2]})
        first = SessionStore(session_key=key)
        first["cart"]["items"].append(3)  # changed in memory by one request, never saved
        self.assertEqual(SessionStore(session_key=key)["cart"], {"items": [1, 2]})

    def test_a_changed_or_tampered_row_is_decoded_afresh(self) -> None:
        key = self.saved(colour="merah")
        self.assertEqual(SessionStore(session_key=key)["colour"], "merah")
        store = DjangoSessionStore(session_key=key)
        store["colour"] = "biru"
        store.save()
        self.assertEqual(SessionStore(session_key=key)["colour"], "biru")
        text = Session.objects.get(session_key=key).session_data
        Session.objects.filter(session_key=key).update(session_data=text[:-2] + ("AA" if text[-2:] != "AA" else "BB"))
        self.assertEqual(SessionStore(session_key=key).load(), {})  # a broken signature: nothing of it
