"""Account pages: log in (throttled by django-axes), log out, password change and reset, API tokens."""

from __future__ import annotations

import hashlib
import re
from typing import Any

from axes.utils import reset
from django.conf import settings
from django.core import mail
from django.urls import reverse

from kotacerdas.accounts.models import ApiToken, User
from kotacerdas.accounts.services import api_token_authenticate, api_token_create
from kotacerdas.audit.actions import AuditAction
from kotacerdas.audit.models import AuditEntry
from kotacerdas.core.testing import PASSWORD, RegionTestCase

NEW_PASSWORD = "Jimpitan-ronda-2027"


class LoginTests(RegionTestCase):
    def setUp(self) -> None:
        reset()

    def tearDown(self) -> None:
        reset()

    def log_in(self, password: str, username: str = "planner") -> Any:
        return self.client.post(reverse("accounts:login"), {"username": username, "password": password})

    def logged_in_user_id(self) -> str | None:
        return self.client.session.get("_auth_user_id")

    def test_it_shows_the_login_form(self) -> None:
        response = self.client.get(reverse("accounts:login"))
        self.assertEqual(response.status_code, 200)
        self.assertTemplateUsed(response, "accounts/login.html")

    def test_it_logs_in_with_the_right_password_and_redirects(self) -> None:
        response = self.log_in(PASSWORD)
        self.assertRedirects(response, reverse("accounts:home"), fetch_redirect_response=False)
        self.assertEqual(self.logged_in_user_id(), str(self.planner.pk))

    def test_it_follows_a_safe_next_address(self) -> None:
        target = reverse("framework:coverage", kwargs={"region_slug": self.region.slug})
        response = self.client.post(
            reverse("accounts:login"), {"username": "planner", "password": PASSWORD, "next": target}
        )
        self.assertRedirects(response, target, fetch_redirect_response=False)

    def test_it_ignores_a_next_address_on_another_site(self) -> None:
        response = self.client.post(
            reverse("accounts:login"), {"username": "planner", "password": PASSWORD, "next": "https://evil.example/"}
        )
        self.assertRedirects(response, reverse("accounts:home"), fetch_redirect_response=False)

    def test_it_shows_an_error_for_a_wrong_password(self) -> None:
        response = self.log_in("wrong-password")
        self.assertEqual(response.status_code, 200)
        self.assertTrue(response.context["form"].non_field_errors())
        self.assertContains(response, "errorlist")
        self.assertIsNone(self.logged_in_user_id())

    def test_it_names_the_wrong_fields_once_in_indonesian_and_english(self) -> None:
        indonesian = "Masukkan nama pengguna dan sandi yang benar. Huruf besar dan kecil dibedakan pada kedua kolom."
        self.assertContains(self.log_in("wrong-password"), indonesian)
        self.client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
        english = "Please enter a correct username and password. Note that both fields may be case-sensitive."
        self.assertContains(self.log_in("wrong-password"), english)

    def test_it_locks_the_account_out_after_five_failures(self) -> None:
        for _attempt in range(5):
            self.log_in("wrong-password")
        response = self.log_in(PASSWORD)
        self.assertEqual(response.status_code, 429)
        self.assertTemplateUsed(response, "accounts/lockout.html")
        self.assertIsNone(self.logged_in_user_id())

    def test_it_still_lets_in_after_four_failures(self) -> None:
        for _attempt in range(4):
            self.log_in("wrong-password")
        self.assertEqual(self.log_in(PASSWORD).status_code, 302)

    def test_it_locks_out_only_the_attacked_username(self) -> None:
        for _attempt in range(5):
            self.log_in("wrong-password")
        self.assertEqual(self.log_in(PASSWORD, username="officer").status_code, 302)


class LogoutTests(RegionTestCase):
    def test_it_logs_out_by_post(self) -> None:
        self.client.force_login(self.planner)
        response = self.client.post(reverse("accounts:logout"))
        self.assertRedirects(response, reverse("core:home"), fetch_redirect_response=False)
        self.assertNotIn("_auth_user_id", self.client.session)

    def test_it_refuses_to_log_out_by_get(self) -> None:
        self.client.force_login(self.planner)
        self.assertEqual(self.client.get(reverse("accounts:logout")).status_code, 405)
        self.assertIn("_auth_user_id", self.client.session)


class PasswordChangeTests(RegionTestCase):
    def change(self, old: str) -> Any:
        data = {"old_password": old, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
        return self.client.post(reverse("accounts:password_change"), data)

    def test_it_changes_the_password_and_audits_it(self) -> None:
        self.client.force_login(self.planner)
        response = self.change(PASSWORD)
        self.assertRedirects(response, reverse("accounts:password_change_done"))
        self.assertTrue(User.objects.get(pk=self.planner.pk).check_password(NEW_PASSWORD))
        entry = AuditEntry.objects.get(action=AuditAction.PASSWORD_CHANGED)
        self.assertEqual((entry.actor, entry.target_id), (self.planner, str(self.planner.pk)))

    def test_it_keeps_the_user_logged_in(self) -> None:
        self.client.force_login(self.citizen)
        self.change(PASSWORD)
        self.assertEqual(self.client.get(reverse("accounts:password_change")).status_code, 200)

    def test_it_refuses_a_wrong_old_password(self) -> None:
        self.client.force_login(self.planner)
        response = self.change("wrong-password")
        self.assertEqual(response.status_code, 200)
        self.assertIn("old_password", response.context["form"].errors)
        self.assertTrue(User.objects.get(pk=self.planner.pk).check_password(PASSWORD))
        self.assertFalse(AuditEntry.objects.filter(action=AuditAction.PASSWORD_CHANGED).exists())

    def test_it_refuses_a_short_password(self) -> None:
        self.client.force_login(self.planner)
        data = {"old_password": PASSWORD, "new_password1": "pendek", "new_password2": "pendek"}
        response = self.client.post(reverse("accounts:password_change"), data)
        self.assertIn("new_password2", response.context["form"].errors)

    def test_it_sends_anonymous_visitors_to_the_login_page(self) -> None:
        response = self.client.get(reverse("accounts:password_change"))
        self.assertEqual(response.status_code, 302)
        self.assertTrue(response["Location"].startswith(reverse("accounts:login")))


class PasswordResetTests(RegionTestCase):
    def setUp(self) -> None:
        User.objects.filter(pk=self.planner.pk).update(email="perencana@kotaraya.go.id")

    def ask(self, email: str = "perencana@kotaraya.go.id") -> Any:
        return self.client.post(reverse("accounts:password_reset"), {"email": email})

    def link(self) -> str:
        match = re.search(r"http://testserver(/accounts/password/reset/\S+/\S+/)", mail.outbox[0].body)
        assert match is not None, mail.outbox[0].body
        return match.group(1)

    def set_new_password(self) -> Any:
        form_url = self.client.get(self.link())["Location"]
        data = {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
        return self.client.post(form_url, data)

    def test_it_mails_a_link_to_the_accounts_address(self) -> None:
        response = self.ask()
        self.assertRedirects(response, reverse("accounts:password_reset_done"))
        self.assertEqual(len(mail.outbox), 1)
        self.assertEqual(mail.outbox[0].to, ["perencana@kotaraya.go.id"])
        self.assertIn("planner", mail.outbox[0].body)

    def test_it_sets_a_new_password_through_the_link(self) -> None:
        self.ask()
        response = self.set_new_password()
        self.assertRedirects(response, reverse("accounts:password_reset_complete"))
        self.assertTrue(User.objects.get(pk=self.planner.pk).check_password(NEW_PASSWORD))

    def test_it_shows_the_form_behind_a_valid_link(self) -> None:
        self.ask()
        response = self.client.get(self.link(), follow=True)
        self.assertTrue(response.context["validlink"])

    def test_it_refuses_a_link_used_once_already(self) -> None:
        self.ask()
        link = self.link()
        self.set_new_password()
        response = self.client.get(link, follow=True)
        self.assertFalse(response.context["validlink"])

    def test_it_sends_nothing_for_an_unknown_address(self) -> None:
        response = self.ask("siapa@contoh.go.id")
        self.assertRedirects(response, reverse("accounts:password_reset_done"))
        self.assertEqual(mail.outbox, [])

    def test_it_audits_the_new_password(self) -> None:
        self.ask()
        self.set_new_password()
        self.assertTrue(AuditEntry.objects.filter(action=AuditAction.PASSWORD_CHANGED).exists())


class ApiTokenPageTests(RegionTestCase):
    def setUp(self) -> None:
        self.client.force_login(self.officer)

    def create(self, name: str = "SIMDA") -> Any:
        return self.client.post(reverse("accounts:tokens"), {"name": name})

    def test_it_shows_the_plaintext_once_and_stores_only_its_digest(self) -> None:
        response = self.create()
        plaintext = response.context["plaintext"]
        self.assertContains(response, plaintext)
        token = ApiToken.objects.get(user=self.officer)
        self.assertEqual(token.digest, hashlib.sha256(plaintext.encode()).hexdigest())
        self.assertEqual(token.prefix, plaintext[3:11])
        self.assertNotIn(plaintext, [token.name, token.prefix, token.digest])
        self.assertNotContains(self.client.get(reverse("accounts:tokens")), plaintext)

    def test_it_audits_the_creation(self) -> None:
        self.create()
        entry = AuditEntry.objects.get(action=AuditAction.TOKEN_CREATED)
        self.assertEqual((entry.actor, entry.after), (self.officer, {"name": "SIMDA"}))

    def test_it_lets_the_token_authenticate(self) -> None:
        plaintext = self.create().context["plaintext"]
        self.assertEqual(api_token_authenticate(plaintext), self.officer)

    def test_it_refuses_a_blank_name(self) -> None:
        response = self.create("   ")
        self.assertIn("name", response.context["form"].errors)
        self.assertFalse(ApiToken.objects.exists())

    def test_it_revokes_a_token(self) -> None:
        token, plaintext = api_token_create(user=self.officer, name="SIMDA", actor=self.officer)
        response = self.client.post(reverse("accounts:token_revoke", args=[token.pk]))
        self.assertRedirects(response, reverse("accounts:tokens"))
        token.refresh_from_db()
        self.assertIsNotNone(token.revoked_at)
        self.assertIsNone(api_token_authenticate(plaintext))
        self.assertTrue(AuditEntry.objects.filter(action=AuditAction.TOKEN_REVOKED, target_id=str(token.pk)).exists())

    def test_it_refuses_to_revoke_by_get(self) -> None:
        token, _plaintext = api_token_create(user=self.officer, name="SIMDA", actor=self.officer)
        self.assertEqual(self.client.get(reverse("accounts:token_revoke", args=[token.pk])).status_code, 405)

    def test_it_refuses_to_revoke_another_users_token(self) -> None:
        token, _plaintext = api_token_create(user=self.planner, name="Milik orang", actor=self.planner)
        self.assertEqual(self.client.post(reverse("accounts:token_revoke", args=[token.pk])).status_code, 404)
        token.refresh_from_db()
        self.assertIsNone(token.revoked_at)

    def test_it_lists_only_the_users_own_tokens(self) -> None:
        api_token_create(user=self.planner, name="Milik orang", actor=self.planner)
        self.create()
        self.assertEqual([t.name for t in self.client.get(reverse("accounts:tokens")).context["tokens"]], ["SIMDA"])

    def test_it_sends_anonymous_visitors_to_the_login_page(self) -> None:
        self.client.logout()
        response = self.client.get(reverse("accounts:tokens"))
        self.assertEqual(response.status_code, 302)
        self.assertTrue(response["Location"].startswith(reverse("accounts:login")))
