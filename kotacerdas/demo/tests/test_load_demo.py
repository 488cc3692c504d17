"""The load_demo command: two real regions and one account per role; safe to run twice; refused in production."""

from __future__ import annotations

from io import StringIO

from django.apps import apps
from django.conf import settings
from django.core.management import CommandError, call_command
from django.test import TestCase, override_settings

from kotacerdas.accounts.models import Membership, User
from kotacerdas.accounts.roles import Role
from kotacerdas.regions.models import Area, AreaLevel, Region

REQUIRED_ACCOUNTS = (
    "bappeda.yogyakarta",
    "diskominfo.yogyakarta",
    "inspektorat.yogyakarta",
    "walikota.yogyakarta",
    "bappeda.musirawas",
    "diskominfo.musirawas",
)


def load_demo(verbosity: int = 1) -> str:
    out = StringIO()
    call_command("load_demo", verbosity=verbosity, stdout=out, stderr=StringIO())
    return out.getvalue()


def row_counts() -> dict[str, int]:
    return {model._meta.label: model._default_manager.count() for model in apps.get_models()}


class LoadDemoTests(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        cls.output = load_demo()

    def districts(self, slug: str, level: int = AreaLevel.DISTRICT) -> int:
        return Area.objects.filter(region__slug=slug, level=level).count()

    def test_it_creates_the_required_accounts(self) -> None:
        usernames = set(User.objects.filter(username__in=REQUIRED_ACCOUNTS).values_list("username", flat=True))
        self.assertEqual(usernames, set(REQUIRED_ACCOUNTS))

    def test_it_gives_each_account_its_role_in_its_region(self) -> None:
        membership = Membership.objects.get(user__username="bappeda.musirawas")
        self.assertEqual((membership.role, membership.region.slug), (Role.BAPPEDA_PLANNER, "musirawas"))
        self.assertEqual(membership.agency.special_role, "planning")

    def test_it_lets_the_accounts_log_in_with_the_demo_password(self) -> None:
        self.assertTrue(User.objects.get(username="walikota.yogyakarta").check_password(settings.DEMO_PASSWORD))

    def test_it_loads_yogyakarta_with_14_kemantren_and_45_kelurahan(self) -> None:
        self.assertEqual(self.districts("yogyakarta"), 14)
        self.assertEqual(self.districts("yogyakarta", AreaLevel.VILLAGE), 45)
        self.assertEqual(
            set(Area.objects.filter(region__slug="yogyakarta", level=1).values_list("kind", flat=True)), {"kemantren"}
        )

    def test_it_loads_musi_rawas_with_14_kecamatan(self) -> None:
        self.assertEqual(self.districts("musirawas"), 14)
        self.assertEqual(Region.objects.get(slug="musirawas").kind, "kabupaten")

    def test_it_lists_the_accounts_it_made(self) -> None:
        self.assertIn("bappeda.yogyakarta", self.output)

    def test_it_prints_nothing_when_quiet(self) -> None:
        self.assertEqual(load_demo(verbosity=0), "")

    def test_it_changes_nothing_when_run_a_second_time(self) -> None:
        before = row_counts()
        load_demo()
        self.assertEqual(row_counts(), before)


class LoadDemoRefusalTests(TestCase):
    @override_settings(DEMO_DATA_ALLOWED=False)
    def test_it_refuses_to_run_where_demo_data_is_not_allowed(self) -> None:
        with self.assertRaises(CommandError):
            load_demo()
        self.assertFalse(Region.objects.exists())
        self.assertFalse(User.objects.exists())
