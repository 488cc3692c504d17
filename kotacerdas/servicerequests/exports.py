"""A region's requests as CSV (streamed, constant memory) and XLSX (openpyxl's write-only mode)."""

from __future__ import annotations

import csv
import zoneinfo
from collections.abc import Iterator
from typing import Any

from django.db.models import QuerySet
from openpyxl import Workbook

from kotacerdas.regions.models import Region
from kotacerdas.servicerequests.models import ServiceRequest

COLUMNS = (
    "id",
    "service_code",
    "service",
    "agency",
    "kind",
    "status",
    "requested_at",
    "response_due_at",
    "responded_at",
    "resolution_due_at",
    "resolved_at",
    "secret",
    "address",
    "lat",
    "long",
)
CHUNK = 2000


class _Echo:
    """A file-like object whose write returns the line, for csv.writer in a streaming response."""

    def write(self, value: str) -> str:
        return value


def export_rows(region: Region) -> Iterator[tuple[Any, ...]]:
    """Every request of the region, oldest first, read in chunks (no personal data: no reporter columns)."""
    tz = zoneinfo.ZoneInfo(region.time_zone)
    rows: QuerySet[Any] = (
        ServiceRequest.objects.for_region(region)
        .order_by("id")
        .values_list(
            "id",
            "service__code",
            "service__name",
            "agency__name",
            "kind",
            "status",
            "requested_at",
            "response_due_at",
            "responded_at",
            "resolution_due_at",
            "resolved_at",
            "is_secret",
            "address",
            "lat",
            "long",
        )
    )
    for row in rows.iterator(chunk_size=CHUNK):
        yield tuple(_cell(value, tz) for value in row)


def _cell(value: Any, tz: zoneinfo.ZoneInfo) -> Any:
    if hasattr(value, "astimezone"):
        return value.astimezone(tz).replace(microsecond=0).isoformat()
    return "" if value is None else value


def csv_lines(region: Region) -> Iterator[str]:
    writer = csv.writer(_Echo())
    yield "\ufeff" + writer.writerow(COLUMNS)  # the BOM lets spreadsheet programs read UTF-8
    for row in export_rows(region):
        yield writer.writerow(row)


def xlsx_workbook(region: Region, path: str) -> None:
    """Write the requests to an XLSX file at `path` without holding the sheet in memory."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("requests")
    sheet.append(COLUMNS)
    for row in export_rows(region):
        sheet.append([str(v) if v.__class__.__name__ == "Decimal" else v for v in row])
    workbook.save(path)
