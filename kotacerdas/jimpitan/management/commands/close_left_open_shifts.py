"""Close the ronda shifts nobody closed at the end of the night (run each morning, e.g. 09:00)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from django.utils import timezone

from kotacerdas.jimpitan.services import shift_close_left_open, shifts_left_open


class Command(BaseCommand):
    help = "Close every jimpitan shift left open after its watch ended, booking its records with a note."

    def handle(self, *args: Any, **options: Any) -> None:
        now = timezone.now()
        closed = sum(shift_close_left_open(shift=shift, now=now) for shift in shifts_left_open(now=now))
        self.stdout.write(f"{closed} shift(s) left open closed.")
