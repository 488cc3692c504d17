"""Builders for the jimpitan tests: a frozen night in WIB, the fund of RT 01, its houses, roster and personas."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable
from typing import Any, ClassVar

import time_machine
from django.db import models
from django.utils.translation import gettext

from kotacerdas.accounts.models import User
from kotacerdas.accounts.roles import Role
from kotacerdas.audit.models import AuditEntry
from kotacerdas.core.errors import ApplicationError
from kotacerdas.core.testing import RegionTestCase, make_user
from kotacerdas.jimpitan import services
from kotacerdas.jimpitan.models import Fund, Household, RondaGroup, Shift
from kotacerdas.jimpitan.services import FundTerms, Recorded
from kotacerdas.regions import services as regions
from kotacerdas.regions.models import Area

# Thursday 4 March 2027 in Asia/Jakarta (UTC+7). The night of 4 March runs 22:00 → 06:00 on 5 March.
NIGHT = dt.date(2027, 3, 4)
WATCH = dt.datetime(2027, 3, 4, 15, 30, tzinfo=dt.UTC)  # 22:30 WIB: inside the watch
DAYTIME = dt.datetime(2027, 3, 4, 8, 0, tzinfo=dt.UTC)  # 15:00 WIB: outside the watch
AFTER_MIDNIGHT = dt.datetime(2027, 3, 4, 19, 30, tzinfo=dt.UTC)  # 02:30 WIB on 5 March: still the night of 4 March
MORNING = dt.datetime(2027, 3, 4, 23, 30, tzinfo=dt.UTC)  # 06:30 WIB on 5 March: the watch is over
NEXT_MONTH = dt.datetime(2027, 4, 2, 8, 0, tzinfo=dt.UTC)  # 15:00 WIB on 2 April: March is over


def audit_trail(target: models.Model) -> list[AuditEntry]:
    return list(
        AuditEntry.objects.filter(target_type=target._meta.label_lower, target_id=str(target.pk)).order_by("id")
    )


def actions_of(target: models.Model) -> list[str]:
    return [entry.action for entry in audit_trail(target)]


@time_machine.travel(WATCH, tick=False)
class JimpitanTestCase(RegionTestCase):
    """RT 01 of kotaraya with its fund (Rp500 a night, cash, 22:00–06:00, 70/30), three houses and a roster.

    Personas: `treasurer` (RT 01), `ronda` (RT 01, in Thursday's group), `ronda_off` (RT 01, in no group),
    `treasurer_rt2` (RT 02 of the same RW, with its own fund) and `outsider` (another region).
    """

    rt2: ClassVar[Area]
    ronda: ClassVar[User]
    ronda_off: ClassVar[User]
    treasurer_rt2: ClassVar[User]
    fund: ClassVar[Fund]
    fund_rt2: ClassVar[Fund]
    house1: ClassVar[Household]
    house2: ClassVar[Household]
    house3: ClassVar[Household]
    thursday: ClassVar[RondaGroup]

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.rt2 = regions.area_create(region=cls.region, parent=cls.rw, kind="rt", name="RT 02", actor=None)
        cls.ronda = make_user("ronda", Role.RONDA_MEMBER, cls.region, area=cls.rt)
        cls.ronda_off = make_user("ronda_off", Role.RONDA_MEMBER, cls.region, area=cls.rt)
        cls.treasurer_rt2 = make_user("treasurer_rt2", Role.RT_TREASURER, cls.region, area=cls.rt2)
        cls.fund = services.fund_create(area=cls.rt, terms=terms(), actor=cls.treasurer)
        cls.fund_rt2 = services.fund_create(area=cls.rt2, terms=terms(name="Jimpitan RT 02"), actor=cls.treasurer_rt2)
        cls.house1 = cls.house("1", "Sutrisno")
        cls.house2 = cls.house("2", "Suparmi")
        cls.house3 = cls.house("10", "Bambang")
        cls.thursday = services.group_create(fund=cls.fund, name="Kelompok Kamis", position=4, actor=cls.treasurer)
        services.group_member_add(group=cls.thursday, user=cls.ronda, actor=cls.treasurer)

    @classmethod
    def house(cls, number: str, head: str, fund: Fund | None = None) -> Household:
        fund = fund or cls.fund
        actor = cls.treasurer if fund.area_id == cls.rt.pk else cls.treasurer_rt2
        return services.household_create(fund=fund, number=number, head_name=head, actor=actor)

    # --- helpers --------------------------------------------------------------------------------

    def fresh(self, obj: Any) -> Any:
        return type(obj).objects.get(pk=obj.pk)

    def open_shift(self, actor: User | None = None, fund: Fund | None = None) -> Shift:
        return services.shift_open(fund=fund or self.fund, actor=actor or self.ronda)

    def record(
        self, shift: Shift, household: Household, *, actor: User | None = None, key: uuid.UUID | None = None, **kw: Any
    ) -> Recorded:
        return services.collection_record(
            shift=shift, household=household, idempotency_key=key or uuid.uuid4(), actor=actor or self.ronda, **kw
        )

    def assertRefused(
        self, error: type[ApplicationError], message: str | None, call: Callable[[], object]
    ) -> ApplicationError:
        """The call raises exactly `error` with the room's message (translated), when one is given."""
        with self.assertRaises(ApplicationError) as caught:
            call()
        self.assertIs(type(caught.exception), error, caught.exception)
        if message is not None:
            self.assertTrue(
                caught.exception.message.startswith(gettext(message).split("%(")[0]),
                f"{caught.exception.message!r} is not {message!r}",
            )
        return caught.exception


def terms(**overrides: Any) -> FundTerms:
    values: dict[str, Any] = {
        "name": "Jimpitan RT 01",
        "nightly_amount": 500,
        "watch_start": dt.time(22, 0),
        "watch_end": dt.time(6, 0),
        "rw_share_percent": 30,
    }
    values.update(overrides)
    return FundTerms(**values)
