"""membership_grant: a role is scoped to a region and, where the role needs it, an agency or an area."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext

from kotacerdas.accounts import services
from kotacerdas.accounts.models import Membership, User
from kotacerdas.accounts.roles import Role
from kotacerdas.accounts.services import (
    AGENCY_REQUIRED,
    AREA_REQUIRED,
    REGION_REQUIRED,
    WRONG_REGION,
    AccountError,
)
from kotacerdas.audit.actions import AuditAction
from kotacerdas.audit.models import AuditEntry
from kotacerdas.core.testing import RegionTestCase
from kotacerdas.regions import services as regions


class MembershipGrantTests(RegionTestCase):
    def setUp(self) -> None:
        self.user = services.user_create(username="baru", password="x-password-123", actor=None)

    def grant(self, role: str, **scope: Any) -> Membership:
        scope.setdefault("region", self.region)
        return services.membership_grant(user=self.user, role=role, actor=self.officer, **scope)

    def grants(self) -> int:
        """How many grants were audited for this test's user."""
        ids = [str(pk) for pk in Membership.objects.filter(user=self.user).values_list("pk", flat=True)]
        return AuditEntry.objects.filter(action=AuditAction.MEMBERSHIP_GRANTED, target_id__in=ids).count()

    def assert_refused(self, message: str, role: str, **scope: Any) -> AccountError:
        with self.assertRaises(AccountError) as caught:
            self.grant(role, **scope)
        self.assertEqual(caught.exception.message, gettext(message))
        self.assertFalse(Membership.objects.filter(user=self.user).exists())
        return caught.exception

    def test_it_grants_an_agency_role_for_an_agency_of_the_region(self) -> None:
        membership = self.grant(Role.AGENCY_OPERATOR, agency=self.public_works)
        self.assertEqual(
            (membership.region, membership.agency, membership.is_active), (self.region, self.public_works, True)
        )

    def test_it_audits_the_grant(self) -> None:
        membership = self.grant(Role.AGENCY_OPERATOR, agency=self.public_works)
        entry = AuditEntry.objects.get(action=AuditAction.MEMBERSHIP_GRANTED, target_id=str(membership.pk))
        self.assertEqual((entry.actor, entry.region), (self.officer, self.region))
        self.assertEqual(entry.after, {"role": Role.AGENCY_OPERATOR, "agency": "DPUPKP", "area": ""})

    def test_it_grants_an_area_role_for_an_rt_of_the_region(self) -> None:
        self.assertEqual(self.grant(Role.RONDA_MEMBER, area=self.rt).area, self.rt)

    def test_it_grants_a_citizen_role_with_the_region_alone(self) -> None:
        self.assertEqual(self.grant(Role.CITIZEN).region, self.region)

    def test_it_grants_the_platform_administrator_without_a_region(self) -> None:
        self.assertIsNone(self.grant(Role.PLATFORM_ADMIN, region=None).region)

    def test_it_is_idempotent_and_audits_once(self) -> None:
        first = self.grant(Role.AGENCY_OPERATOR, agency=self.public_works)
        second = self.grant(Role.AGENCY_OPERATOR, agency=self.public_works)
        self.assertEqual(first, second)
        self.assertEqual(Membership.objects.filter(user=self.user).count(), 1)
        self.assertEqual(self.grants(), 1)

    def test_it_is_idempotent_for_a_role_without_agency_or_area(self) -> None:
        self.grant(Role.CITIZEN)
        self.grant(Role.CITIZEN)
        self.assertEqual(Membership.objects.filter(user=self.user).count(), 1)
        self.assertEqual(self.grants(), 1)

    def test_it_reactivates_a_revoked_membership_and_audits_it(self) -> None:
        membership = self.grant(Role.CITIZEN)
        Membership.objects.filter(pk=membership.pk).update(is_active=False)
        self.assertTrue(self.grant(Role.CITIZEN).is_active)
        self.assertEqual(self.grants(), 2)

    def test_it_refuses_an_agency_role_without_an_agency(self) -> None:
        error = self.assert_refused(AGENCY_REQUIRED, Role.AGENCY_OPERATOR)
        self.assertEqual(error.field, "agency")

    def test_it_refuses_an_area_role_without_an_area(self) -> None:
        error = self.assert_refused(AREA_REQUIRED, Role.RT_TREASURER)
        self.assertEqual(error.field, "area")

    def test_it_refuses_an_agency_of_another_region(self) -> None:
        self.assert_refused(WRONG_REGION, Role.BAPPEDA_PLANNER, agency=self.other_agency)

    def test_it_refuses_an_area_of_another_region(self) -> None:
        foreign = regions.area_create(region=self.other_region, parent=None, kind="kecamatan", name="X", actor=None)
        self.assert_refused(WRONG_REGION, Role.CITIZEN, area=foreign)

    def test_it_refuses_a_regional_role_without_a_region(self) -> None:
        self.assert_refused(REGION_REQUIRED, Role.CITIZEN, region=None)

    def test_it_refuses_a_platform_administrator_bound_to_a_region(self) -> None:
        with self.assertRaises(AccountError):
            self.grant(Role.PLATFORM_ADMIN)


class UserCreateTests(RegionTestCase):
    def test_it_creates_a_user_who_must_reset_a_missing_password(self) -> None:
        user = services.user_create(username="tanpa", password=None, actor=None)
        self.assertFalse(user.has_usable_password())
        self.assertTrue(AuditEntry.objects.filter(action=AuditAction.USER_CREATED, target_id=str(user.pk)).exists())

    def test_it_stores_only_the_password_hash(self) -> None:
        user = services.user_create(username="dengan", password="x-password-123", actor=None)
        stored = User.objects.get(pk=user.pk)
        self.assertNotEqual(stored.password, "x-password-123")
        self.assertTrue(stored.check_password("x-password-123"))


class MembershipRevokeTests(RegionTestCase):
    def setUp(self) -> None:
        self.user = services.user_create(username="baru", password="x-password-123", actor=None)
        self.membership = services.membership_grant(
            user=self.user, role=Role.RT_TREASURER, region=self.region, area=self.rt, actor=self.officer
        )

    def revocations(self) -> list[AuditEntry]:
        return list(AuditEntry.objects.filter(action=AuditAction.MEMBERSHIP_REVOKED, target_id=str(self.membership.pk)))

    def test_it_takes_the_role_away_and_keeps_the_row(self) -> None:
        services.membership_revoke(membership=self.membership, actor=self.officer)
        self.membership.refresh_from_db()
        self.assertFalse(self.membership.is_active)
        self.assertFalse(Membership.objects.active().filter(user=self.user).exists())

    def test_it_audits_the_revocation_once_however_often_it_is_asked(self) -> None:
        services.membership_revoke(membership=self.membership, actor=self.officer)
        services.membership_revoke(membership=self.membership, actor=self.officer)
        [entry] = self.revocations()
        self.assertEqual((entry.actor, entry.region), (self.officer, self.region))
        self.assertEqual(entry.before, {"role": Role.RT_TREASURER, "agency": "", "area": str(self.rt)})

    def test_granting_again_gives_the_role_back(self) -> None:
        services.membership_revoke(membership=self.membership, actor=self.officer)
        again = services.membership_grant(
            user=self.user, role=Role.RT_TREASURER, region=self.region, area=self.rt, actor=self.officer
        )
        self.assertEqual((again.pk, again.is_active), (self.membership.pk, True))
