"""The jimpitan pages: each role sees its own RT only, forms refuse bad input with messages, lists pin their queries."""

from __future__ import annotations

import json
import uuid
from typing import Any

import time_machine
from django.db import connection
from django.test import override_settings
from django.urls import reverse

from kotacerdas.accounts.roles import Role
from kotacerdas.core.testing import make_user
from kotacerdas.jimpitan import selectors, services
from kotacerdas.jimpitan.models import Collection, EntryKind, Fund, Household, LedgerEntry, Shift
from kotacerdas.jimpitan.tests.factories import DAYTIME, NEXT_MONTH, NIGHT, JimpitanTestCase
from kotacerdas.jimpitan.tests.test_services_ledger import MEDIA, receipt_photo
from kotacerdas.regions import services as regions


class JimpitanViewTestCase(JimpitanTestCase):
    def url(self, name: str, **kwargs: Any) -> str:
        return reverse(f"jimpitan:{name}", kwargs={"region_slug": self.region.slug, **kwargs})

    def as_user(self, user: Any) -> None:
        self.client.force_login(user)

    def messages_of(self, response: Any) -> list[str]:
        return [str(m) for m in response.context["messages"]] if response.context else []


class AccessTests(JimpitanViewTestCase):
    def test_it_sends_an_anonymous_visitor_to_the_login(self) -> None:
        response = self.client.get(self.url("home"))
        self.assertEqual(response.status_code, 302)
        self.assertIn("/accounts/login/", response["Location"])

    def test_it_refuses_a_region_member_who_serves_no_rt_with_403(self) -> None:
        self.as_user(self.planner)
        for url in (
            self.url("home"),
            self.url("fund", fund_id=self.fund.pk),
            self.url("tonight", fund_id=self.fund.pk),
        ):
            with self.subTest(url=url):
                self.assertEqual(self.client.get(url).status_code, 403)

    def test_it_hides_the_region_from_an_outsider_with_404(self) -> None:
        self.as_user(self.outsider)
        self.assertEqual(self.client.get(self.url("fund", fund_id=self.fund.pk)).status_code, 404)

    def test_it_hides_another_rts_fund_and_objects_with_404(self) -> None:
        shift = self.open_shift()
        self.as_user(self.treasurer_rt2)
        urls = [
            self.url("fund", fund_id=self.fund.pk),
            self.url("households", fund_id=self.fund.pk),
            self.url("cash_book", fund_id=self.fund.pk),
            self.url("household", household_id=self.house1.pk),
            self.url("tag", tag_token=self.house1.tag_token),
            self.url("shift", shift_id=shift.pk),
            self.url("report", fund_id=self.fund.pk),
        ]
        for url in urls:
            with self.subTest(url=url):
                self.assertEqual(self.client.get(url).status_code, 404)
        response = self.client.post(self.url("collect", shift_id=shift.pk), {"household": self.house1.pk})
        self.assertEqual(response.status_code, 404)
        self.assertFalse(Collection.objects.exists())

    def test_it_keeps_the_treasurers_pages_from_a_ronda_member_with_403(self) -> None:
        self.as_user(self.ronda)
        for name in ("households", "cash_book", "report", "tag_sheet", "arrears", "fund_edit"):
            with self.subTest(name=name):
                self.assertEqual(self.client.get(self.url(name, fund_id=self.fund.pk)).status_code, 403)


class HomeViewTests(JimpitanViewTestCase):
    def test_it_lists_the_users_fund_with_tonights_link(self) -> None:
        self.as_user(self.ronda)
        response = self.client.get(self.url("home"))
        self.assertContains(response, self.fund.name)
        self.assertContains(response, self.url("tonight", fund_id=self.fund.pk))
        self.assertNotContains(response, self.fund_rt2.name)

    def test_it_offers_a_new_treasurer_to_set_up_the_fund(self) -> None:
        area = regions.area_create(region=self.region, parent=self.rw, kind="rt", name="RT 03", actor=None)
        self.as_user(make_user("bendahara3", Role.RT_TREASURER, self.region, area=area))
        self.assertContains(self.client.get(self.url("home")), self.url("fund_create"))

    def test_it_shows_the_nav_link_to_jimpitan_members_only(self) -> None:
        link = f'href="{self.url("home")}"'
        self.as_user(self.ronda)
        self.assertContains(self.client.get(reverse("regions:home", args=[self.region.slug])), link)
        self.as_user(self.planner)
        self.assertNotContains(self.client.get(reverse("regions:home", args=[self.region.slug])), link)


class FundViewTests(JimpitanViewTestCase):
    def fund_post(self, **overrides: Any) -> dict[str, Any]:
        data = {
            "name": "Jimpitan RT 03", "scheme": "nightly", "nightly_amount": "500", "monthly_tariff": "",
            "payment": "cash", "watch_start": "22:00", "watch_end": "06:00", "rw_share_percent": "30",
            "rotation": "weekly", "rotation_start": "",
        }  # fmt: skip
        data.update(overrides)
        return data

    def setUp(self) -> None:
        super().setUp()
        self.rt3 = regions.area_create(region=self.region, parent=self.rw, kind="rt", name="RT 03", actor=None)
        self.treasurer3 = make_user("bendahara3", Role.RT_TREASURER, self.region, area=self.rt3)
        self.as_user(self.treasurer3)

    def test_it_sets_up_a_fund_from_the_form(self) -> None:
        response = self.client.post(self.url("fund_create"), self.fund_post(area=self.rt3.pk))
        fund = Fund.objects.get(area=self.rt3)
        self.assertRedirects(response, self.url("fund", fund_id=fund.pk))
        self.assertEqual((fund.name, fund.nightly_amount), ("Jimpitan RT 03", 500))

    def test_it_shows_clear_errors_for_bad_input_and_never_a_500(self) -> None:
        cases = [
            {"nightly_amount": "lima ratus"},
            {"nightly_amount": "0"},
            {"scheme": "monthly", "monthly_tariff": ""},
            {"watch_start": "25:00"},
            {"watch_end": "22:00"},
            {"rw_share_percent": "150"},
            {"payment": "prepaid", "scheme": "monthly", "monthly_tariff": "15000"},
            {"rotation": "cycle"},
            {"area": str(self.rt.pk)},  # someone else's RT
            {"name": ""},
        ]
        for overrides in cases:
            with self.subTest(overrides=overrides):
                response = self.client.post(
                    self.url("fund_create"), self.fund_post(**{"area": self.rt3.pk, **overrides})
                )
                self.assertEqual(response.status_code, 200)
                self.assertContains(response, "errorlist")
        self.assertFalse(Fund.objects.filter(area=self.rt3).exists())

    def test_it_edits_the_scheme(self) -> None:
        self.as_user(self.treasurer)
        response = self.client.post(
            self.url("fund_edit", fund_id=self.fund.pk),
            self.fund_post(name="Jimpitan RT 01", nightly_amount="1000", is_active="on"),
        )
        self.assertRedirects(response, self.url("fund", fund_id=self.fund.pk))
        self.assertEqual(self.fresh(self.fund).nightly_amount, 1000)

    def test_it_shows_the_fund_to_its_ronda_without_the_treasurers_links(self) -> None:
        self.as_user(self.ronda)
        response = self.client.get(self.url("fund", fund_id=self.fund.pk))
        self.assertContains(response, "Kelompok Kamis")
        self.assertNotContains(response, self.url("cash_book", fund_id=self.fund.pk))


class HouseholdViewTests(JimpitanViewTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.as_user(self.treasurer)

    def test_it_lists_the_households_in_a_fixed_number_of_queries(self) -> None:
        url = self.url("households", fund_id=self.fund.pk)
        with self.assertNumQueries(3):  # session+user+memberships (and region), fund, households
            response = self.client.get(url)
        self.assertContains(response, "Sutrisno")
        for n in range(20, 40):
            services.household_create(fund=self.fund, number=str(n), head_name=f"Warga {n}", actor=self.treasurer)
        with self.assertNumQueries(3):
            self.client.get(url)

    def test_it_adds_a_household_and_refuses_a_taken_number_on_the_form(self) -> None:
        url = self.url("household_create", fund_id=self.fund.pk)
        response = self.client.post(url, {"number": "7", "head_name": "Joko", "address": "", "done": "1"})
        self.assertRedirects(response, self.url("households", fund_id=self.fund.pk))
        response = self.client.post(url, {"number": "7", "head_name": "Lain"})
        self.assertContains(response, "errorlist")
        self.assertEqual(Household.objects.filter(fund=self.fund, number="7").count(), 1)
        response = self.client.post(url, {"number": "  ", "head_name": ""})
        self.assertContains(response, "errorlist")

    def test_it_moves_a_household_out_and_refuses_a_bad_date_with_a_message(self) -> None:
        url = self.url("household_move_out", household_id=self.house1.pk)
        response = self.client.post(url, {"moved_out_on": "2020-01-01"}, follow=True)
        self.assertEqual(len(self.messages_of(response)), 1)
        self.assertTrue(self.fresh(self.house1).is_active)
        response = self.client.post(url, {"moved_out_on": "tidak"}, follow=True)
        self.assertTrue(self.fresh(self.house1).is_active)
        self.client.post(url, {"moved_out_on": NIGHT.isoformat()})
        self.assertFalse(self.fresh(self.house1).is_active)

    def test_it_shows_a_household_and_refuses_a_top_up_in_a_cash_fund_with_a_message(self) -> None:
        self.assertContains(self.client.get(self.url("household", household_id=self.house1.pk)), "Sutrisno")
        response = self.client.post(
            self.url("household_top_up", household_id=self.house1.pk),
            {"amount": "10000", "idempotency_key": str(uuid.uuid4())},
            follow=True,
        )
        self.assertEqual(len(self.messages_of(response)), 1)
        self.assertFalse(LedgerEntry.objects.exists())


class TonightViewTests(JimpitanViewTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.as_user(self.ronda)

    def post_record(self, shift: Shift, household: Household, key: uuid.UUID | None = None, **extra: Any) -> Any:
        data = {"household": household.pk, "idempotency_key": str(key or uuid.uuid4()), "amount": "500"}
        data.update(extra.pop("data", {}))
        return self.client.post(self.url("collect", shift_id=shift.pk), data, **extra)

    def test_it_offers_tonights_group_to_open_the_shift(self) -> None:
        response = self.client.get(self.url("tonight", fund_id=self.fund.pk))
        self.assertContains(response, self.url("shift_open", fund_id=self.fund.pk))
        response = self.client.post(self.url("shift_open", fund_id=self.fund.pk))
        self.assertRedirects(response, self.url("tonight", fund_id=self.fund.pk))
        self.assertTrue(Shift.objects.filter(fund=self.fund, night=NIGHT).exists())

    def test_it_lists_the_houses_in_a_fixed_number_of_queries(self) -> None:
        shift = self.open_shift()
        self.record(shift, self.house1)
        url = self.url("tonight", fund_id=self.fund.pk)
        with self.assertNumQueries(8):
            response = self.client.get(url)
        self.assertContains(response, "data-collect", count=2)
        self.assertContains(response, "collect.js")
        for n in range(20, 40):
            services.household_create(fund=self.fund, number=str(n), head_name=f"Warga {n}", actor=self.treasurer)
        with self.assertNumQueries(8):
            self.client.get(url)

    def test_it_records_a_house_from_a_plain_form_and_says_so(self) -> None:
        shift = self.open_shift()
        response = self.post_record(shift, self.house1, follow=True)
        self.assertRedirects(response, self.url("tonight", fund_id=self.fund.pk))
        self.assertEqual(Collection.objects.get().household, self.house1)
        self.assertEqual(len(self.messages_of(response)), 1)

    def test_it_records_a_house_in_a_fixed_number_of_queries(self) -> None:
        shift = self.open_shift()
        # session+user+memberships (and region) with, along them, the shift with its fund, group, the house and
        # whether the user is in the group; then the write in a savepoint (the test's transaction is open; in
        # production there is none): PostgreSQL one statement, SQLite one INSERT into the pair's view and the new
        # ids read back
        postgresql = connection.vendor == "postgresql"
        write = 3 if postgresql else 4
        for user, house in ((self.ronda, self.house1), (self.treasurer, self.house2)):
            with self.subTest(user=user.username):
                self.as_user(user)
                with self.assertNumQueries(1 + write):
                    response = self.post_record(shift, house, HTTP_ACCEPT="application/json")
                self.assertEqual(response.status_code, 201)
        # a double scan: the insert fails (rollback to the savepoint, release), then the house's record of the night
        with self.assertNumQueries(6):
            response = self.post_record(shift, self.house1, HTTP_ACCEPT="application/json")
        self.assertEqual(response.status_code, 409)

    def test_a_house_id_beyond_any_key_is_a_clear_answer(self) -> None:
        shift = self.open_shift()
        for house in ("99999999999999999999", "١٢", "0"):  # past a bigint, Arabic-Indic digits, zero
            with self.subTest(house=house):
                data = {"household": house}
                response = self.post_record(shift, self.house1, data=data, HTTP_ACCEPT="application/json")
                self.assertIn(response.status_code, (400, 404))
                self.assertFalse(response.json()["ok"])
        self.assertFalse(Collection.objects.exists())

    def test_it_answers_the_offline_queue_in_json_and_counts_a_retry_once(self) -> None:
        shift, key = self.open_shift(), uuid.uuid4()
        first = self.post_record(shift, self.house1, key=key, HTTP_ACCEPT="application/json")
        self.assertEqual(first.status_code, 201)
        self.assertEqual(first.json()["household"], self.house1.pk)
        again = self.post_record(shift, self.house1, key=key, HTTP_ACCEPT="application/json")
        self.assertEqual((again.status_code, again.json()["repeat"]), (200, True))
        self.assertEqual(Collection.objects.count(), 1)

    def test_it_answers_a_second_phone_with_409(self) -> None:
        shift = self.open_shift()
        self.post_record(shift, self.house1, HTTP_ACCEPT="application/json")
        self.as_user(self.treasurer)
        second = self.post_record(shift, self.house1, HTTP_ACCEPT="application/json")
        self.assertEqual(second.status_code, 409)
        self.assertFalse(second.json()["ok"])
        self.assertEqual(Collection.objects.count(), 1)

    def test_it_refuses_bad_input_with_400_and_never_a_500(self) -> None:
        shift = self.open_shift()
        cases = [
            {"idempotency_key": "not-a-uuid"},
            {"amount": "-1"},
            {"amount": "banyak"},
            {"recorded_at": "kemarin"},
            {"method": "emas"},
        ]
        for data in cases:
            with self.subTest(data=data):
                response = self.post_record(shift, self.house1, data=data, HTTP_ACCEPT="application/json")
                self.assertEqual(response.status_code, 400)
                self.assertTrue(json.loads(response.content)["message"])
        response = self.post_record(shift, self.house1, data={"amount": "0"}, follow=True)
        self.assertEqual(len(self.messages_of(response)), 1)
        self.assertFalse(Collection.objects.exists())

    def test_it_refuses_a_member_off_duty_and_a_house_of_another_rt(self) -> None:
        shift = self.open_shift()
        neighbour = self.house("3", "Tetangga", fund=self.fund_rt2)
        refused = self.post_record(shift, neighbour, HTTP_ACCEPT="application/json")
        self.assertEqual(refused.status_code, 404)
        message = "Rumah ini tidak termasuk yang ditarik pada ronda ini."
        self.assertEqual(json.loads(refused.content), {"ok": False, "message": message})
        self.assertEqual(self.post_record(shift, neighbour).status_code, 404)  # a plain form: the 404 page
        self.as_user(self.ronda_off)
        self.assertEqual(self.post_record(shift, self.house1, HTTP_ACCEPT="application/json").status_code, 403)
        self.assertFalse(Collection.objects.exists())

    def test_it_tells_the_time_of_the_watch_in_the_day(self) -> None:
        with time_machine.travel(DAYTIME, tick=False):
            response = self.client.get(self.url("tonight", fund_id=self.fund.pk))
        self.assertContains(response, "22:00")
        self.assertNotContains(response, self.url("shift_open", fund_id=self.fund.pk))

    def test_a_scanned_tag_opens_tonights_form_for_that_house(self) -> None:
        shift = self.open_shift()
        url = self.url("tag", tag_token=self.house1.tag_token)
        response = self.client.get(url)
        self.assertContains(response, self.url("collect", shift_id=shift.pk))
        self.assertContains(response, f'name="household" value="{self.house1.pk}"')
        self.post_record(shift, self.house1, data={"next": url})
        self.assertContains(self.client.get(url), "✓")

    def test_a_scanned_tag_offers_to_open_the_shift_first(self) -> None:
        response = self.client.get(self.url("tag", tag_token=self.house1.tag_token))
        self.assertContains(response, self.url("shift_open", fund_id=self.fund.pk))

    def test_an_unknown_tag_is_a_404(self) -> None:
        self.assertEqual(self.client.get(self.url("tag", tag_token="tidak-ada-sama-sekali")).status_code, 404)


class ShiftViewTests(JimpitanViewTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.as_user(self.ronda)
        self.shift = self.open_shift()
        self.record(self.shift, self.house1)

    def test_it_lists_the_houses_missed_this_night(self) -> None:
        response = self.client.get(self.url("shift", shift_id=self.shift.pk))
        self.assertContains(response, 'id="missed"')
        self.assertEqual([h.number for h in response.context["record"].missed], ["2", "10"])

    def test_it_closes_with_the_count_and_refuses_a_silent_difference(self) -> None:
        url = self.url("shift_close", shift_id=self.shift.pk)
        self.assertContains(self.client.get(url), 'value="500"')
        response = self.client.post(url, {"counted_total": "300", "note": ""})
        self.assertContains(response, "errorlist")
        response = self.client.post(url, {"counted_total": "satu"})
        self.assertContains(response, "errorlist")
        self.assertTrue(self.fresh(self.shift).is_open)
        response = self.client.post(url, {"counted_total": "500"})
        self.assertRedirects(response, self.url("shift", shift_id=self.shift.pk))
        self.assertFalse(self.fresh(self.shift).is_open)


@override_settings(MEDIA_ROOT=MEDIA)
class CashBookViewTests(JimpitanViewTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.as_user(self.treasurer)
        services.income_record(
            fund=self.fund, kind=EntryKind.CARRIED_OVER, amount=100_000, description="Saldo lama",
            idempotency_key=uuid.uuid4(), actor=self.treasurer,
        )  # fmt: skip

    def expense(self, **overrides: Any) -> Any:
        data: dict[str, Any] = {
            "amount": "25000", "description": "Baterai senter", "spent_on": "", "receipt": receipt_photo(),
            "idempotency_key": str(uuid.uuid4()),
        }  # fmt: skip
        data.update(overrides)
        return self.client.post(self.url("expense_create", fund_id=self.fund.pk), data)

    def test_it_shows_the_book_in_a_fixed_number_of_queries(self) -> None:
        url = self.url("cash_book", fund_id=self.fund.pk)
        with self.assertNumQueries(5):
            response = self.client.get(url)
        self.assertContains(response, "Saldo lama")
        for _n in range(10):
            self.expense()
        with self.assertNumQueries(5):
            self.client.get(url)

    def test_it_books_an_expense_with_its_receipt_photo(self) -> None:
        response = self.expense()
        self.assertRedirects(response, self.url("cash_book", fund_id=self.fund.pk))
        entry = LedgerEntry.objects.get(kind=EntryKind.EXPENSE)
        receipt = self.client.get(self.url("entry_receipt", entry_id=entry.pk))
        self.assertEqual((receipt.status_code, receipt["Content-Type"]), (200, "image/png"))
        self.as_user(self.ronda)
        self.assertEqual(self.client.get(self.url("entry_receipt", entry_id=entry.pk)).status_code, 403)
        self.as_user(self.treasurer_rt2)
        self.assertEqual(self.client.get(self.url("entry_receipt", entry_id=entry.pk)).status_code, 404)

    def test_it_books_an_expense_once_when_the_form_is_sent_twice(self) -> None:
        key = str(uuid.uuid4())
        self.expense(idempotency_key=key)
        self.expense(idempotency_key=key, receipt=receipt_photo())
        self.assertEqual(LedgerEntry.objects.filter(kind=EntryKind.EXPENSE).count(), 1)

    def test_it_refuses_a_bad_expense_on_the_form(self) -> None:
        cases = [
            {"receipt": ""},
            {"receipt": receipt_photo("nota.exe")},
            {"amount": "0"},
            {"amount": "200000"},  # more than the book holds
            {"description": ""},
            {"spent_on": "2099-01-01"},
        ]
        for overrides in cases:
            with self.subTest(overrides=str(overrides)):
                response = self.expense(**overrides)
                self.assertEqual(response.status_code, 200)
                self.assertContains(response, "errorlist")
        self.assertFalse(LedgerEntry.objects.filter(kind=EntryKind.EXPENSE).exists())

    def test_it_books_a_donation_and_corrects_an_entry(self) -> None:
        response = self.client.post(
            self.url("income_create", fund_id=self.fund.pk),
            {"kind": "donation", "amount": "5000", "description": "Pak Joko", "idempotency_key": str(uuid.uuid4())},
        )
        self.assertRedirects(response, self.url("cash_book", fund_id=self.fund.pk))
        donation = LedgerEntry.objects.get(kind=EntryKind.DONATION)
        url = self.url("entry_reverse", entry_id=donation.pk)
        self.assertContains(self.client.get(url), "Pak Joko")
        self.assertContains(self.client.post(url, {"reason": "", "idempotency_key": str(uuid.uuid4())}), "errorlist")
        self.client.post(url, {"reason": "Dobel", "idempotency_key": str(uuid.uuid4())})
        self.assertTrue(LedgerEntry.objects.filter(reverses=donation).exists())
        response = self.client.post(url, {"reason": "Lagi", "idempotency_key": str(uuid.uuid4())})
        self.assertContains(response, "errorlist")


class ArrearViewTests(JimpitanViewTestCase):
    def test_it_assesses_a_month_and_settles_an_arrear(self) -> None:
        self.record(self.open_shift(), self.house1)
        with time_machine.travel(NEXT_MONTH, tick=False):
            self.as_user(self.treasurer)  # a fresh session: the one made a month ago has expired
            response = self.client.post(
                self.url("arrears_assess", fund_id=self.fund.pk), {"month": "bulan"}, follow=True
            )
            self.assertEqual(len(self.messages_of(response)), 1)
            self.client.post(self.url("arrears_assess", fund_id=self.fund.pk), {"month": "2027-03"})
            response = self.client.get(self.url("arrears", fund_id=self.fund.pk))
            arrear = response.context["arrears"][0][0]
            self.client.post(self.url("arrear_settle", arrear_id=arrear.pk), {"idempotency_key": str(uuid.uuid4())})
        self.assertEqual(LedgerEntry.objects.get(arrear=arrear).kind, EntryKind.ARREAR_SETTLEMENT)


class ServiceWorkerTests(JimpitanViewTestCase):
    def test_it_serves_the_service_worker_under_the_rooms_path(self) -> None:
        response = self.client.get(self.url("service_worker"))
        self.assertEqual(response.status_code, 200)
        self.assertTrue(response["Content-Type"].startswith("text/javascript"))
        self.assertIn(b"addEventListener", response.content)
        self.assertEqual(self.client.post(self.url("service_worker")).status_code, 405)


class HouseholdRecordViewTests(JimpitanViewTestCase):
    """A household opens its own record with the private link the treasurer sent; nothing of another house."""

    def test_it_shows_the_household_its_own_nights_without_login(self) -> None:
        shift = self.open_shift()
        self.record(shift, self.house1)
        self.record(shift, self.house2, amount=1000)
        response = self.client.get(self.record_url(self.house1))
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "<h1>Rumah 1</h1>", html=True)
        self.assertContains(response, "Rp500")
        for name in ("Sutrisno", "Suparmi"):  # no name at all: a forwarded link tells nobody who lives there
            self.assertNotContains(response, name)
        self.assertNotContains(response, "Rp1.000")
        self.assertEqual(response["Cache-Control"], "private, no-store")

    def test_it_gives_the_treasurer_the_link_to_send(self) -> None:
        self.as_user(self.treasurer)
        response = self.client.get(self.url("household", household_id=self.house1.pk))
        self.assertContains(response, self.record_url(self.house1))

    def test_it_answers_a_wrong_token_or_another_house_with_404(self) -> None:
        token = selectors.record_token(self.house1)
        wrong = [
            self.url("household_record", household_id=self.house1.pk, record_token="x" * 32),
            self.url("household_record", household_id=self.house2.pk, record_token=token),
            reverse(
                "jimpitan:household_record",
                kwargs={"region_slug": self.other_region.slug, "household_id": self.house1.pk, "record_token": token},
            ),
        ]
        for url in wrong:
            with self.subTest(url=url):
                self.assertEqual(self.client.get(url).status_code, 404)

    def record_url(self, household: Household) -> str:
        token = selectors.record_token(household)
        return self.url("household_record", household_id=household.pk, record_token=token)


class CityViewTests(JimpitanViewTestCase):
    """City staff see per-kelurahan numbers only; treasurers and ronda members do not get the city page."""

    def setUp(self) -> None:
        super().setUp()
        shift = self.open_shift()
        self.record(shift, self.house1)
        services.shift_close(shift=shift, counted_total=500, actor=self.ronda)

    def test_it_shows_leadership_the_kelurahan_numbers_and_no_household(self) -> None:
        self.as_user(self.leader)
        with self.assertNumQueries(4):
            response = self.client.get(self.url("city") + "?month=2027-03")
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, self.kelurahan.name)
        self.assertContains(response, "33,3%")  # Indonesian decimal comma
        for private in ("Sutrisno", "Suparmi", self.fund.name):
            self.assertNotContains(response, private)

    def test_it_refuses_a_treasurer_and_hides_the_region_from_an_outsider(self) -> None:
        self.as_user(self.treasurer)
        self.assertEqual(self.client.get(self.url("city")).status_code, 403)
        self.as_user(self.outsider)
        self.assertEqual(self.client.get(self.url("city")).status_code, 404)
