"""When a night's watch runs, whose turn it is, and month arithmetic — pure functions of a fund and a time.

A "night" runs from the fund's watch start (e.g. 22:00) to its watch end the next morning (e.g. 06:00),
in the region's time zone, and is named by the date on which it started: 01:30 on 5 May belongs to the
night of 4 May. A watch that does not cross midnight (e.g. 00:00–04:00) belongs to its own date.
"""

from __future__ import annotations

import datetime as dt
import re
import zoneinfo
from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from kotacerdas.jimpitan.models import Fund, RondaGroup

MONTH_PATTERN = re.compile(r"^(?P<year>20\d\d)-(?P<month>0[1-9]|1[0-2])$")


def time_zone(fund: Fund) -> zoneinfo.ZoneInfo:
    return zoneinfo.ZoneInfo(fund.region.time_zone)


def crosses_midnight(fund: Fund) -> bool:
    return fund.watch_end < fund.watch_start


def night_of(fund: Fund, moment: dt.datetime) -> dt.date | None:
    """The night whose watch includes `moment`, or None when `moment` is outside every watch."""
    local = moment.astimezone(time_zone(fund))
    clock, day = local.time(), local.date()
    if crosses_midnight(fund):
        if clock >= fund.watch_start:
            return day
        return day - dt.timedelta(days=1) if clock < fund.watch_end else None
    return day if fund.watch_start <= clock < fund.watch_end else None


def watch_window(fund: Fund, night: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """The aware start and end of a night's watch."""
    zone = time_zone(fund)
    end_day = night + dt.timedelta(days=1) if crosses_midnight(fund) else night
    return dt.datetime.combine(night, fund.watch_start, zone), dt.datetime.combine(end_day, fund.watch_end, zone)


def today(fund: Fund, moment: dt.datetime) -> dt.date:
    return moment.astimezone(time_zone(fund)).date()


def group_on_duty(fund: Fund, groups: Sequence[RondaGroup], night: dt.date) -> RondaGroup | None:
    """Weekly: the group whose position is the night's weekday (1 Monday … 7 Sunday); cycle: groups in turn."""
    if not groups:
        return None
    if fund.rotation == "cycle" and fund.rotation_start is not None:
        ordered = sorted(groups, key=lambda g: g.position)
        return ordered[(night - fund.rotation_start).days % len(ordered)]
    return next((g for g in groups if g.position == night.isoweekday()), None)


# --- months -------------------------------------------------------------------------------------


def month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


def next_month(month: dt.date) -> dt.date:
    return (month.replace(day=28) + dt.timedelta(days=4)).replace(day=1)


def previous_month(month: dt.date) -> dt.date:
    return (month.replace(day=1) - dt.timedelta(days=1)).replace(day=1)


def parse_month(text: str | None) -> dt.date | None:
    """A "YYYY-MM" text as the first day of that month, or None when it is not one."""
    found = MONTH_PATTERN.match((text or "").strip())
    return dt.date(int(found["year"]), int(found["month"]), 1) if found else None
