"""The one table of the benchmark: rows of the bare-INSERT baseline view."""

from __future__ import annotations

from django.db import models


class BenchRow(models.Model):
    """One row written by the bare-INSERT view: the cheapest durable write the server can do."""

    note = models.CharField(max_length=40)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.note
