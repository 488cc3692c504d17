from unittest import mock

from django.db import DatabaseError
from django.test import TestCase


class HealthzTests(TestCase):
    def test_it_reports_the_database_reachable(self) -> None:
        response = self.client.get("/healthz")
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.json()["database"], "ok")

    def test_it_reports_503_when_the_database_fails(self) -> None:
        with mock.patch("kotacerdas.core.views.connection.cursor", side_effect=DatabaseError("down")):
            response = self.client.get("/healthz")
        self.assertEqual(response.status_code, 503)
        self.assertEqual(response.json(), {"status": "error", "database": "unreachable"})
