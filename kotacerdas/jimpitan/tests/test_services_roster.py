"""The ronda roster: groups per night of the week (or in turn), whose members are the RT's people with an account."""

from __future__ import annotations

import datetime as dt

from django.utils.translation import gettext

from kotacerdas.audit.actions import AuditAction
from kotacerdas.core.errors import NotAllowed
from kotacerdas.jimpitan import services
from kotacerdas.jimpitan.models import RondaGroupMember, Rotation
from kotacerdas.jimpitan.services import JimpitanError
from kotacerdas.jimpitan.tests.factories import JimpitanTestCase, actions_of, terms


class GroupCreateTests(JimpitanTestCase):
    def test_it_adds_a_group_for_a_night_of_the_week(self) -> None:
        group = services.group_create(fund=self.fund, name="Kelompok Jumat", position=5, actor=self.treasurer)
        self.assertEqual((group.fund, group.position, group.turn_label), (self.fund, 5, "Jumat"))
        self.assertEqual(actions_of(group), [AuditAction.JIMPITAN_GROUP_CREATED])

    def test_it_refuses_a_night_outside_monday_to_sunday(self) -> None:
        for position in (0, 8):
            with self.subTest(position=position):
                self.assertRefused(
                    JimpitanError,
                    services.WEEKDAY_RANGE,
                    lambda p=position: services.group_create(
                        fund=self.fund, name="X", position=p, actor=self.treasurer
                    ),
                )

    def test_it_refuses_a_second_group_on_the_same_night(self) -> None:
        self.assertRefused(
            JimpitanError,
            services.POSITION_TAKEN,
            lambda: services.group_create(fund=self.fund, name="Kamis 2", position=4, actor=self.treasurer),
        )

    def test_it_numbers_turns_freely_in_a_cycle(self) -> None:
        services.fund_update(
            fund=self.fund,
            terms=terms(rotation=Rotation.CYCLE, rotation_start=dt.date(2027, 3, 1)),
            actor=self.treasurer,
        )
        group = services.group_create(fund=self.fund, name="Kelompok 9", position=9, actor=self.treasurer)
        self.assertEqual(group.turn_label, gettext("turn %(number)s") % {"number": 9})

    def test_it_refuses_a_ronda_member(self) -> None:
        self.assertRefused(
            NotAllowed,
            services.NOT_PERMITTED,
            lambda: services.group_create(fund=self.fund, name="X", position=1, actor=self.ronda),
        )


class GroupMemberTests(JimpitanTestCase):
    def test_it_adds_and_removes_a_member_of_the_rt(self) -> None:
        member = services.group_member_add(group=self.thursday, user=self.ronda_off, actor=self.treasurer)
        self.assertEqual(member.group, self.thursday)
        services.group_member_remove(member=member, actor=self.treasurer)
        self.assertFalse(RondaGroupMember.objects.filter(pk=member.pk).exists())
        self.assertEqual(
            actions_of(self.thursday)[-2:],
            [AuditAction.JIMPITAN_GROUP_MEMBER_ADDED, AuditAction.JIMPITAN_GROUP_MEMBER_REMOVED],
        )

    def test_it_refuses_someone_who_does_not_serve_this_rt(self) -> None:
        for user in (self.treasurer_rt2, self.planner, self.outsider):
            with self.subTest(user=user.username):
                self.assertRefused(
                    JimpitanError,
                    services.MEMBER_NOT_OF_AREA,
                    lambda u=user: services.group_member_add(group=self.thursday, user=u, actor=self.treasurer),
                )

    def test_it_refuses_a_member_twice(self) -> None:
        self.assertRefused(
            JimpitanError,
            services.MEMBER_TWICE,
            lambda: services.group_member_add(group=self.thursday, user=self.ronda, actor=self.treasurer),
        )
