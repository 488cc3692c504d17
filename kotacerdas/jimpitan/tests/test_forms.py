"""The amount fields' messages name their limits as the page writes amounts."""

from __future__ import annotations

import uuid

from django.test import SimpleTestCase
from django.utils import translation

from kotacerdas.jimpitan.forms import MAX_ENTRY_AMOUNT, CollectionForm


class RupiahFieldTests(SimpleTestCase):
    def errors(self, amount: int, language: str) -> list[str]:
        data = {"household": 1, "idempotency_key": uuid.uuid4(), "amount": amount}
        with translation.override(language):
            form = CollectionForm(data)
            self.assertFalse(form.is_valid())
            return [str(e) for e in form.errors["amount"]]

    def test_the_limit_is_grouped_in_the_pages_language(self) -> None:
        self.assertEqual(self.errors(MAX_ENTRY_AMOUNT + 1, "id"), ["Jumlah paling banyak Rp100.000.000."])
        self.assertEqual(self.errors(MAX_ENTRY_AMOUNT + 1, "en"), ["The amount may be at most Rp100,000,000."])
        self.assertEqual(self.errors(0, "en"), ["The amount must be at least Rp1."])

    def test_the_input_keeps_plain_digits_for_the_browser(self) -> None:
        html = str(CollectionForm()["amount"])
        self.assertIn('max="100000000"', html)
        self.assertIn('min="1"', html)


class CollectionFormTests(SimpleTestCase):
    """Its instances share the class's fields (not copied per form): one form's data and errors stay its own."""

    def test_forms_share_the_fields_and_nothing_else(self) -> None:
        bad = CollectionForm({"household": "x", "idempotency_key": "bukan-uuid", "amount": 0})
        good = CollectionForm({"household": 7, "idempotency_key": str(uuid.uuid4()), "amount": 500})
        self.assertIs(bad.fields["amount"], good.fields["amount"])
        self.assertFalse(bad.is_valid())
        self.assertTrue(good.is_valid(), good.errors)
        self.assertEqual(set(bad.errors), {"household", "idempotency_key", "amount"})
        self.assertEqual((good.cleaned_data["household"], good.cleaned_data["amount"]), (7, 500))
        self.assertNotIn("amount", CollectionForm({"household": 7, "idempotency_key": str(uuid.uuid4())}).data)

    def test_a_subclass_copies_its_own_fields_as_django_does(self) -> None:
        class Other(CollectionForm):
            pass

        self.assertIsNot(Other().fields["amount"], Other().fields["amount"])
