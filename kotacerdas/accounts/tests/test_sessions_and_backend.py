"""The session, its user and their memberships, read with one plain statement: the same answers as Django's."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import AnonymousUser
from django.contrib.sessions.backends import db
from django.db.models import Model
from django.test import RequestFactory, override_settings
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import SimpleLazyObject
from django.utils.module_loading import import_string

from kotacerdas.accounts import sessions
from kotacerdas.accounts.backends import BACKEND_PATH, UserBackend
from kotacerdas.accounts.membership_rows import Along
from kotacerdas.accounts.middleware import AuthenticationMiddleware
from kotacerdas.accounts.models import Session, User
from kotacerdas.accounts.selectors import memberships_of
from kotacerdas.core.testing import PASSWORD, RegionTestCase


class SessionStore(db.SessionStore):
    """Django's own database store on our session table: what ours must agree with (named as ours: the name is in
    the salt of the data's signature)."""

    @classmethod
    def get_model_class(cls) -> type[Session]:
        return Session


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
        store = SessionStore()
        store.update(data)
        store.create()
        assert store.session_key is not None
        return store.session_key

    def test_it_loads_what_djangos_store_saved_in_one_statement(self) -> None:
        key = self.saved(colour="merah", n=3)
        with self.assertNumQueries(1):
            data = sessions.SessionStore(session_key=key).load()
        self.assertEqual(data, SessionStore(session_key=key).load())
        self.assertEqual(data, {"colour": "merah", "n": 3})

    def test_an_expired_or_unknown_session_is_a_new_empty_one(self) -> None:
        key = self.saved(colour="merah")
        Session.objects.filter(session_key=key).update(expire_date=timezone.now() - dt.timedelta(seconds=1))
        for unknown in (key, "x" * 32):
            store = sessions.SessionStore(session_key=unknown)
            self.assertEqual(store.load(), {})
            self.assertIsNone(store.session_key)

    def test_a_logout_elsewhere_ends_the_session_here(self) -> None:
        self.client.force_login(self.officer)
        key = self.client.session.session_key
        sessions.SessionStore(session_key=key).delete()  # another process's logout: the row is gone
        response = self.client.get(f"/{self.region.slug}/monitoring/")
        self.assertEqual(response.status_code, 302)

    def test_each_load_gets_its_own_copy_of_the_decoded_data(self) -> None:
        key = self.saved(cart={"items": [1, 2]})
        first = sessions.SessionStore(session_key=key)
        first["cart"]["items"].append(3)  # changed in memory by one request, never saved
        self.assertEqual(sessions.SessionStore(session_key=key)["cart"], {"items": [1, 2]})

    def test_a_flat_sessions_copy_is_its_own_too(self) -> None:
        key = self.saved(colour="merah", n=3, flag=True, nothing=None)
        first = sessions.SessionStore(session_key=key)
        first["colour"] = "biru"  # changed in memory by one request, never saved
        del first["n"]
        self.assertEqual(
            sessions.SessionStore(session_key=key).load(), {"colour": "merah", "n": 3, "flag": True, "nothing": None}
        )

    def test_a_changed_or_tampered_row_is_decoded_afresh(self) -> None:
        key = self.saved(colour="merah")
        self.assertEqual(sessions.SessionStore(session_key=key)["colour"], "merah")
        store = SessionStore(session_key=key)
        store["colour"] = "biru"
        store.save()
        self.assertEqual(sessions.SessionStore(session_key=key)["colour"], "biru")
        text = Session.objects.get(session_key=key).session_data
        Session.objects.filter(session_key=key).update(session_data=text[:-2] + ("AA" if text[-2:] != "AA" else "BB"))
        self.assertEqual(sessions.SessionStore(session_key=key).load(), {})  # a broken signature: nothing of it


class SessionWithUserTests(RegionTestCase):
    """A logged-in request reads its session, user and memberships in one statement; who is logged in is still
    what the session's data and Django's checks say."""

    def login(self, user: User) -> str:
        self.client.force_login(user)
        return self.client.session.session_key or ""

    def user_of(self, key: str) -> Any:
        request = RequestFactory().get("/")
        request.session = sessions.SessionStore(session_key=key)
        AuthenticationMiddleware(lambda r: None).process_request(request)  # type: ignore[arg-type,return-value]
        return request.user

    def test_once_looked_up_the_user_replaces_the_lazy_proxy(self) -> None:
        request = RequestFactory().get("/")
        request.session = sessions.SessionStore(session_key=self.login(self.officer))
        AuthenticationMiddleware(lambda r: None).process_request(request)  # type: ignore[arg-type,return-value]
        proxy = request.user
        self.assertIsInstance(proxy, SimpleLazyObject)
        self.assertEqual(proxy.pk, self.officer.pk)  # the first read looks the user up ...
        self.assertIs(type(request.user), User)  # ... and later reads get the user itself
        self.assertEqual(request.user.pk, self.officer.pk)
        request = RequestFactory().get("/")
        request.session = sessions.SessionStore()
        AuthenticationMiddleware(lambda r: None).process_request(request)  # type: ignore[arg-type,return-value]
        self.assertFalse(request.user.is_authenticated)
        self.assertIs(type(request.user), AnonymousUser)

    def test_a_login_writes_the_users_id_beside_the_session(self) -> None:
        key = self.login(self.officer)
        self.assertEqual(Session.objects.get(session_key=key).user_id, self.officer.pk)
        self.client.logout()
        self.assertFalse(Session.objects.filter(session_key=key).exists())

    def test_session_user_and_memberships_in_one_statement(self) -> None:
        key = self.login(self.officer)
        with self.assertNumQueries(1):
            user = self.user_of(key)
            self.assertEqual(user.pk, self.officer.pk)
            memberships = memberships_of(user)
        self.assertEqual(
            [(m.pk, m.region, m.agency, m.area) for m in memberships],
            [(m.pk, m.region, m.agency, m.area) for m in self.officer.memberships.filter(is_active=True)],
        )
        self.assertEqual(_fields(user), _fields(User.objects.get(pk=self.officer.pk)))

    def test_a_session_without_the_column_still_logs_in_with_a_statement_more(self) -> None:
        key = self.login(self.officer)
        Session.objects.filter(session_key=key).update(user_id=None)  # as the migration copied older sessions
        with self.assertNumQueries(2):
            self.assertEqual(self.user_of(key).pk, self.officer.pk)

    def test_the_data_decides_who_is_logged_in_not_the_column(self) -> None:
        key = self.login(self.officer)
        Session.objects.filter(session_key=key).update(user_id=self.citizen.pk)  # a column out of step
        with self.assertNumQueries(2):
            user = self.user_of(key)
            self.assertEqual(user.pk, self.officer.pk)
        self.assertEqual({m.user_id for m in memberships_of(user)}, {self.officer.pk})

    def region_along(self) -> Along:
        """A read along the session's statement: the region by id and whether the session's user is a member."""

        def sql(connection: Any) -> tuple[str, str]:
            member = "EXISTS (SELECT 1 FROM accounts_membership m WHERE m.region_id = a0.id AND m.user_id = s.user_id)"
            return f"a0.slug, {member}", "LEFT JOIN regions_region a0 ON a0.id = %s"

        return Along(name="test.region", sql=sql, params=(self.region.pk,))

    def test_a_read_along_the_sessions_statement_costs_no_statement_of_its_own(self) -> None:
        store = sessions.SessionStore(session_key=self.login(self.officer))
        self.assertTrue(sessions.read_along(store, self.region_along()))
        with self.assertNumQueries(1):
            self.assertEqual(store[SESSION_KEY], str(self.officer.pk))
        self.assertEqual(store.along_values, (self.region.slug, True))
        self.assertFalse(sessions.read_along(store, self.region_along()))  # too late: the session was read

    def test_a_read_along_is_kept_only_for_the_user_the_data_names(self) -> None:
        key = self.login(self.officer)
        Session.objects.filter(session_key=key).update(user_id=self.citizen.pk)  # a column out of step
        store = sessions.SessionStore(session_key=key)
        sessions.read_along(store, self.region_along())
        self.assertEqual(store[SESSION_KEY], str(self.officer.pk))
        self.assertIsNone(store.along_values)  # read for the column's user, so not for the data's

    def test_djangos_checks_still_apply_to_the_user_read_with_the_session(self) -> None:
        key = self.login(self.officer)
        self.officer.set_password("kata-sandi-baru-123")  # a password change elsewhere ends the session
        self.officer.save()
        self.assertFalse(self.user_of(key).is_authenticated)
        key = self.login(self.citizen)
        User.objects.filter(pk=self.citizen.pk).update(is_active=False)
        self.assertFalse(self.user_of(key).is_authenticated)
        User.objects.filter(pk=self.citizen.pk).delete()
        self.assertFalse(self.user_of(key).is_authenticated)

    def test_data_naming_no_user_leaves_the_column_empty(self) -> None:
        store = sessions.SessionStore()
        store.update({"colour": "merah"})
        store.create()
        self.assertIsNone(Session.objects.get(session_key=store.session_key).user_id)
        store = sessions.SessionStore()
        store.update({SESSION_KEY: "bukan-angka", BACKEND_SESSION_KEY: BACKEND_PATH, HASH_SESSION_KEY: "x"})
        store.create()
        self.assertIsNone(Session.objects.get(session_key=store.session_key).user_id)

    def test_the_session_read_user_is_offered_only_while_that_session_is_asked(self) -> None:
        store = sessions.SessionStore(session_key=self.login(self.officer))
        store.load()
        self.assertIsNotNone(store.member)
        self.assertIsNone(sessions.member_read_with_session(self.officer.pk))  # no session is being asked
        with sessions.user_read_with(store):
            self.assertIsNone(sessions.member_read_with_session(self.citizen.pk))  # not the user it read
            self.assertIs(sessions.member_read_with_session(str(self.officer.pk)), store.member)
        self.assertIsNone(sessions.member_read_with_session(self.officer.pk))
