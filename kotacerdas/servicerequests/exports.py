"""A region's requests as CSV (streamed, constant memory) and XLSX (openpyxl's write-only mode)."""

from __future__ import annotations

import csv
import datetime as dt
import io
import zoneinfo
from collections.abc import Iterator
from itertools import islice
from typing import Any

from django.db import connections
from django.db.models import QuerySet, TextField
from django.db.models.functions import Cast
from openpyxl import Workbook
from openpyxl.cell import Cell, WriteOnlyCell

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
TEXTS = (2, 3, 12)  # service, agency and address: typed by people, so maybe the start of a formula
# What makes a spreadsheet program take a cell for a formula (OWASP, "CSV Injection").
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
TIMES = ("requested_at", "response_due_at", "responded_at", "resolution_due_at", "resolved_at")
CHUNK = 2000  # rows fetched from the database at a time (PostgreSQL: from a server-side cursor)
ROWS_PER_WRITE = 500  # rows in one piece of the streamed answer (~125 kB): one write for the server, not 500
DAYS_KEPT = 1000  # stored days whose local form LocalTimes keeps (~2 kB each); rows come in time order
_LAST_SECOND = dt.timedelta(hours=23, minutes=59, seconds=59)

# The local form of one stored day: its offset, and each of its 24 hours up to the hour ("2024-11-29T01").
DayForm = tuple[str, tuple[str, ...]]


class LocalTimes:
    """Stored instants as the region's local time in ISO 8601, whole seconds: `2024-11-29T01:05:49+07:00`.

    The database gives each instant as text in its connection's zone (`2024-11-28 18:05:49.218814`, UTC
    here). The local form of each stored day's hours is worked out once with zoneinfo, and each value
    copies its minutes and seconds onto its hour. That copy is right while the zone's offset is a whole
    number of hours and the same all day (WIB, WITA and WIT always); the values of any other day go one by
    one through zoneinfo, so the answer is the same, only slower.
    """

    def __init__(self, zone: zoneinfo.ZoneInfo, *, stored_in: dt.tzinfo | None) -> None:
        """`stored_in`: the zone of the stored text (None without USE_TZ: naive, read as the system's time)."""
        self.zone = zone
        self.stored_in = stored_in
        self.days: dict[str, DayForm | None] = {}

    def __call__(self, text: str | None) -> str:
        if text is None:
            return ""
        try:
            day = self.days[text[:10]]
        except KeyError:
            day = self._remember(text[:10])
        if day is None:
            return self._local(text[:19]).isoformat()
        return day[1][int(text[11:13])] + text[13:19] + day[0]

    def _remember(self, day: str) -> DayForm | None:
        if len(self.days) >= DAYS_KEPT:
            self.days.clear()
        form = self.days[day] = self._day(day)
        return form

    def _day(self, day: str) -> DayForm | None:
        """The day's local form, or None when its offset changes or is not a whole number of hours."""
        hours = [self._local(f"{day} {hour:02d}:00:00") for hour in range(24)]
        last = self._local(f"{day} 23:59:59")
        offsets = {start.utcoffset() for start in hours} | {last.utcoffset()}
        if len(offsets) > 1 or last - hours[0] != _LAST_SECOND or hours[0].minute or hours[0].second:
            return None
        texts = [start.isoformat() for start in hours]
        return texts[0][19:], tuple(text[:13] for text in texts)

    def _local(self, stored: str) -> dt.datetime:
        return dt.datetime.fromisoformat(stored).replace(tzinfo=self.stored_in).astimezone(self.zone)


def _stored_rows(region: Region) -> QuerySet[Any]:
    """The export's columns as stored, the instants as text (no datetime made and converted per value).

    SQLite gives the text it stores; PostgreSQL its ISO output (DateStyle ISO, which psycopg needs anyway).
    """
    return (
        ServiceRequest.objects.for_region(region)
        .order_by("id")
        .values_list(
            "id",
            "service__code",
            "service__name",
            "agency__name",
            "kind",
            "status",
            *(Cast(name, output_field=TextField()) for name in TIMES),
            "is_secret",
            "address",
            "lat",
            "long",
        )
    )


def export_rows(region: Region) -> Iterator[tuple[Any, ...]]:
    """Every request of the region, oldest first, read in chunks (no personal data: no reporter columns)."""
    rows = _stored_rows(region)
    local = LocalTimes(zoneinfo.ZoneInfo(region.time_zone), stored_in=connections[rows.db].timezone)
    for pk, code, service, agency, kind, status, *times, secret, address, lat, long in rows.iterator(chunk_size=CHUNK):
        yield (pk, code, service, agency, kind, status, *map(local, times), secret, address, _blank(lat), _blank(long))


def _blank(value: Any) -> Any:
    return "" if value is None else value


def csv_chunks(region: Region) -> Iterator[str]:
    """The CSV text for a streaming response: the header with a BOM, then the rows, ROWS_PER_WRITE to a piece."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    buffer.write("\ufeff")  # the BOM lets spreadsheet programs read UTF-8
    writer.writerow(COLUMNS)
    yield _drain(buffer)
    rows = export_rows(region)
    while batch := list(islice(rows, ROWS_PER_WRITE)):
        writer.writerows(map(_inert_row, batch))
        yield _drain(buffer)


def _inert_row(row: tuple[Any, ...]) -> tuple[Any, ...]:
    """The row with a leading apostrophe on any text a spreadsheet would run as a formula (CSV has no types)."""
    if not any(isinstance(row[i], str) and row[i].startswith(FORMULA_START) for i in TEXTS):
        return row
    cells = list(row)
    for i in TEXTS:
        if isinstance(cells[i], str) and cells[i].startswith(FORMULA_START):
            cells[i] = "'" + cells[i]
    return tuple(cells)


def _drain(buffer: io.StringIO) -> str:
    text = buffer.getvalue()
    buffer.seek(0)
    buffer.truncate()
    return text


def xlsx_workbook(region: Region, path: str) -> None:
    """Write the requests to an XLSX file at `path` without holding the sheet in memory."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("requests")
    sheet.append(COLUMNS)
    for row in export_rows(region):
        cells = [str(v) if v.__class__.__name__ == "Decimal" else v for v in row]
        for i in TEXTS:  # openpyxl writes a text starting with "=" as a formula: these are texts, always
            if isinstance(cells[i], str) and cells[i].startswith("="):
                cells[i] = _text_cell(sheet, cells[i])
        sheet.append(cells)
    workbook.save(path)


def _text_cell(sheet: Any, text: str) -> Cell:
    cell = WriteOnlyCell(sheet, value=text)
    cell.data_type = "s"
    return cell
