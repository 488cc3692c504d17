"""The cash book: append-only, corrected by reversing entries, and its balance is always the sum of its entries."""

from __future__ import annotations

import io
import random
import tempfile
import uuid

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction
from django.test import override_settings
from PIL import Image

from kotacerdas.audit.actions import AuditAction
from kotacerdas.core.errors import Conflict, NotAllowed
from kotacerdas.jimpitan import selectors, services
from kotacerdas.jimpitan.models import AppendOnlyError, Direction, EntryKind, LedgerEntry, Payment
from kotacerdas.jimpitan.services import JimpitanError
from kotacerdas.jimpitan.tests.factories import NIGHT, JimpitanTestCase, actions_of, terms

MEDIA = tempfile.mkdtemp(prefix="jimpitan-media-")


def receipt_photo(name: str = "nota.png") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), "white").save(buffer, "PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def signed_sum(fund: object) -> int:
    return sum(e.signed_amount for e in LedgerEntry.objects.filter(fund=fund))


@override_settings(MEDIA_ROOT=MEDIA)
class LedgerTestCase(JimpitanTestCase):
    def donate(self, amount: int = 100_000, key: uuid.UUID | None = None) -> LedgerEntry:
        return services.income_record(
            fund=self.fund,
            kind=EntryKind.DONATION,
            amount=amount,
            description="Sumbangan warga",
            idempotency_key=key or uuid.uuid4(),
            actor=self.treasurer,
        )

    def spend(self, amount: int = 40_000, key: uuid.UUID | None = None, **kw: object) -> LedgerEntry:
        values: dict[str, object] = {"purpose": "Senter dan baterai", "receipt": receipt_photo()}
        values.update(kw)
        return services.expense_record(
            fund=self.fund, amount=amount, idempotency_key=key or uuid.uuid4(), actor=self.treasurer, **values
        )

    def reverse(self, entry: LedgerEntry, reason: str = "Salah catat", key: uuid.UUID | None = None) -> LedgerEntry:
        return services.entry_reverse(
            entry=entry, reason=reason, idempotency_key=key or uuid.uuid4(), actor=self.treasurer
        )


class AppendOnlyTests(LedgerTestCase):
    def test_it_refuses_to_change_or_delete_a_saved_entry(self) -> None:
        entry = self.donate()
        entry.amount = 1
        with self.assertRaises(AppendOnlyError):
            entry.save()
        with self.assertRaises(AppendOnlyError):
            entry.delete()
        with self.assertRaises(AppendOnlyError):
            LedgerEntry.objects.filter(pk=entry.pk).update(amount=1)
        with self.assertRaises(AppendOnlyError):
            LedgerEntry.objects.filter(pk=entry.pk).delete()
        self.assertEqual(self.fresh(entry).amount, 100_000)

    def test_the_database_refuses_an_amount_that_is_not_positive(self) -> None:
        for amount in (0, -5):
            with self.subTest(amount=amount), self.assertRaises(IntegrityError), transaction.atomic():
                LedgerEntry._base_manager.bulk_create(
                    [LedgerEntry(region=self.region, fund=self.fund, kind=EntryKind.DONATION, direction=Direction.IN,
                                 amount=amount, booked_on=NIGHT, created_by=self.treasurer)]
                )  # fmt: skip

    def test_the_database_refuses_money_running_against_its_kind_without_a_reversal(self) -> None:
        with self.assertRaises(IntegrityError), transaction.atomic():
            LedgerEntry._base_manager.bulk_create(
                [LedgerEntry(region=self.region, fund=self.fund, kind=EntryKind.EXPENSE, direction=Direction.IN,
                             amount=5, booked_on=NIGHT, created_by=self.treasurer)]
            )  # fmt: skip


class IncomeTests(LedgerTestCase):
    def test_it_books_a_donation_with_an_audit_entry(self) -> None:
        entry = self.donate()
        self.assertEqual(
            (entry.kind, entry.direction, entry.amount, entry.booked_on), ("donation", "in", 100_000, NIGHT)
        )
        self.assertEqual(actions_of(entry), [AuditAction.JIMPITAN_ENTRY_BOOKED])

    def test_it_returns_the_original_when_the_same_key_comes_again(self) -> None:
        key = uuid.uuid4()
        first = self.donate(key=key)
        again = self.donate(amount=5, key=key)
        self.assertEqual(again.pk, first.pk)
        self.assertEqual(LedgerEntry.objects.count(), 1)

    def test_it_refuses_another_kind_and_a_ronda_member(self) -> None:
        self.assertRefused(
            JimpitanError,
            services.INCOME_KIND_INVALID,
            lambda: services.income_record(
                fund=self.fund, kind=EntryKind.EXPENSE, amount=5, description="", idempotency_key=uuid.uuid4(),
                actor=self.treasurer,
            ),
        )  # fmt: skip
        self.assertRefused(
            NotAllowed,
            services.NOT_PERMITTED,
            lambda: services.income_record(
                fund=self.fund, kind=EntryKind.DONATION, amount=5, description="", idempotency_key=uuid.uuid4(),
                actor=self.ronda,
            ),
        )  # fmt: skip


class ExpenseTests(LedgerTestCase):
    def test_it_books_an_expense_with_its_purpose_and_receipt_photo(self) -> None:
        self.donate()
        entry = self.spend()
        self.assertEqual(
            (entry.kind, entry.direction, entry.amount, entry.description),
            ("expense", "out", 40_000, "Senter dan baterai"),
        )
        self.assertTrue(entry.receipt.name.startswith(f"jimpitan/{self.region.pk}/{self.fund.pk}/"))
        self.assertNotIn("nota", entry.receipt.name)
        self.assertEqual(selectors.fund_balance(fund=self.fund), 60_000)

    def test_it_refuses_an_expense_without_receipt_or_purpose(self) -> None:
        self.donate()
        self.assertRefused(JimpitanError, services.RECEIPT_REQUIRED, lambda: self.spend(receipt=None))
        self.assertRefused(JimpitanError, services.PURPOSE_REQUIRED, lambda: self.spend(purpose="  "))

    def test_it_refuses_to_spend_more_than_the_cash_book_holds(self) -> None:
        self.donate(30_000)
        error = self.assertRefused(JimpitanError, services.NOT_ENOUGH_CASH, lambda: self.spend(40_000))
        self.assertEqual(error.field, "amount")
        self.assertEqual(selectors.fund_balance(fund=self.fund), 30_000)

    def test_it_refuses_a_date_in_the_future(self) -> None:
        self.donate()
        self.assertRefused(
            JimpitanError, services.DATE_IN_FUTURE, lambda: self.spend(spent_on=NIGHT.replace(day=NIGHT.day + 1))
        )


class TopUpTests(LedgerTestCase):
    def test_it_books_a_top_up_only_in_a_prepaid_fund(self) -> None:
        call = lambda: services.topup_record(  # noqa: E731
            household=self.house1, amount=15_000, idempotency_key=uuid.uuid4(), actor=self.treasurer
        )
        self.assertRefused(JimpitanError, services.PREPAID_ONLY, call)
        services.fund_update(fund=self.fund, terms=terms(payment=Payment.PREPAID), actor=self.treasurer)
        self.house1.fund.refresh_from_db()
        entry = call()
        self.assertEqual((entry.kind, entry.household, entry.amount), ("top_up", self.house1, 15_000))
        self.assertEqual(selectors.prepaid_balance(household=self.house1), 15_000)


class ReverseTests(LedgerTestCase):
    def test_it_corrects_an_entry_with_its_mirror_image_and_keeps_both(self) -> None:
        self.donate()
        expense = self.spend()
        reversal = self.reverse(expense)
        self.assertEqual(
            (reversal.kind, reversal.direction, reversal.amount, reversal.reverses), ("expense", "in", 40_000, expense)
        )
        self.assertEqual(LedgerEntry.objects.count(), 3)
        self.assertEqual(selectors.fund_balance(fund=self.fund), 100_000)
        self.assertEqual(actions_of(expense)[-1], AuditAction.JIMPITAN_ENTRY_REVERSED)

    def test_it_refuses_correcting_twice_or_correcting_a_correction(self) -> None:
        reversal = self.reverse(self.donate())
        self.assertRefused(Conflict, services.ALREADY_REVERSED, lambda: self.reverse(reversal.reverses))
        self.assertRefused(Conflict, services.REVERSAL_OF_REVERSAL, lambda: self.reverse(reversal))

    def test_it_refuses_a_correction_without_a_reason(self) -> None:
        self.assertRefused(JimpitanError, services.REASON_REQUIRED, lambda: self.reverse(self.donate(), reason=" "))

    def test_it_refuses_taking_back_income_that_was_spent(self) -> None:
        donation = self.donate(50_000)
        self.spend(40_000)
        self.assertRefused(JimpitanError, services.NOT_ENOUGH_CASH, lambda: self.reverse(donation))

    def test_it_refuses_taking_back_a_top_up_already_debited(self) -> None:
        services.fund_update(fund=self.fund, terms=terms(payment=Payment.PREPAID), actor=self.treasurer)
        self.house1.fund.refresh_from_db()
        top_up = services.topup_record(
            household=self.house1, amount=500, idempotency_key=uuid.uuid4(), actor=self.treasurer
        )
        self.record(self.open_shift(), self.house1)
        self.assertRefused(JimpitanError, services.NOT_ENOUGH_PREPAID, lambda: self.reverse(top_up))


class BalanceInvariantTests(LedgerTestCase):
    def test_the_balance_always_equals_the_sum_of_the_entries(self) -> None:
        """Random donations, expenses, corrections and refused overdrafts: after each, balance == Σ entries."""
        chance = random.Random(20270304)
        booked: list[LedgerEntry] = []
        for _step in range(60):
            action = chance.choice(["donate", "spend", "reverse"])
            try:
                if action == "donate":
                    booked.append(self.donate(chance.randint(1, 50_000)))
                elif action == "spend":
                    booked.append(self.spend(chance.randint(1, 60_000)))
                elif booked:
                    booked.append(self.reverse(chance.choice(booked)))
            except (JimpitanError, Conflict):
                pass  # an overdraft or a second correction is refused; the invariant must still hold
            balance = selectors.fund_balance(fund=self.fund)
            self.assertEqual(balance, signed_sum(self.fund))
            self.assertGreaterEqual(balance, 0)
        book = selectors.cash_book(fund=self.fund, month=NIGHT.replace(day=1))
        self.assertEqual(book.closing, book.balance)
        self.assertEqual([line.balance for line in book.lines][-1], signed_sum(self.fund))
        self.assertGreater(LedgerEntry.objects.filter(reverses__isnull=False).count(), 0)

    def test_the_nights_and_the_book_agree(self) -> None:
        shift = self.open_shift()
        self.record(shift, self.house1)
        self.record(shift, self.house2)
        services.shift_close(shift=shift, counted_total=900, note="Kurang seratus", actor=self.ronda)
        self.donate(10_000)
        self.assertEqual(selectors.fund_balance(fund=self.fund), 10_900)
        self.assertEqual(selectors.fund_balance(fund=self.fund), signed_sum(self.fund))
