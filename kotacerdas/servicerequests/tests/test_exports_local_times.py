"""The export's local times: the per-day shortcut gives exactly what zoneinfo gives, in any zone and era."""

from __future__ import annotations

import datetime as dt
import random
import zoneinfo

from django.test import SimpleTestCase

from kotacerdas.servicerequests.exports import DAYS_KEPT, LocalTimes

JAKARTA = zoneinfo.ZoneInfo("Asia/Jakarta")
# WIB, WITA, WIT; Jakarta's own past (+07:07:12, +07:20, +07:30, +09:00, +08:00); half-hour and DST zones.
ZONES = ("Asia/Jakarta", "Asia/Makassar", "Asia/Jayapura", "Asia/Kolkata", "Europe/Berlin", "America/St_Johns")


def stored(instant: dt.datetime, zone: dt.tzinfo = dt.UTC) -> str:
    """The instant as Django stores it: text in the connection's zone, microseconds when there are any."""
    return instant.astimezone(zone).replace(tzinfo=None).isoformat(" ")


def expected(instant: dt.datetime, zone: zoneinfo.ZoneInfo) -> str:
    return instant.astimezone(zone).replace(microsecond=0).isoformat()


def instants(count: int, *, first_year: int, last_year: int) -> list[dt.datetime]:
    rng = random.Random(8)
    start = dt.datetime(first_year, 1, 1, tzinfo=dt.UTC)
    seconds = int((dt.datetime(last_year, 1, 1, tzinfo=dt.UTC) - start).total_seconds())
    return [
        start + dt.timedelta(seconds=rng.randrange(seconds), microseconds=rng.choice((0, 1, 999999)))
        for _ in range(count)
    ]


class LocalTimesTests(SimpleTestCase):
    def test_it_writes_wib_to_the_second(self) -> None:
        local = LocalTimes(JAKARTA, stored_in=dt.UTC)
        self.assertEqual(local("2024-11-28 18:05:49.218814"), "2024-11-29T01:05:49+07:00")
        self.assertEqual(local("2024-11-28 16:59:59"), "2024-11-28T23:59:59+07:00")

    def test_it_writes_nothing_for_no_time(self) -> None:
        self.assertEqual(LocalTimes(JAKARTA, stored_in=dt.UTC)(None), "")

    def test_it_agrees_with_zoneinfo_in_every_zone_from_1900_to_2040(self) -> None:
        for name in ZONES:
            zone = zoneinfo.ZoneInfo(name)
            local = LocalTimes(zone, stored_in=dt.UTC)
            for instant in instants(3000, first_year=1900, last_year=2040):
                self.assertEqual(local(stored(instant)), expected(instant, zone), (name, instant))

    def test_it_agrees_with_zoneinfo_around_each_change_of_offset(self) -> None:
        berlin = zoneinfo.ZoneInfo("Europe/Berlin")
        local = LocalTimes(berlin, stored_in=dt.UTC)
        for change in (dt.datetime(2025, 3, 30, 1, tzinfo=dt.UTC), dt.datetime(2025, 10, 26, 1, tzinfo=dt.UTC)):
            for seconds in range(-2 * 3600, 2 * 3600, 61):
                instant = change + dt.timedelta(seconds=seconds)
                self.assertEqual(local(stored(instant)), expected(instant, berlin), instant)

    def test_it_reads_times_stored_in_another_zone(self) -> None:
        makassar = zoneinfo.ZoneInfo("Asia/Makassar")
        local = LocalTimes(makassar, stored_in=JAKARTA)
        for instant in instants(500, first_year=1930, last_year=2030):
            self.assertEqual(local(stored(instant, JAKARTA)), expected(instant, makassar), instant)

    def test_it_keeps_a_bounded_number_of_days(self) -> None:
        local = LocalTimes(JAKARTA, stored_in=dt.UTC)
        first = dt.datetime(2020, 1, 1, 12, tzinfo=dt.UTC)
        for days in range(DAYS_KEPT + 10):
            instant = first + dt.timedelta(days=days)
            self.assertEqual(local(stored(instant)), expected(instant, JAKARTA))
        self.assertLessEqual(len(local.days), DAYS_KEPT)
