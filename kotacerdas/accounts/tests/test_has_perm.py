"""has_perm: a role in the region grants the permission; agency-scoped permissions only for one's own agency."""

from __future__ import annotations

from kotacerdas.accounts.models import Membership
from kotacerdas.accounts.roles import Perm
from kotacerdas.accounts.selectors import forget_memberships, has_perm, is_member, is_staff_member
from kotacerdas.core.testing import RegionTestCase


class HasPermTests(RegionTestCase):
    def test_it_lets_an_operator_declare_for_their_own_agency(self) -> None:
        self.assertTrue(has_perm(self.operator, Perm.CAPABILITY_DECLARE, self.region, self.public_works))

    def test_it_lets_an_agency_head_declare_for_their_own_agency(self) -> None:
        self.assertTrue(has_perm(self.head, Perm.CAPABILITY_DECLARE, self.region, self.public_works))

    def test_it_grants_a_region_wide_permission_without_an_agency(self) -> None:
        self.assertTrue(has_perm(self.operator, Perm.REGION_VIEW_INTERNAL, self.region))
        self.assertTrue(has_perm(self.planner, Perm.COVERAGE_VIEW, self.region))

    def test_it_refuses_an_agency_scoped_permission_for_another_agency(self) -> None:
        self.assertFalse(has_perm(self.operator, Perm.CAPABILITY_DECLARE, self.region, self.bappeda))
        self.assertFalse(has_perm(self.planner, Perm.CAPABILITY_DECLARE, self.region, self.public_works))

    def test_it_refuses_an_agency_scoped_permission_without_an_agency(self) -> None:
        self.assertFalse(has_perm(self.operator, Perm.CAPABILITY_DECLARE, self.region))

    def test_it_refuses_a_role_without_the_permission(self) -> None:
        self.assertFalse(has_perm(self.inspector, Perm.CAPABILITY_DECLARE, self.region, self.inspektorat))
        self.assertFalse(has_perm(self.operator, Perm.COVERAGE_VIEW, self.region))
        self.assertFalse(has_perm(self.leader, Perm.AUDIT_VIEW, self.region))

    def test_it_refuses_citizens_and_treasurers_all_government_work(self) -> None:
        own = {self.citizen: {Perm.REQUEST_SUBMIT}, self.treasurer: set()}
        for user in (self.citizen, self.treasurer):
            for perm in set(Perm) - own[user]:
                with self.subTest(user=user.username, perm=perm):
                    self.assertFalse(has_perm(user, perm, self.region, self.public_works))

    def test_it_lets_a_citizen_submit_requests(self) -> None:
        self.assertTrue(has_perm(self.citizen, Perm.REQUEST_SUBMIT, self.region))

    def test_it_scopes_jimpitan_permissions_to_the_treasurers_rt(self) -> None:
        self.assertTrue(has_perm(self.treasurer, Perm.JIMPITAN_MANAGE, self.region, area=self.rt))
        self.assertFalse(has_perm(self.treasurer, Perm.JIMPITAN_MANAGE, self.region, area=self.rw))
        self.assertFalse(has_perm(self.treasurer, Perm.JIMPITAN_MANAGE, self.region))

    def test_it_refuses_a_permission_in_another_region(self) -> None:
        self.assertFalse(has_perm(self.outsider, Perm.COVERAGE_VIEW, self.region))
        self.assertFalse(has_perm(self.outsider, Perm.CAPABILITY_DECLARE, self.region, self.other_agency))
        self.assertTrue(has_perm(self.outsider, Perm.CAPABILITY_DECLARE, self.other_region, self.other_agency))

    def test_it_ignores_an_inactive_membership(self) -> None:
        Membership.objects.filter(user=self.operator).update(is_active=False)
        forget_memberships(self.operator)
        self.assertFalse(has_perm(self.operator, Perm.CAPABILITY_DECLARE, self.region, self.public_works))

    def test_it_reads_the_memberships_once_per_user_object(self) -> None:
        with self.assertNumQueries(1):
            has_perm(self.operator, Perm.CAPABILITY_DECLARE, self.region, self.public_works)
            has_perm(self.operator, Perm.REGION_VIEW_INTERNAL, self.region)


class IsStaffMemberTests(RegionTestCase):
    def test_it_counts_government_roles_as_staff(self) -> None:
        for user in (self.planner, self.officer, self.operator, self.head, self.leader, self.inspector):
            with self.subTest(user=user.username):
                self.assertTrue(is_staff_member(user, self.region))

    def test_it_counts_citizens_as_members_but_not_staff(self) -> None:
        self.assertTrue(is_member(self.citizen, self.region))
        self.assertFalse(is_staff_member(self.citizen, self.region))

    def test_it_does_not_count_staff_of_another_region(self) -> None:
        self.assertFalse(is_member(self.outsider, self.region))
