"""memberships_of: one plain statement builds what the ORM's select_related built, and nothing outlives the user."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.db.models import Model
from django.test.utils import CaptureQueriesContext

from kotacerdas.accounts import membership_rows
from kotacerdas.accounts import services as accounts
from kotacerdas.accounts.models import Membership, User
from kotacerdas.accounts.roles import Perm, Role
from kotacerdas.accounts.selectors import forget_memberships, has_perm, memberships_of
from kotacerdas.core.testing import RegionTestCase


def _fields(obj: Model | None) -> dict[str, Any] | None:
    """Every concrete field's value as Python sees it (types included), or None."""
    if obj is None:
        return None
    return {f.attname: (type(v), v) for f in obj._meta.concrete_fields for v in [getattr(obj, f.attname)]}


class MembershipsOfTests(RegionTestCase):
    def orm(self, user: Any) -> list[Membership]:
        memberships = Membership.objects.active().filter(user=user).select_related("region", "agency", "area")
        return list(memberships.order_by("pk"))

    def test_it_builds_the_same_instances_as_the_orm_with_their_region_agency_and_area(self) -> None:
        user = self.operator
        accounts.membership_grant(user=user, role=Role.RT_TREASURER, region=self.region, area=self.rt, actor=None)
        accounts.membership_grant(user=user, role=Role.CITIZEN, region=self.other_region, actor=None)
        accounts.membership_grant(user=user, role=Role.PLATFORM_ADMIN, region=None, actor=None)
        expected = self.orm(self.operator)
        forget_memberships(self.operator)
        with self.assertNumQueries(1):
            found = memberships_of(self.operator)
            related = [(m.region, m.agency, m.area) for m in found]  # loaded with them: no query on access
        self.assertEqual(len(found), 4)
        for mine, theirs, (region, agency, area) in zip(found, expected, related, strict=True):
            with self.subTest(role=mine.role):
                self.assertEqual(_fields(mine), _fields(theirs))
                self.assertEqual(_fields(region), _fields(theirs.region))
                self.assertEqual(_fields(agency), _fields(theirs.agency))
                self.assertEqual(_fields(area), _fields(theirs.area))
                self.assertFalse(mine._state.adding)

    def test_it_leaves_out_revoked_memberships_and_other_users(self) -> None:
        membership = Membership.objects.get(user=self.operator)
        accounts.membership_revoke(membership=membership, actor=None)
        forget_memberships(self.operator)
        self.assertEqual(memberships_of(self.operator), [])
        self.assertEqual([m.user_id for m in memberships_of(self.planner)], [self.planner.pk])

    def test_a_revocation_counts_for_the_next_requests_user(self) -> None:
        self.assertTrue(has_perm(self.operator, Perm.REGION_VIEW_INTERNAL, self.region))
        accounts.membership_revoke(membership=Membership.objects.get(user=self.operator), actor=None)
        next_request_user = User.objects.get(pk=self.operator.pk)
        self.assertFalse(has_perm(next_request_user, Perm.REGION_VIEW_INTERNAL, self.region))

    def test_it_reads_nothing_for_a_visitor(self) -> None:
        with self.assertNumQueries(0):
            self.assertEqual(memberships_of(AnonymousUser()), [])


class UserWithMembershipsTests(RegionTestCase):
    """The session's user and their memberships in one statement (accounts.backends.UserBackend reads them so)."""

    def test_it_reads_the_user_and_the_same_memberships_in_one_statement(self) -> None:
        user = self.operator
        accounts.membership_grant(user=user, role=Role.RT_TREASURER, region=self.region, area=self.rt, actor=None)
        revoked = accounts.membership_grant(user=user, role=Role.CITIZEN, region=self.other_region, actor=None)
        accounts.membership_revoke(membership=revoked, actor=None)
        accounts.membership_grant(user=user, role=Role.PLATFORM_ADMIN, region=None, actor=None)
        expected = list(
            Membership.objects.active().filter(user=user).select_related("region", "agency", "area").order_by("pk")
        )
        with self.assertNumQueries(1):
            found = membership_rows.user_with_memberships(user.pk)
            assert found is not None
            reader, memberships = found
            related = [(m.region, m.agency, m.area) for m in memberships]
        self.assertEqual(_fields(reader), _fields(User.objects.get(pk=user.pk)))
        self.assertEqual(len(memberships), 3)  # not the revoked one
        for mine, theirs, (region, agency, area) in zip(memberships, expected, related, strict=True):
            with self.subTest(role=mine.role):
                self.assertEqual(_fields(mine), _fields(theirs))
                self.assertEqual(_fields(region), _fields(theirs.region))
                self.assertEqual(_fields(agency), _fields(theirs.agency))
                self.assertEqual(_fields(area), _fields(theirs.area))

    def test_a_user_without_memberships_has_none_and_nobody_is_none(self) -> None:
        nobody = User.objects.create_user(username="warga-baru", password="x-password-123")
        found = membership_rows.user_with_memberships(nobody.pk)
        assert found is not None
        self.assertEqual((found[0].pk, found[1]), (nobody.pk, []))
        self.assertIsNone(membership_rows.user_with_memberships(10**9))

    def test_a_members_page_reads_no_memberships_after_the_user(self) -> None:
        self.client.force_login(self.planner)
        self.assertEqual(self.client.get(f"/{self.region.slug}/monitoring/").status_code, 200)
        with CaptureQueriesContext(connection) as queries:
            self.client.get(f"/{self.region.slug}/monitoring/")
        membership_table = Membership._meta.db_table
        self.assertEqual(sum(membership_table in q["sql"] for q in queries.captured_queries), 1)


class StatementTests(RegionTestCase):
    def test_it_writes_the_statement_once_per_connection_and_keeps_it_there(self) -> None:
        first = membership_rows._statement(connection)
        self.assertIs(membership_rows._statement(connection), first)
        self.assertIn(first, vars(connection).values())  # it goes with the connection object, not a module cache
