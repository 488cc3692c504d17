"""Indicators of a programme (IATI results model) and their targets per period."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils.translation import gettext

from kotacerdas.audit.actions import AuditAction
from kotacerdas.core.errors import NotAllowed
from kotacerdas.monitoring import services
from kotacerdas.monitoring.models import Direction, Indicator, IndicatorValue, Measure
from kotacerdas.monitoring.services import (
    NEGATIVE,
    NOT_PERMITTED,
    PERCENT_RANGE,
    VALUE_REQUIRED,
    WHOLE_RUPIAH,
    WRONG_REGION,
    IndicatorData,
    MonitoringError,
)
from kotacerdas.monitoring.tests.factories import MonitoringTestCase, audit_trail


def indicator_data(**overrides: object) -> IndicatorData:
    fields: dict[str, object] = {
        "title": "Panjang jalan inspeksi",
        "measure": Measure.UNIT,
        "direction": Direction.ASCENDING,
        "unit": "meter",
        "baseline_value": Decimal("150.50"),
        "baseline_year": 2025,
    }
    fields.update(overrides)
    return IndicatorData(**fields)  # type: ignore[arg-type]


class IndicatorCreateTests(MonitoringTestCase):
    def create(self, actor: object = None, **overrides: object) -> Indicator:
        return services.indicator_create(
            programme=self.river, data=indicator_data(**overrides), actor=actor or self.planner
        )

    def test_it_lets_bappeda_add_an_indicator_with_its_baseline(self) -> None:
        indicator = self.create()
        indicator.refresh_from_db()
        self.assertEqual(
            (indicator.programme, indicator.region, indicator.title, indicator.measure, indicator.unit),
            (self.river, self.region, "Panjang jalan inspeksi", Measure.UNIT, "meter"),
        )
        self.assertEqual((indicator.baseline_value, indicator.baseline_year), (Decimal("150.50"), 2025))
        self.assertEqual(indicator.direction, Direction.ASCENDING)
        # The river programme already has three indicators (order 0, 1, 2); this one comes last.
        self.assertEqual(indicator.order, 3)
        self.assertEqual(list(self.river.indicators.all())[-1], indicator)

    def test_it_records_the_indicator_in_the_audit_log(self) -> None:
        indicator = self.create()
        [entry] = audit_trail(indicator)
        self.assertEqual(
            (entry.action, entry.actor, entry.region), (AuditAction.INDICATOR_CREATED, self.planner, self.region)
        )
        self.assertEqual(entry.after, {"title": "Panjang jalan inspeksi", "measure": "unit", "baseline": "150.50"})

    def test_it_lets_the_lead_agency_add_an_indicator(self) -> None:
        indicator = self.create(actor=self.head, title="Titik banjir", direction=Direction.DESCENDING)
        self.assertEqual((indicator.title, indicator.direction), ("Titik banjir", Direction.DESCENDING))

    def test_it_accepts_every_measure_including_rupiah_and_qualitative(self) -> None:
        rupiah = self.create(title="Anggaran terserap", measure=Measure.NOMINAL, unit="", baseline_value=Decimal(0))
        quality = self.create(
            title="Kepuasan pedagang", measure=Measure.QUALITATIVE, baseline_value=None, baseline_text="Rendah"
        )
        self.assertEqual((rupiah.measure, quality.measure), (Measure.NOMINAL, Measure.QUALITATIVE))
        self.assertTrue(quality.is_qualitative)
        self.assertFalse(rupiah.is_qualitative)
        self.assertEqual(quality.baseline_text, "Rendah")

    def test_it_accepts_a_percentage_baseline_at_both_ends_of_the_range(self) -> None:
        low = self.create(title="A", measure=Measure.PERCENTAGE, baseline_value=Decimal(0))
        high = self.create(title="B", measure=Measure.PERCENTAGE, baseline_value=Decimal(100))
        self.assertEqual((low.baseline_value, high.baseline_value), (Decimal(0), Decimal(100)))

    def test_it_refuses_another_agency_diskominfo_readers_and_outsiders(self) -> None:
        for actor in (self.health_operator, self.officer, self.leader, self.inspector, self.assessor, self.outsider):
            with self.subTest(actor=actor.username):
                self.assertRefused(NotAllowed, NOT_PERMITTED, lambda actor=actor: self.create(actor=actor))
        self.assertEqual(self.river.indicators.count(), 3)

    def test_it_refuses_a_percentage_baseline_out_of_range(self) -> None:
        for value in ("100.01", "-1"):
            with self.subTest(value=value):
                error = self.assertRefused(
                    MonitoringError,
                    PERCENT_RANGE,
                    lambda value=value: self.create(measure=Measure.PERCENTAGE, baseline_value=Decimal(value)),
                )
                self.assertEqual(error.field, "baseline_value")
        self.assertEqual(self.river.indicators.count(), 3)

    def test_it_refuses_a_negative_count_or_amount_as_baseline(self) -> None:
        for measure in (Measure.UNIT, Measure.NOMINAL):
            with self.subTest(measure=measure):
                error = self.assertRefused(
                    MonitoringError,
                    NEGATIVE,
                    lambda measure=measure: self.create(measure=measure, baseline_value=Decimal("-0.01")),
                )
                self.assertEqual(error.field, "baseline_value")
        self.assertEqual(self.river.indicators.count(), 3)

    def test_it_takes_rupiah_in_whole_numbers_only(self) -> None:
        whole = self.create(title="Dana CSR", measure=Measure.NOMINAL, baseline_value=Decimal("250000000.00"))
        self.assertEqual(whole.baseline_value, Decimal(250_000_000))
        self.assertRefused(
            MonitoringError,
            WHOLE_RUPIAH,
            lambda: self.create(measure=Measure.NOMINAL, baseline_value=Decimal("1500.50")),
        )
        self.assertEqual(self.river.indicators.count(), 4)

    def test_it_refuses_an_unknown_measure_or_a_baseline_year_out_of_range(self) -> None:
        self.assertRefused(MonitoringError, None, lambda: self.create(measure="stars"))
        self.assertRefused(MonitoringError, None, lambda: self.create(baseline_year=1980))
        self.assertEqual(self.river.indicators.count(), 3)


class TargetSetTests(MonitoringTestCase):
    def test_it_sets_a_target_for_a_period(self) -> None:
        value = services.target_set(indicator=self.houses, period=self.s2, target=Decimal(80), actor=self.planner)
        value.refresh_from_db()
        self.assertEqual((value.indicator, value.period, value.region), (self.houses, self.s2, self.region))
        self.assertEqual((value.target, value.actual, value.actual_report), (Decimal(80), None, None))

    def test_it_changes_an_existing_target_in_place_and_records_before_and_after(self) -> None:
        before = IndicatorValue.objects.get(indicator=self.houses, period=self.s1)
        value = services.target_set(indicator=self.houses, period=self.s1, target=Decimal(45), actor=self.operator)
        self.assertEqual(value.pk, before.pk)
        self.assertEqual(IndicatorValue.objects.get(pk=before.pk).target, Decimal(45))
        entry = audit_trail(value)[-1]
        self.assertEqual((entry.action, entry.actor), (AuditAction.TARGET_SET, self.operator))
        self.assertEqual(entry.before, {"target": "40.00", "target_text": ""})
        self.assertEqual(entry.after, {"target": "45", "target_text": ""})

    def test_it_sets_a_qualitative_target_as_text(self) -> None:
        value = services.target_set(
            indicator=self.quality, period=self.s2, target=None, target_text="  Warga sangat puas ", actor=self.planner
        )
        self.assertEqual((value.target, value.target_text), (None, "Warga sangat puas"))

    def test_it_never_touches_the_actual(self) -> None:
        self.report(status="approved")
        services.target_set(indicator=self.houses, period=self.s1, target=Decimal(35), actor=self.planner)
        value = IndicatorValue.objects.get(indicator=self.houses, period=self.s1)
        self.assertEqual((value.target, value.actual), (Decimal(35), Decimal(30)))

    def test_it_refuses_another_agency_readers_and_outsiders(self) -> None:
        for actor in (self.health_operator, self.officer, self.leader, self.assessor, self.outsider):
            with self.subTest(actor=actor.username):
                self.assertRefused(
                    NotAllowed,
                    NOT_PERMITTED,
                    lambda actor=actor: services.target_set(
                        indicator=self.houses, period=self.s2, target=Decimal(1), actor=actor
                    ),
                )
        self.assertFalse(IndicatorValue.objects.filter(period=self.s2).exists())

    def test_it_refuses_a_number_missing_for_a_quantitative_indicator(self) -> None:
        error = self.assertRefused(
            MonitoringError,
            None,
            lambda: services.target_set(indicator=self.houses, period=self.s2, target=None, actor=self.planner),
        )
        self.assertEqual(error.message, gettext(VALUE_REQUIRED) % {"indicator": "Rumah yang dimundurkan"})

    def test_it_refuses_a_percentage_target_out_of_range(self) -> None:
        self.assertRefused(
            MonitoringError,
            PERCENT_RANGE,
            lambda: services.target_set(
                indicator=self.coverage, period=self.s2, target=Decimal(101), actor=self.planner
            ),
        )
        self.assertFalse(IndicatorValue.objects.filter(period=self.s2).exists())

    def test_it_refuses_a_negative_count_target(self) -> None:
        error = self.assertRefused(
            MonitoringError,
            NEGATIVE,
            lambda: services.target_set(indicator=self.houses, period=self.s2, target=Decimal(-5), actor=self.planner),
        )
        self.assertEqual(error.field, "target")
        self.assertFalse(IndicatorValue.objects.filter(period=self.s2).exists())

    def test_it_refuses_a_period_of_another_region(self) -> None:
        elsewhere = services.period_create(
            region=self.other_region,
            label="2027 S1",
            starts_on=dt.date(2027, 1, 1),
            ends_on=dt.date(2027, 6, 30),
            actor=self.outsider,
        )
        error = self.assertRefused(
            MonitoringError,
            WRONG_REGION,
            lambda: services.target_set(indicator=self.houses, period=elsewhere, target=Decimal(5), actor=self.planner),
        )
        self.assertEqual(error.field, "period")
