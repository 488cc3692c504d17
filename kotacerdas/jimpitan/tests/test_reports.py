"""The monthly report: the treasurer's page and PDF, and the residents' public page behind an unguessable link."""

from __future__ import annotations

import datetime as dt
import re
import uuid
import zlib

import time_machine
from django.test import SimpleTestCase
from django.urls import reverse

from kotacerdas.jimpitan import services
from kotacerdas.jimpitan.models import EntryKind, Scheme
from kotacerdas.jimpitan.pdf import latin1
from kotacerdas.jimpitan.tests.factories import JimpitanTestCase, terms

STREAM = re.compile(rb"stream\r?\n(.*?)\r?\nendstream", re.S)


def pdf_text(body: bytes) -> bytes:
    """Every content stream of a PDF, inflated where compressed (enough to find the words drawn)."""
    chunks = []
    for raw in STREAM.findall(body):
        try:
            chunks.append(zlib.decompress(raw))
        except zlib.error:
            chunks.append(raw)
    return body + b"".join(chunks)


class ReportTestCase(JimpitanTestCase):
    def setUp(self) -> None:
        super().setUp()
        shift = self.open_shift()
        self.record(shift, self.house1)
        services.shift_close(shift=shift, counted_total=500, actor=self.ronda)
        services.income_record(
            fund=self.fund, kind=EntryKind.DONATION, amount=20_000, description="Sumbangan – “Pak RW”",
            idempotency_key=uuid.uuid4(), actor=self.treasurer,
        )  # fmt: skip

    def url(self, name: str, **kwargs: object) -> str:
        return reverse(f"jimpitan:{name}", kwargs={"region_slug": self.region.slug, **kwargs})


class ReportPageTests(ReportTestCase):
    def test_it_shows_the_month_to_the_treasurer_with_names(self) -> None:
        self.client.force_login(self.treasurer)
        response = self.client.get(self.url("report", fund_id=self.fund.pk), {"month": "2027-03"})
        self.assertEqual(response.context["report"].income_total, 20_500)
        self.assertContains(response, "Sutrisno")
        self.assertContains(response, self.url("fund_share", fund_id=self.fund.pk))

    def test_it_falls_back_to_this_month_for_a_bad_month(self) -> None:
        self.client.force_login(self.treasurer)
        response = self.client.get(self.url("report", fund_id=self.fund.pk), {"month": "2027-99"})
        self.assertEqual(response.context["report"].month.isoformat(), "2027-03-01")

    def test_it_prints_a_pdf_with_the_funds_name(self) -> None:
        self.client.force_login(self.treasurer)
        response = self.client.get(self.url("report_pdf", fund_id=self.fund.pk), {"month": "2027-03"})
        self.assertEqual(response["Content-Type"], "application/pdf")
        self.assertTrue(response.content.startswith(b"%PDF"))
        text = pdf_text(response.content)
        self.assertIn(self.fund.name.encode(), text)
        self.assertIn(b"Rp20.500", text)
        self.assertNotIn(b"Sutrisno", text)  # house numbers only: the PDF is posted for all to read

    def test_it_keeps_the_pdf_from_a_ronda_member_and_another_rt(self) -> None:
        self.client.force_login(self.ronda)
        self.assertEqual(self.client.get(self.url("report_pdf", fund_id=self.fund.pk)).status_code, 403)
        self.client.force_login(self.treasurer_rt2)
        self.assertEqual(self.client.get(self.url("report_pdf", fund_id=self.fund.pk)).status_code, 404)


class MonthlyTariffReportTests(JimpitanTestCase):
    """Under a monthly tariff the report tells per house whether it paid its month, not how many nights it missed."""

    def setUp(self) -> None:
        super().setUp()
        monthly = terms(scheme=Scheme.MONTHLY, nightly_amount=0, monthly_tariff=15_000)
        services.fund_update(fund=self.fund, terms=monthly, actor=self.treasurer)
        with time_machine.travel(dt.datetime(2027, 4, 8, 15, 30, tzinfo=dt.UTC), tick=False):
            shift = self.open_shift(actor=self.treasurer)
            self.record(shift, self.house1, actor=self.treasurer, amount=15_000)
            self.record(shift, self.house2, actor=self.treasurer, amount=500)
            services.shift_close(shift=shift, counted_total=15_500, actor=self.treasurer)
        self.client.force_login(self.treasurer)

    def url(self, name: str, **kwargs: object) -> str:
        return reverse(f"jimpitan:{name}", kwargs={"region_slug": self.region.slug, **kwargs})

    def test_it_shows_which_houses_paid_their_month(self) -> None:
        response = self.client.get(self.url("report", fund_id=self.fund.pk), {"month": "2027-04"})
        paid = {h.household.number: h.paid_month for h in response.context["report"].houses}
        self.assertEqual(paid, {"1": True, "2": False, "10": False})
        self.assertContains(response, "Bulan lunas")
        self.assertNotContains(response, "Terlewat")

    def test_it_prints_the_same_in_the_pdf(self) -> None:
        response = self.client.get(self.url("report_pdf", fund_id=self.fund.pk), {"month": "2027-04"})
        text = pdf_text(response.content)
        self.assertIn(b"Bulan lunas", text)
        self.assertNotIn(b"Terlewat", text)


class PublicReportTests(ReportTestCase):
    def share(self) -> str:
        return services.fund_share(fund=self.fund, actor=self.treasurer).share_token or ""

    def test_residents_open_the_shared_report_without_logging_in_and_without_names(self) -> None:
        token = self.share()
        response = self.client.get(self.url("public_report", share_token=token), {"month": "2027-03"})
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response["X-Robots-Tag"], "noindex")
        self.assertContains(response, self.fund.name)
        self.assertContains(response, "<td>10</td>", html=False)
        for private in ("Sutrisno", "Suparmi", "Bambang", self.ronda.full_name, self.treasurer.full_name):
            self.assertNotContains(response, private)
        pdf = self.client.get(self.url("public_report_pdf", share_token=token), {"month": "2027-03"})
        self.assertTrue(pdf.content.startswith(b"%PDF"))

    def test_a_wrong_or_withdrawn_link_is_a_404(self) -> None:
        token = self.share()
        self.assertEqual(self.client.get(self.url("public_report", share_token="tebak-tebakan")).status_code, 404)
        services.fund_unshare(fund=self.fund, actor=self.treasurer)
        self.assertEqual(self.client.get(self.url("public_report", share_token=token)).status_code, 404)

    def test_the_link_works_only_under_its_own_region(self) -> None:
        token = self.share()
        url = reverse("jimpitan:public_report", kwargs={"region_slug": self.other_region.slug, "share_token": token})
        self.assertEqual(self.client.get(url).status_code, 404)

    def test_the_treasurer_shares_and_withdraws_the_link_from_the_report_page(self) -> None:
        self.client.force_login(self.treasurer)
        self.client.post(self.url("fund_share", fund_id=self.fund.pk))
        self.assertIsNotNone(self.fresh(self.fund).share_token)
        self.assertContains(
            self.client.get(self.url("report", fund_id=self.fund.pk)), self.fresh(self.fund).share_token
        )
        self.client.post(self.url("fund_unshare", fund_id=self.fund.pk))
        self.assertIsNone(self.fresh(self.fund).share_token)


class Latin1Tests(SimpleTestCase):
    def test_it_turns_text_into_what_the_pdf_core_fonts_can_draw(self) -> None:
        self.assertEqual(latin1("Sumbangan – “Pak RW” …"), 'Sumbangan - "Pak RW" ...')
        self.assertEqual(latin1("Café Ĝ"), "Café G")
        self.assertEqual(latin1("Rp15.000"), "Rp15.000")
