"""The printable reports of the room, as PDF (fpdf2) and XLSX (openpyxl): pip-installed, nothing else to run.

Two documents: the year's Smart City evaluation and one programme's progress. Each is first laid out as
plain sections of rows (`Document`), then written by the PDF or the XLSX writer, so both formats always
carry the same numbers. The PDF uses the built-in Helvetica, which knows Latin-1 only: text passes
`latin1()` first. Texts follow the active language; nothing personal beyond agency names.
"""

from __future__ import annotations

import io
import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.utils import formats, timezone
from django.utils.translation import gettext as _
from fpdf import FPDF
from fpdf.enums import XPos, YPos
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font

from kotacerdas.monitoring.models import Evaluation, EvaluationDimension, Indicator, IndicatorValue, Milestone
from kotacerdas.monitoring.selectors import DimensionRow, EvaluationResult, Results
from kotacerdas.planning.models import Programme

Cell = str | int | Decimal | None
PDF_CELL_CHARS = 600
_ASCII_LOOKALIKES = str.maketrans({"–": "-", "—": "-", "‘": "'", "’": "'", "“": '"', "”": '"', "…": "...", "·": "-"})


@dataclass
class Section:
    title: str
    header: list[str]
    rows: list[list[Cell]]
    widths: tuple[int, ...]  # PDF column widths in millimetres (A4: 180 usable)


@dataclass
class Document:
    title: str
    subtitle: str
    facts: list[tuple[str, str]]
    sections: list[Section] = field(default_factory=list)


# --- the two documents --------------------------------------------------------------------------


def evaluation_document(
    *, result: EvaluationResult, history: list[EvaluationResult], dimensions: list[DimensionRow]
) -> Document:
    """The year's evaluation: the index, the scores, the index per smart dimension, n of m running, the years."""
    e = result.evaluation
    facts = [
        (_("Index (0–5)"), _decimal(result.index)),
        (_("Self-assessed"), _decimal(result.self_index)),
        (_("Status"), _("published") if e.is_published else _("draft, not published")),
        (_("Weights (baseline/output/outcome/impact/quick win)"), "/".join(str(w) for w in e.weights().values())),
    ]
    document = Document(_("Smart City evaluation %(year)s") % {"year": e.year}, e.region.name, facts)
    document.sections = [
        _score_section(result),
        Section(
            _("Per smart dimension"),
            [_("Dimension"), _("Index (0–5)")],
            [[d.label, idx] for d, idx in result.by_smart_dimension],
            (120, 60),
        ),
        Section(
            _("Masterplan programmes running"),
            [_("Dimension"), _("Running"), _("In the masterplan"), _("Percent")],
            [[r.dimension.label, r.masterplan_running, r.masterplan_total, r.running_percent] for r in dimensions],
            (75, 35, 40, 30),
        ),
        Section(
            _("Year on year"),
            [_("Year"), _("Index (0–5)"), _("Self-assessed"), _("Published")],
            [[h.evaluation.year, h.index, h.self_index, _yes_no(h.evaluation.is_published)] for h in history],
            (35, 50, 50, 45),
        ),
    ]
    return document


def _score_section(result: EvaluationResult) -> Section:
    weights = result.evaluation.weights()
    labels = dict(EvaluationDimension.choices)
    rows: list[list[Cell]] = [
        [
            str(labels.get(s.eval_dimension, s.eval_dimension)),
            s.smart_dimension.label if s.smart_dimension else _("Overall"),
            weights.get(s.eval_dimension),
            s.self_score,
            s.verified_score,
            s.evidence,
        ]
        for s in result.scores  # in the evaluation's order (selectors.evaluation_detail)
    ]
    header = [_("Evaluation dimension"), _("Smart dimension"), _("Weight (%)"), _("Self"), _("Verified"), _("Evidence")]
    return Section(_("Scores"), header, rows, (30, 30, 18, 17, 20, 65))


def programme_document(*, results: Results, children: list[Programme]) -> Document:
    """One programme's progress: facts, indicators per period, milestones, reports, sub-programmes."""
    p = results.programme
    today = timezone.localdate()
    facts = [
        (_("Dimension"), p.dimension.label),
        (_("Lead agency"), p.lead_agency.name),
        (_("Status"), str(p.get_status_display())),
        (_("Progress"), f"{_decimal(results.progress)}%"),
        (_("Budget (Rp)"), formats.number_format(p.budget, use_l10n=True, force_grouping=True)),
        (_("Funding source"), str(p.get_funding_source_display())),
    ]
    document = Document(p.title, _("Programme progress report"), facts)
    document.sections = [
        Section(
            _("Indicators"),
            [_("Indicator"), _("Baseline"), _("Period"), _("Target"), _("Actual")],
            [row for r in results.indicators for row in _indicator_rows(r.indicator, results.periods, r.cells)],
            (60, 30, 30, 30, 30),
        ),
        Section(
            _("Milestones"),
            [_("Milestone"), _("Planned date"), _("Reached on"), _("Status")],
            [
                [m.title, _date(m.planned_date), _date(m.actual_date), _milestone_state(m, today)]
                for m in results.milestones
            ],
            (80, 35, 35, 30),
        ),
        Section(
            _("Progress reports"),
            [_("Period"), _("Status"), _("Progress (%)"), _("Approved on")],
            [
                [r.period.label, str(r.get_status_display()), r.progress_percent, _date(r.approved_at)]
                for r in results.reports
            ],
            (45, 55, 40, 40),
        ),
    ]
    if children:
        document.sections.append(
            Section(
                _("Sub-programmes and activities"),
                [_("Title"), _("Lead agency"), _("Status"), _("Progress (%)")],
                [[c.title, c.lead_agency.name, str(c.get_status_display()), _progress_of(c)] for c in children],
                (75, 45, 35, 25),
            )
        )
    return document


def _indicator_rows(indicator: Indicator, periods: list[Any], cells: list[IndicatorValue | None]) -> list[list[Cell]]:
    unit = f" ({indicator.unit})" if indicator.unit else ""
    baseline = _baseline(indicator)
    rows: list[list[Cell]] = []
    for period, cell in zip(periods, cells, strict=True):
        if cell is not None:
            target = cell.target if cell.target is not None else cell.target_text
            actual = cell.actual if cell.actual is not None else cell.actual_text
            rows.append([indicator.title + unit, baseline, period.label, target or None, actual or None])
    return rows or [[indicator.title + unit, baseline, None, None, None]]


def _baseline(indicator: Indicator) -> str:
    value = _decimal(indicator.baseline_value) if indicator.baseline_value is not None else indicator.baseline_text
    return f"{value} ({indicator.baseline_year})" if indicator.baseline_year and value else value


def _milestone_state(milestone: Milestone, today: Any) -> str:
    if milestone.actual_date:
        return _("reached")
    return _("overdue") if milestone.planned_date < today else _("planned")


def _progress_of(programme: Programme) -> Decimal | None:
    progress = getattr(programme, "progress", None)
    return progress.percent if progress is not None else None


# --- formatting ---------------------------------------------------------------------------------


def _decimal(value: Decimal | None) -> str:
    return "–" if value is None else formats.number_format(value, decimal_pos=2, use_l10n=True)


def _date(value: Any) -> str:
    if value is None:
        return ""
    if hasattr(value, "astimezone"):
        value = timezone.localtime(value).date()
    return formats.date_format(value, "j M Y")


def _yes_no(value: bool) -> str:
    return _("yes") if value else _("no")


def _text(value: Cell) -> str:
    if value is None:
        return "–"
    if isinstance(value, Decimal):
        return _decimal(value)
    return str(value)


def _clipped(text: str) -> str:
    """A cell's text short enough that its row fits on one page (the XLSX keeps the whole text)."""
    return text if len(text) <= PDF_CELL_CHARS else text[: PDF_CELL_CHARS - 1].rstrip() + "…"


def latin1(text: str) -> str:
    """The text in characters the PDF core fonts can draw (other letters lose their accents, or go)."""
    return "".join(_drawable(ch) for ch in str(text).translate(_ASCII_LOOKALIKES))


def _drawable(ch: str) -> str:
    if ord(ch) < 256:
        return ch
    return "".join(c for c in unicodedata.normalize("NFKD", ch) if ord(c) < 256 and not unicodedata.combining(c))


# --- the writers --------------------------------------------------------------------------------


class _Pdf(FPDF):
    def line_of(self, text: str, *, size: int = 10, bold: bool = False) -> None:
        self.set_font("Helvetica", "B" if bold else "", size)
        self.multi_cell(0, 6, latin1(text), new_x=XPos.LMARGIN, new_y=YPos.NEXT)

    def section(self, section: Section) -> None:
        self.line_of(section.title, size=11, bold=True)
        if not section.rows:
            self.line_of(_("Nothing yet."), size=9)
            self.ln(2)
            return
        self.set_font("Helvetica", "", 8)
        with self.table(col_widths=section.widths, text_align="LEFT", line_height=4.5) as table:
            head = table.row()
            for text in section.header:
                head.cell(latin1(text))
            for values in section.rows:
                row = table.row()
                for value in values:
                    row.cell(latin1(_clipped(_text(value))))
        self.ln(3)


def as_pdf(document: Document) -> bytes:
    pdf = _Pdf(format="A4")
    pdf.set_title(latin1(document.title))
    pdf.set_creation_date(timezone.now())
    pdf.add_page()
    pdf.line_of(document.title, size=15, bold=True)
    pdf.line_of(document.subtitle, size=11)
    pdf.ln(2)
    for label, value in document.facts:
        pdf.line_of(f"{label}: {value}", size=10)
    pdf.ln(3)
    for section in document.sections:
        pdf.section(section)
    printed = formats.date_format(timezone.localtime(), "j F Y H:i")
    pdf.line_of(_("Printed %(date)s by Kota Cerdas") % {"date": printed}, size=8)
    return bytes(pdf.output())


def as_xlsx(document: Document) -> bytes:
    """A workbook: the facts on the first sheet, one sheet per section; numbers stay numbers."""
    book = Workbook()
    summary = book.active
    assert summary is not None
    summary.title = _sheet_title(_("Summary"), set())
    summary.append([_xlsx_cell(document.title)])
    summary["A1"].font = Font(bold=True, size=14)
    summary.append([_xlsx_cell(document.subtitle)])
    for label, value in document.facts:
        summary.append([label, _xlsx_cell(value)])
    used = {summary.title}
    for section in document.sections:
        sheet = book.create_sheet(_sheet_title(section.title, used))
        used.add(sheet.title)
        sheet.append(section.header)
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for values in section.rows:
            sheet.append([_xlsx_cell(v) for v in values])
        for column, width in zip("ABCDEFGH", section.widths, strict=False):
            sheet.column_dimensions[column].width = max(10, width // 2 + 4)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _xlsx_cell(value: Cell) -> Any:
    """The value as a cell; text loses the control characters a workbook cannot hold (pasted from other tools)."""
    if value is None:
        return ""
    return ILLEGAL_CHARACTERS_RE.sub("", value) if isinstance(value, str) else value


def _sheet_title(title: str, used: set[str]) -> str:
    """Excel's rules: at most 31 characters, none of []:*?/\\, unique in the book."""
    clean = "".join(ch for ch in title if ch not in "[]:*?/\\")[:31] or "Sheet"
    candidate, n = clean, 2
    while candidate in used:
        candidate, n = f"{clean[:28]} {n}", n + 1
    return candidate


def evaluation_filename(evaluation: Evaluation, extension: str) -> str:
    return f"evaluasi-smart-city-{evaluation.region.slug}-{evaluation.year}.{extension}"


def programme_filename(programme: Programme, extension: str) -> str:
    return f"laporan-program-{programme.region.slug}-{programme.pk}.{extension}"
