"""The request exports: CSV streamed with a header and no personal data; XLSX a real workbook; coordinator only."""

from __future__ import annotations

import io

from django.urls import reverse
from openpyxl import load_workbook

from kotacerdas.core.testing import RegionTestCase
from kotacerdas.servicerequests import services


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

    def test_it_refuses_agency_staff_and_citizens(self) -> None:
        for user in (self.operator, self.citizen):
            self.client.force_login(user)
            self.assertEqual(self.client.get(self.url("export_csv")).status_code, 403)
        self.client.force_login(self.outsider)
        self.assertEqual(self.client.get(self.url("export_csv")).status_code, 404)
