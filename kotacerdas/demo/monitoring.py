"""Demo of monitoring in Kota Yogyakarta: periods, indicators, reports, milestones, a draft evaluation.

Real figures only where the sources give them (M3K: slum area 278.70 ha in 2014, 114.72 ha in 2021;
the Patangpuluhan co-working space has 11 computers). Evaluation scores are marked as demo values
and never published.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from kotacerdas.accounts.models import User
from kotacerdas.monitoring import services
from kotacerdas.monitoring.models import Evaluation, Indicator, Period, ProgressReport
from kotacerdas.planning.models import Programme
from kotacerdas.regions.models import Region

PERIODS = [("2021", dt.date(2021, 1, 1), dt.date(2021, 12, 31)), ("2026", dt.date(2026, 1, 1), dt.date(2026, 12, 31))]
DEMO_EVIDENCE = "Contoh demo, bukan nilai resmi."


def load(region: Region) -> None:
    planner = User.objects.get(username="bappeda.yogyakarta")
    periods = {label: _period(region, planner, label, start, end) for label, start, end in PERIODS}
    m3k = Programme.objects.for_region(region).get(title__startswith="M3K")
    training = Programme.objects.for_region(region).get(title__startswith="Penguatan Ekosistem Digital")
    if not Indicator.objects.filter(programme=m3k).exists():
        _m3k(m3k, periods, planner)
    if not Indicator.objects.filter(programme=training).exists():
        _training(training, periods, planner)
    _indicators_without_figures(m3k, M3K_MEASURES, planner)
    _indicators_without_figures(training, TRAINING_MEASURES, planner)
    if not Evaluation.objects.for_region(region).exists():
        _evaluation(region, planner)


# What the issue asks these programmes to measure. The sources give no official baseline or target for them,
# so none is invented: Bappeda and the agencies fill them in (the browser test reports M3K's first figures).
M3K_MEASURES = [
    ("Rumah yang dimundurkan dari bibir sungai", "rumah"),
    ("Jalan inspeksi yang terbangun", "meter"),
]
TRAINING_MEASURES = [("Pemuda terlatih per angkatan", "orang")]


def _indicators_without_figures(programme: Programme, measures: list[tuple[str, str]], planner: User) -> None:
    for title, unit in measures:
        if not Indicator.objects.filter(programme=programme, title=title).exists():
            data = services.IndicatorData(title=title, measure="unit", unit=unit, direction="ascending")
            services.indicator_create(programme=programme, data=data, actor=planner)


def _period(region: Region, planner: User, label: str, start: dt.date, end: dt.date) -> Period:
    existing = Period.objects.for_region(region).filter(label=label).first()
    return existing or services.period_create(region=region, label=label, starts_on=start, ends_on=end, actor=planner)


def _m3k(programme: Programme, periods: dict[str, Period], planner: User) -> None:
    operator = User.objects.get(username="dpupkp.yogyakarta")
    slum = services.indicator_create(
        programme=programme,
        data=services.IndicatorData(
            title="Luas kawasan permukiman kumuh kota",
            measure="unit",
            unit="ha",
            direction="descending",
            baseline_value=Decimal("278.70"),
            baseline_year=2014,
        ),
        actor=planner,
    )
    _report(programme, periods["2021"], operator, planner, {slum.pk: (Decimal("114.72"), "")}, None)
    services.milestone_create(
        programme=programme,
        title="Jalan inspeksi 3 m di tepi Winongo selesai",
        planned_date=dt.date(2026, 9, 30),
        actor=operator,
    )


def _training(programme: Programme, periods: dict[str, Period], planner: User) -> None:
    officer = User.objects.get(username="diskominfo.yogyakarta")
    computers = services.indicator_create(
        programme=programme,
        data=services.IndicatorData(
            title="Komputer di ruang kerja bersama Balai RW", measure="unit", unit="unit", direction="ascending"
        ),
        actor=officer,
    )
    _report(programme, periods["2026"], officer, planner, {computers.pk: (Decimal(11), "")}, 60)


def _report(
    programme: Programme,
    period: Period,
    author: User,
    planner: User,
    values: dict[int, tuple[Decimal | None, str]],
    percent: int | None,
) -> ProgressReport:
    data = services.ReportData(narrative="Laporan contoh untuk demo.", progress_percent=percent, values=values)
    report = services.report_save(programme=programme, period=period, data=data, actor=author)
    services.report_submit(report=report, actor=author)
    return services.report_approve(report=report, actor=planner)


def _evaluation(region: Region, planner: User) -> None:
    evaluation = services.evaluation_open(region=region, year=2026, actor=planner)
    for dimension, score in (
        ("baseline", "3.00"),
        ("output", "3.00"),
        ("outcome", "3.50"),
        ("impact", "3.00"),
        ("quick_win", "4.00"),
    ):
        services.score_enter(
            evaluation=evaluation,
            eval_dimension=dimension,
            smart_dimension=None,
            score=Decimal(score),
            evidence=DEMO_EVIDENCE,
            actor=planner,
        )
