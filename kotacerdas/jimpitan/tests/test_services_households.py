"""Households: registered with a door tag (an opaque token), edited, moved out; names never in the audit log."""

from __future__ import annotations

import datetime as dt

from kotacerdas.audit.actions import AuditAction
from kotacerdas.core.errors import Conflict, NotAllowed
from kotacerdas.jimpitan import services
from kotacerdas.jimpitan.models import Household
from kotacerdas.jimpitan.services import JimpitanError
from kotacerdas.jimpitan.tests.factories import NIGHT, JimpitanTestCase, audit_trail


class HouseholdCreateTests(JimpitanTestCase):
    def test_it_registers_a_house_living_here_from_today(self) -> None:
        self.assertEqual((self.house1.number, self.house1.head_name), ("1", "Sutrisno"))
        self.assertTrue(self.house1.is_active)
        self.assertEqual(self.house1.registered_on, NIGHT)
        self.assertEqual(self.house1.region, self.region)

    def test_it_gives_each_house_an_opaque_unique_tag_token(self) -> None:
        tokens = {h.tag_token for h in Household.objects.all()}
        self.assertEqual(len(tokens), Household.objects.count())
        for token in tokens:
            self.assertGreaterEqual(len(token), 10)
            self.assertRegex(token, r"^[A-Za-z0-9_-]+$")
        self.assertNotIn("Sutrisno", self.house1.tag_token)

    def test_it_keeps_the_head_of_households_name_out_of_the_audit_log(self) -> None:
        [entry] = audit_trail(self.house1)
        self.assertEqual(entry.action, AuditAction.JIMPITAN_HOUSEHOLD_CREATED)
        self.assertNotIn("Sutrisno", str(entry.after))
        self.assertEqual(entry.after["number"], "1")

    def test_it_refuses_a_house_number_already_living_here(self) -> None:
        error = self.assertRefused(
            JimpitanError,
            services.HOUSE_NUMBER_TAKEN,
            lambda: services.household_create(fund=self.fund, number=" 1 ", head_name="Lain", actor=self.treasurer),
        )
        self.assertEqual(error.field, "number")

    def test_it_allows_the_same_number_in_another_rt(self) -> None:
        self.house("1", "Tetangga", fund=self.fund_rt2)

    def test_it_refuses_a_ronda_member_and_another_rts_treasurer(self) -> None:
        for actor in (self.ronda, self.treasurer_rt2):
            with self.subTest(actor=actor.username):
                self.assertRefused(
                    NotAllowed,
                    services.NOT_PERMITTED,
                    lambda actor=actor: services.household_create(
                        fund=self.fund, number="99", head_name="X", actor=actor
                    ),
                )


class HouseholdUpdateTests(JimpitanTestCase):
    def test_it_changes_the_details_and_audits_which_fields_changed(self) -> None:
        services.household_update(
            household=self.house1, number="1A", head_name="Sutrisno Baru", address="Gang Mawar", actor=self.treasurer
        )
        house = self.fresh(self.house1)
        self.assertEqual((house.number, house.head_name, house.address), ("1A", "Sutrisno Baru", "Gang Mawar"))
        entry = audit_trail(self.house1)[-1]
        self.assertEqual(entry.after["changed"], ["number", "head_name", "address"])
        self.assertNotIn("Sutrisno Baru", str(entry.after))

    def test_it_refuses_a_number_taken_by_another_house(self) -> None:
        self.assertRefused(
            JimpitanError,
            services.HOUSE_NUMBER_TAKEN,
            lambda: services.household_update(household=self.house1, number="2", head_name="X", actor=self.treasurer),
        )


class HouseholdMoveOutTests(JimpitanTestCase):
    def test_it_marks_the_house_moved_out_and_frees_its_number(self) -> None:
        services.household_move_out(household=self.house1, moved_out_on=NIGHT, actor=self.treasurer)
        house = self.fresh(self.house1)
        self.assertEqual((house.is_active, house.moved_out_on), (False, NIGHT))
        services.household_create(fund=self.fund, number="1", head_name="Keluarga baru", actor=self.treasurer)

    def test_it_refuses_moving_out_twice(self) -> None:
        services.household_move_out(household=self.house1, moved_out_on=NIGHT, actor=self.treasurer)
        self.assertRefused(
            Conflict,
            services.HOUSEHOLD_MOVED_OUT,
            lambda: services.household_move_out(household=self.house1, moved_out_on=NIGHT, actor=self.treasurer),
        )

    def test_it_refuses_a_date_before_registration_or_in_the_future(self) -> None:
        for day in (NIGHT - dt.timedelta(days=1), NIGHT + dt.timedelta(days=1)):
            with self.subTest(day=day):
                self.assertRefused(
                    JimpitanError,
                    services.MOVE_OUT_DATE_INVALID,
                    lambda day=day: services.household_move_out(
                        household=self.house1, moved_out_on=day, actor=self.treasurer
                    ),
                )

    def test_it_refuses_editing_a_house_that_moved_out(self) -> None:
        services.household_move_out(household=self.house1, moved_out_on=NIGHT, actor=self.treasurer)
        self.assertRefused(
            Conflict,
            services.HOUSEHOLD_MOVED_OUT,
            lambda: services.household_update(household=self.house1, number="1", head_name="X", actor=self.treasurer),
        )
