"""The night: from the watch start to the next morning, in the region's time zone, named by its first date."""

from __future__ import annotations

import datetime as dt

from django.test import SimpleTestCase

from kotacerdas.jimpitan import nights
from kotacerdas.jimpitan.models import Fund, RondaGroup, Rotation
from kotacerdas.regions.models import Region

WIB = dt.timezone(dt.timedelta(hours=7))
WIT = dt.timezone(dt.timedelta(hours=9))


def fund(
    start: dt.time = dt.time(22, 0), end: dt.time = dt.time(6, 0), zone: str = "Asia/Jakarta", **kw: object
) -> Fund:
    return Fund(region=Region(time_zone=zone), watch_start=start, watch_end=end, **kw)


def at(day: int, hour: int, minute: int = 0, tz: dt.tzinfo = WIB) -> dt.datetime:
    return dt.datetime(2027, 3, day, hour, minute, tzinfo=tz)


class NightOfTests(SimpleTestCase):
    def test_it_names_the_night_by_the_date_the_watch_started(self) -> None:
        self.assertEqual(nights.night_of(fund(), at(4, 22, 0)), dt.date(2027, 3, 4))
        self.assertEqual(nights.night_of(fund(), at(4, 23, 59)), dt.date(2027, 3, 4))

    def test_it_keeps_the_hours_after_midnight_in_the_night_before(self) -> None:
        self.assertEqual(nights.night_of(fund(), at(5, 0, 0)), dt.date(2027, 3, 4))
        self.assertEqual(nights.night_of(fund(), at(5, 5, 59)), dt.date(2027, 3, 4))

    def test_it_is_no_night_between_the_watch_end_and_the_watch_start(self) -> None:
        self.assertIsNone(nights.night_of(fund(), at(5, 6, 0)))
        self.assertIsNone(nights.night_of(fund(), at(4, 15, 0)))
        self.assertIsNone(nights.night_of(fund(), at(4, 21, 59)))

    def test_it_reads_the_clock_in_the_regions_time_zone(self) -> None:
        # 15:30 UTC is 22:30 WIB (inside the watch) but 00:30 WIT in Papua (also inside, the night before).
        moment = dt.datetime(2027, 3, 4, 15, 30, tzinfo=dt.UTC)
        self.assertEqual(nights.night_of(fund(), moment), dt.date(2027, 3, 4))
        self.assertEqual(nights.night_of(fund(zone="Asia/Jayapura"), moment), dt.date(2027, 3, 4))
        self.assertIsNone(nights.night_of(fund(), dt.datetime(2027, 3, 4, 8, 0, tzinfo=dt.UTC)))

    def test_it_handles_a_watch_that_does_not_cross_midnight(self) -> None:
        early = fund(dt.time(0, 30), dt.time(4, 0))
        self.assertEqual(nights.night_of(early, at(5, 1, 0)), dt.date(2027, 3, 5))
        self.assertIsNone(nights.night_of(early, at(4, 23, 0)))

    def test_it_gives_the_watch_window_in_local_time(self) -> None:
        start, end = nights.watch_window(fund(), dt.date(2027, 3, 4))
        self.assertEqual((start.astimezone(WIB), end.astimezone(WIB)), (at(4, 22), at(5, 6)))


class GroupOnDutyTests(SimpleTestCase):
    def groups(self, count: int) -> list[RondaGroup]:
        return [RondaGroup(name=f"G{n}", position=n) for n in range(1, count + 1)]

    def test_it_picks_the_group_of_the_nights_weekday(self) -> None:
        groups = self.groups(7)
        thursday = dt.date(2027, 3, 4)
        self.assertEqual(nights.group_on_duty(fund(rotation=Rotation.WEEKLY), groups, thursday), groups[3])

    def test_it_has_no_group_on_a_night_without_one(self) -> None:
        self.assertIsNone(nights.group_on_duty(fund(rotation=Rotation.WEEKLY), self.groups(3), dt.date(2027, 3, 4)))
        self.assertIsNone(nights.group_on_duty(fund(), [], dt.date(2027, 3, 4)))

    def test_it_lets_groups_take_turns_in_a_cycle(self) -> None:
        cycle = fund(rotation=Rotation.CYCLE, rotation_start=dt.date(2027, 3, 1))
        groups = self.groups(3)
        turns = [nights.group_on_duty(cycle, groups, dt.date(2027, 3, d)) for d in range(1, 8)]
        self.assertEqual([g.name for g in turns if g], ["G1", "G2", "G3", "G1", "G2", "G3", "G1"])


class MonthTests(SimpleTestCase):
    def test_it_parses_a_month_or_nothing(self) -> None:
        self.assertEqual(nights.parse_month("2027-03"), dt.date(2027, 3, 1))
        for bad in ("", None, "2027-13", "27-03", "2027-3", "2027-03-01", "'; drop"):
            self.assertIsNone(nights.parse_month(bad), bad)

    def test_it_steps_months_across_years(self) -> None:
        self.assertEqual(nights.next_month(dt.date(2027, 12, 1)), dt.date(2028, 1, 1))
        self.assertEqual(nights.previous_month(dt.date(2027, 1, 1)), dt.date(2026, 12, 1))
