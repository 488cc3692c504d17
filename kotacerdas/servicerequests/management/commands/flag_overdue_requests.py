"""Flag requests past their deadlines and notify their agency and the coordinator (run every few minutes)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from kotacerdas.servicerequests.services import requests_flag_overdue


class Command(BaseCommand):
    help = "Flag overdue service requests once and e-mail the handling agency and the Diskominfo coordinator."

    def handle(self, *args: Any, **options: Any) -> None:
        count = requests_flag_overdue()
        self.stdout.write(f"{count} overdue request(s) flagged.")
