"""The printable monthly report (fpdf2, built-in Helvetica): residents read it on the pos ronda's wall.

The core fonts know Latin-1 only, so every text passes `latin1()` first (dashes and quotes become their
ASCII look-alikes, accents outside Latin-1 are dropped). Houses appear by number only: no names.
"""

from __future__ import annotations

import unicodedata

from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from fpdf import FPDF
from fpdf.enums import XPos, YPos

from kotacerdas.jimpitan.selectors import HouseMonth, MonthReport
from kotacerdas.jimpitan.services import grouped_rupiah

_REPLACEMENTS = str.maketrans({"–": "-", "—": "-", "‘": "'", "’": "'", "“": '"', "”": '"', "…": "...", "·": "-"})
LINE = 6


def latin1(text: str) -> str:
    """The text in characters the PDF core fonts can draw."""
    return "".join(_drawable(ch) for ch in str(text).translate(_REPLACEMENTS))


def _drawable(ch: str) -> str:
    """A Latin-1 character as it is; any other as its base letter (Ĝ → G), or nothing."""
    if ord(ch) < 256:
        return ch
    return "".join(c for c in unicodedata.normalize("NFKD", ch) if ord(c) < 256 and not unicodedata.combining(c))


def rupiah(amount: int) -> str:
    return "Rp" + grouped_rupiah(amount)


class _Report(FPDF):
    def line_of(self, text: str, *, size: int = 10, bold: bool = False) -> None:
        self.set_font("Helvetica", "B" if bold else "", size)
        self.multi_cell(0, LINE, latin1(text), new_x=XPos.LMARGIN, new_y=YPos.NEXT)

    def table_of(self, header: list[str], rows: list[list[str]], widths: tuple[int, ...]) -> None:
        self.set_font("Helvetica", "", 9)
        with self.table(col_widths=widths, text_align="LEFT", line_height=5) as table:
            head = table.row()
            for text in header:
                head.cell(latin1(text))
            for values in rows:
                row = table.row()
                for text in values:
                    row.cell(latin1(text))
        self.ln(3)


def report_pdf(report: MonthReport) -> bytes:
    """The month's report as PDF bytes."""
    fund = report.fund
    pdf = _Report(format="A4")
    pdf.set_title(latin1(fund.name))
    pdf.set_author(latin1(str(fund.area)))
    pdf.set_creation_date(timezone.now())
    pdf.add_page()
    pdf.line_of(fund.name, size=15, bold=True)
    month = formats.date_format(report.month, "F Y")
    pdf.line_of(_("Monthly report, %(month)s") % {"month": month}, size=11)
    pdf.ln(2)
    _summary(pdf, report)
    _expenses(pdf, report)
    _houses(pdf, report)
    pdf.line_of(_("Printed %(date)s") % {"date": formats.date_format(timezone.localdate(), "j F Y")}, size=8)
    return bytes(pdf.output())


def _summary(pdf: _Report, report: MonthReport) -> None:
    rows = [[_("Balance at the start of the month"), rupiah(report.opening)]]
    rows += [[label, rupiah(amount)] for label, amount in report.income]
    rows += [[_("Income"), rupiah(report.income_total)]]
    rows += [[label, "-" + rupiah(amount)] for label, amount in report.expenses]
    rows += [[_("Expenses"), "-" + rupiah(report.expense_total)]]
    rows += [[_("Balance at the end of the month"), rupiah(report.closing)]]
    split = {"rt": report.fund.rt_share_percent, "rw": report.fund.rw_share_percent}
    rows += [[_("RT share (%(rt)s%%)") % split, rupiah(report.rt_share)]]
    rows += [[_("RW share (%(rw)s%%)") % split, rupiah(report.rw_share)]]
    pdf.table_of([_("Cash book"), _("Amount")], rows, (120, 60))


def _expenses(pdf: _Report, report: MonthReport) -> None:
    if report.expense_entries:
        rows = [
            [formats.date_format(e.booked_on, "j M"), e.description, rupiah(e.amount)] for e in report.expense_entries
        ]
        pdf.table_of([_("Date"), _("Purpose"), _("Amount")], rows, (30, 110, 40))
    if report.differences:
        rows = [
            [formats.date_format(s.night, "j M"), rupiah(s.recorded_total or 0), rupiah(s.counted_total or 0)]
            for s in report.differences
        ]
        pdf.table_of([_("Night"), _("Recorded"), _("Counted")], rows, (60, 60, 60))


def _houses(pdf: _Report, report: MonthReport) -> None:
    count = len(report.shifts)
    title = ngettext("Per house (%(count)s night with a ronda)", "Per house (%(count)s nights with a ronda)", count)
    pdf.line_of(title % {"count": count}, size=11, bold=True)
    monthly = report.fund.is_monthly
    rows = [
        [
            h.household.number,
            str(h.nights_paid),
            _month_paid(h) if monthly else str(h.nights_missed),
            rupiah(h.amount_paid),
            rupiah(h.arrear.amount) if h.arrear else "-",
        ]
        for h in report.houses
    ]
    third = _("Month paid") if monthly else _("Missed")
    pdf.table_of([_("House"), _("Nights paid"), third, _("Paid"), _("Arrear")], rows, (30, 30, 30, 45, 45))


def _month_paid(house: HouseMonth) -> str:
    """Under a monthly tariff the house takes part by paying its month (a dash: not billed for it)."""
    if house.paid_month is None:
        return "-"
    return _("tariff paid") if house.paid_month else _("not paid")
