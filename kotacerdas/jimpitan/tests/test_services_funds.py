"""Funds: a treasurer sets up the fund of their own RT (or RW), with a valid scheme; sharing the report."""

from __future__ import annotations

import datetime as dt

from kotacerdas.accounts.roles import Role
from kotacerdas.audit.actions import AuditAction
from kotacerdas.core.errors import Conflict, NotAllowed
from kotacerdas.core.testing import make_user
from kotacerdas.jimpitan import services
from kotacerdas.jimpitan.models import Fund, Payment, Rotation, Scheme
from kotacerdas.jimpitan.services import JimpitanError
from kotacerdas.jimpitan.tests.factories import JimpitanTestCase, actions_of, audit_trail, terms
from kotacerdas.regions import services as regions


class FundCreateTests(JimpitanTestCase):
    def test_it_sets_up_the_fund_of_the_treasurers_rt(self) -> None:
        self.assertEqual(self.fund.area, self.rt)
        self.assertEqual(self.fund.region, self.region)
        self.assertEqual((self.fund.scheme, self.fund.nightly_amount, self.fund.payment), ("nightly", 500, "cash"))
        self.assertEqual((self.fund.rt_share_percent, self.fund.rw_share_percent), (70, 30))
        [entry] = audit_trail(self.fund)
        self.assertEqual((entry.action, entry.actor), (AuditAction.JIMPITAN_FUND_CREATED, self.treasurer))
        self.assertEqual(entry.after["nightly_amount"], 500)

    def test_it_sets_up_a_fund_per_rw_for_an_rw_treasurer(self) -> None:
        treasurer = make_user("bendahara_rw", Role.RT_TREASURER, self.region, area=self.rw)
        fund = services.fund_create(
            area=self.rw,
            terms=terms(name="Jimpitan RW 01", scheme=Scheme.MONTHLY, monthly_tariff=15_000),
            actor=treasurer,
        )
        self.assertEqual((fund.area, fund.monthly_tariff), (self.rw, 15_000))

    def test_it_refuses_a_ronda_member(self) -> None:
        area = regions.area_create(region=self.region, parent=self.rw, kind="rt", name="RT 03", actor=None)
        member = make_user("ronda_rt3", Role.RONDA_MEMBER, self.region, area=area)
        self.assertRefused(
            NotAllowed, services.NOT_PERMITTED, lambda: services.fund_create(area=area, terms=terms(), actor=member)
        )

    def test_it_refuses_the_treasurer_of_another_rt(self) -> None:
        area = regions.area_create(region=self.region, parent=self.rw, kind="rt", name="RT 03", actor=None)
        self.assertRefused(
            NotAllowed,
            services.NOT_PERMITTED,
            lambda: services.fund_create(area=area, terms=terms(), actor=self.treasurer),
        )

    def test_it_refuses_a_second_fund_for_the_same_rt(self) -> None:
        self.assertRefused(
            Conflict,
            services.FUND_EXISTS,
            lambda: services.fund_create(area=self.rt, terms=terms(), actor=self.treasurer),
        )
        self.assertEqual(Fund.objects.filter(area=self.rt).count(), 1)

    def test_it_refuses_an_area_that_is_not_an_rt_or_rw(self) -> None:
        odd = make_user("bendahara_kel", Role.RT_TREASURER, self.region, area=self.kelurahan)
        self.assertRefused(
            JimpitanError,
            services.AREA_NOT_NEIGHBOURHOOD,
            lambda: services.fund_create(area=self.kelurahan, terms=terms(), actor=odd),
        )

    def test_it_refuses_an_inconsistent_scheme_with_a_message_on_the_field(self) -> None:
        area = regions.area_create(region=self.region, parent=self.rw, kind="rt", name="RT 03", actor=None)
        treasurer = make_user("bendahara_rt3", Role.RT_TREASURER, self.region, area=area)
        cases = [
            (terms(nightly_amount=0), services.NIGHTLY_AMOUNT_MISSING, "nightly_amount"),
            (terms(scheme=Scheme.MONTHLY, monthly_tariff=0), services.TARIFF_MISSING, "monthly_tariff"),
            (
                terms(scheme=Scheme.MONTHLY, monthly_tariff=15_000, payment=Payment.PREPAID),
                services.PREPAID_NEEDS_NIGHTLY,
                "payment",
            ),
            (terms(watch_start=dt.time(22), watch_end=dt.time(22)), services.WATCH_TIMES_EQUAL, "watch_end"),
            (terms(rw_share_percent=101), services.SHARE_OUT_OF_RANGE, "rw_share_percent"),
            (terms(rotation=Rotation.CYCLE), services.CYCLE_NEEDS_START, "rotation_start"),
        ]
        for bad, message, field in cases:
            with self.subTest(field=field):
                error = self.assertRefused(
                    JimpitanError, message, lambda bad=bad: services.fund_create(area=area, terms=bad, actor=treasurer)
                )
                self.assertEqual(error.field, field)
        self.assertFalse(Fund.objects.filter(area=area).exists())


class FundUpdateTests(JimpitanTestCase):
    def test_it_changes_the_scheme_with_before_and_after_in_the_audit(self) -> None:
        services.fund_update(
            fund=self.fund, terms=terms(nightly_amount=1000, rw_share_percent=20), actor=self.treasurer
        )
        fund = self.fresh(self.fund)
        self.assertEqual((fund.nightly_amount, fund.rw_share_percent), (1000, 20))
        entry = audit_trail(self.fund)[-1]
        self.assertEqual((entry.before["nightly_amount"], entry.after["nightly_amount"]), (500, 1000))

    def test_it_refuses_the_treasurer_of_another_rt(self) -> None:
        self.assertRefused(
            NotAllowed,
            services.NOT_PERMITTED,
            lambda: services.fund_update(fund=self.fund, terms=terms(), actor=self.treasurer_rt2),
        )

    def test_it_refuses_a_weekly_rotation_with_more_than_seven_turns(self) -> None:
        services.fund_update(
            fund=self.fund,
            terms=terms(rotation=Rotation.CYCLE, rotation_start=dt.date(2027, 3, 1)),
            actor=self.treasurer,
        )
        services.group_create(fund=self.fund, name="Kelompok 8", position=8, actor=self.treasurer)
        self.assertRefused(
            JimpitanError,
            services.WEEKLY_TOO_MANY_GROUPS,
            lambda: services.fund_update(fund=self.fund, terms=terms(), actor=self.treasurer),
        )


class FundShareTests(JimpitanTestCase):
    def test_it_gives_the_report_an_unguessable_link_and_can_withdraw_it(self) -> None:
        services.fund_share(fund=self.fund, actor=self.treasurer)
        first = self.fresh(self.fund).share_token
        self.assertGreaterEqual(len(first), 30)
        services.fund_share(fund=self.fund, actor=self.treasurer)
        self.assertNotEqual(self.fresh(self.fund).share_token, first)
        services.fund_unshare(fund=self.fund, actor=self.treasurer)
        self.assertIsNone(self.fresh(self.fund).share_token)
        self.assertEqual(
            actions_of(self.fund)[-3:],
            [AuditAction.JIMPITAN_FUND_SHARED, AuditAction.JIMPITAN_FUND_SHARED, AuditAction.JIMPITAN_FUND_UNSHARED],
        )

    def test_it_refuses_a_ronda_member(self) -> None:
        self.assertRefused(
            NotAllowed, services.NOT_PERMITTED, lambda: services.fund_share(fund=self.fund, actor=self.ronda)
        )
