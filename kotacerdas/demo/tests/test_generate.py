"""The synthetic national data set: sizes, the invariants the services keep, summaries, replacement, pages."""

from __future__ import annotations

import datetime as dt
import tempfile
import uuid
from collections import defaultdict
from decimal import Decimal
from io import StringIO

import time_machine
from django.apps import apps
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.db import connection
from django.db.models import Count, Q, Sum
from django.test import TestCase, override_settings
from django.urls import reverse

from kotacerdas.accounts.models import User
from kotacerdas.agencies.models import Agency
from kotacerdas.core.testing import make_agency, make_region
from kotacerdas.demo.synthetic import BENCH_OPEN311_KEY, Plan, generate
from kotacerdas.demo.synthetic.bulk import Table
from kotacerdas.demo.synthetic.requests import FLAG_DELAY
from kotacerdas.jimpitan import nights, selectors, services
from kotacerdas.jimpitan.models import Collection, EntryKind, Fund, FundMonth, Household, LedgerEntry, Shift
from kotacerdas.monitoring.models import AgencySummary, DimensionSummary, ProgrammeProgress
from kotacerdas.planning.models import Programme
from kotacerdas.regions.models import Area, AreaLevel, Region
from kotacerdas.servicerequests import nik
from kotacerdas.servicerequests.models import OPEN_STATUSES, CitizenProfile, RequestUpdate, Service, ServiceRequest
from kotacerdas.servicerequests.services import requests_flag_overdue
from kotacerdas.servicerequests.workflow import RESOLUTION_STATUSES

TINY = 0.0002  # one region at a tenth of its national size: about 2,000 collections
NOW = dt.datetime(2026, 6, 15, 3, 0, tzinfo=dt.UTC)  # 10:00 in Jakarta, noon in Jayapura
MEDIA = tempfile.mkdtemp(prefix="kc-generate-media-")
ANSWERING = {"investigating", "in_progress", "action_scheduled"} | set(RESOLUTION_STATUSES)


def index_definitions() -> set[str]:
    """Every index and constraint definition on the tables the generator writes, as the database reports it."""
    tables = sorted({m._meta.db_table for m in Table.defined})
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT indexdef FROM pg_indexes WHERE tablename = ANY(%s)", [tables])
            found = {row[0] for row in cursor.fetchall()}
            cursor.execute(
                "SELECT pg_get_constraintdef(oid) FROM pg_constraint WHERE conrelid::regclass::text = ANY(%s)", [tables]
            )
            return found | {row[0] for row in cursor.fetchall()}
        marks = ", ".join("%s" for _ in tables)
        cursor.execute(f"SELECT sql FROM sqlite_master WHERE tbl_name IN ({marks}) AND sql IS NOT NULL", tables)
        return {row[0] for row in cursor.fetchall()}


@time_machine.travel(NOW, tick=False)
@override_settings(MEDIA_ROOT=MEDIA)
class GenerateTests(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        cls.summary = generate(size=TINY, seed=7, progress=False)
        cls.region = Region.objects.get(slug="gen-0001")
        cls.plan = Plan.for_size(TINY)

    # --- sizes ----------------------------------------------------------------------------------

    def test_it_creates_what_the_plan_says(self) -> None:
        totals = self.plan.totals()
        counted = {
            "regions": Region.objects.filter(slug__startswith="gen-").count(),
            "areas": Area.objects.filter(region=self.region).count(),
            "rt": Area.objects.filter(region=self.region, level=AreaLevel.RT).count(),
            "agencies": Agency.objects.filter(region=self.region).count(),
            "programmes": Programme.objects.filter(region=self.region).count(),
            "service_requests": ServiceRequest.objects.filter(region=self.region).count(),
            "funds": Fund.objects.filter(region=self.region).count(),
            "shifts": Shift.objects.filter(region=self.region, status="closed").count(),
        }
        self.assertEqual(counted, totals)
        collections = Collection.objects.filter(region=self.region).count()
        self.assertAlmostEqual(collections / self.plan.expected_collections, 1, delta=0.05)
        self.assertEqual(self.summary.rows["jimpitan.Collection"], collections)

    def test_it_reaches_the_national_size_at_size_one(self) -> None:
        plan = Plan.for_size(1.0)
        totals = plan.totals()
        self.assertEqual(totals["regions"], 514)
        self.assertAlmostEqual(totals["rt"], 80_000, delta=3_000)
        self.assertAlmostEqual(totals["agencies"], 20_000, delta=500)
        self.assertAlmostEqual(totals["programmes"], 100_000, delta=500)
        self.assertAlmostEqual(totals["service_requests"], 1_000_000, delta=1_000)
        self.assertAlmostEqual(plan.expected_collections, 10_000_000, delta=200_000)

    def test_it_scales_the_counts_with_the_size(self) -> None:
        full, tenth = Plan.for_size(1.0).totals(), Plan.for_size(0.1).totals()
        for name in ("regions", "areas", "agencies", "programmes", "service_requests", "shifts"):
            self.assertAlmostEqual(tenth[name] / full[name], 0.1, delta=0.002, msg=name)
        self.assertAlmostEqual(
            Plan.for_size(0.1).expected_collections / Plan.for_size(1.0).expected_collections, 0.1, delta=0.002
        )

    def test_it_gives_the_first_region_the_most_requests_as_a_metropolis_would(self) -> None:
        plan = Plan.for_size(1.0)
        counts = plan.requests_by_region
        self.assertEqual(sum(counts), plan.totals()["service_requests"])
        self.assertEqual(counts, sorted(counts, reverse=True))
        self.assertGreater(counts[0], 100_000)
        self.assertGreaterEqual(min(counts), 50)

    def test_it_refuses_a_size_out_of_range(self) -> None:
        for size in (0, -1, 2.5):
            with self.subTest(size=size), self.assertRaises(ValueError):
                Plan.for_size(size)

    # --- names ----------------------------------------------------------------------------------

    def test_it_names_regions_plainly_as_synthetic(self) -> None:
        self.assertRegex(self.region.name, r"^(Kota|Kabupaten) Sintetis 0001$")
        self.assertEqual(self.region.code, "01.01")  # no real province has a code below 11
        self.assertTrue(self.region.jurisdiction.endswith(".invalid"))

    def test_every_row_passes_its_models_validation(self) -> None:
        failures = []
        for model in apps.get_models():
            if "region" not in {f.name for f in model._meta.concrete_fields}:
                continue
            exclude = ["actor"] if model is RequestUpdate else []  # the service stores anonymous updates without one
            for row in model._default_manager.filter(region=self.region)[:50]:
                try:
                    row.full_clean(exclude=exclude, validate_unique=False, validate_constraints=False)
                except ValidationError as error:
                    failures.append(
                        (
                            model._meta.label,
                            row.pk,
                            error.message_dicts if hasattr(error, "message_dicts") else error.messages,
                        )
                    )
        self.assertEqual(failures, [])

    def test_generated_citizens_hold_a_valid_nik_no_real_person_has(self) -> None:
        profiles = CitizenProfile.objects.filter(user__username__startswith="gen-0001.warga-")
        self.assertEqual(profiles.count(), 20)
        for profile in profiles:
            number = nik.decrypt(profile.nik_encrypted)
            nik.validate_nik(number)
            self.assertEqual((profile.nik_digest, profile.nik_last4), (nik.digest(number), number[-4:]))
            self.assertTrue(number.startswith("0101"))  # province 01 does not exist
        for user in User.objects.filter(username__startswith="gen-0001.")[:50]:
            user.full_clean(exclude=["password"])

    # --- jimpitan -------------------------------------------------------------------------------

    def test_it_collects_each_house_at_most_once_a_night(self) -> None:
        twice = Collection.objects.values("household", "night").annotate(n=Count("id")).filter(n__gt=1)
        self.assertFalse(twice.exists())

    def test_it_collects_only_inside_the_nights_shift_and_watch(self) -> None:
        rows = Collection.objects.filter(region=self.region).select_related("shift", "fund__region", "household")
        for collection in rows:
            start, end = nights.watch_window(collection.fund, collection.night)
            self.assertEqual((collection.shift.night, collection.shift.fund_id), (collection.night, collection.fund_id))
            self.assertTrue(start <= collection.collected_at < end, collection.pk)
            self.assertTrue(collection.household.expected_on(collection.night), collection.pk)

    def test_it_collects_by_the_group_on_duty(self) -> None:
        for shift in Shift.objects.filter(region=self.region).select_related("fund__region", "group"):
            self.assertEqual(shift.group, selectors.group_on_duty(fund=shift.fund, night=shift.night))
            collectors = set(Collection.objects.filter(shift=shift).values_list("collected_by", flat=True))
            self.assertLessEqual(collectors, set(shift.group.members.values_list("user", flat=True)))

    def test_it_books_each_night_once_as_the_closing_would(self) -> None:
        cash = dict(
            Collection.objects.filter(region=self.region, method="cash").values_list("shift").annotate(Sum("amount"))
        )
        booked = defaultdict(dict)
        for shift, kind, amount in LedgerEntry.objects.filter(shift__isnull=False).values_list(
            "shift", "kind", "amount"
        ):
            booked[shift][kind] = amount
        for shift in Shift.objects.filter(region=self.region, status="closed"):
            self.assertEqual(shift.recorded_total, cash.get(shift.pk, 0))
            expected = {EntryKind.COLLECTION: shift.recorded_total} if shift.recorded_total else {}
            if shift.difference:
                expected[EntryKind.SURPLUS if shift.difference > 0 else EntryKind.SHORTFALL] = abs(shift.difference)
                self.assertTrue(shift.note)
            self.assertEqual(booked.get(shift.pk, {}), expected)

    def test_the_cash_book_never_goes_below_zero(self) -> None:
        for fund in Fund.objects.filter(region=self.region):
            balance = 0
            for entry in LedgerEntry.objects.filter(fund=fund).order_by("booked_on", "id"):
                balance += entry.signed_amount
                self.assertGreaterEqual(balance, 0, entry.pk)
                if entry.kind == EntryKind.EXPENSE:
                    self.assertTrue(entry.receipt and entry.description)
            self.assertEqual(selectors.fund_balance(fund=fund), balance)

    def test_the_city_rollup_rows_equal_a_recount_by_the_jimpitan_service(self) -> None:
        fields = (
            "fund",
            "kelurahan",
            "month",
            "nights_held",
            "house_nights_expected",
            "house_nights_paid",
            "collected",
        )
        generated = set(FundMonth.objects.filter(region=self.region).values_list(*fields))
        self.assertTrue(generated)
        written = services.fund_months_rebuild(region=self.region)
        self.assertEqual(written, len(generated))
        self.assertEqual(set(FundMonth.objects.filter(region=self.region).values_list(*fields)), generated)

    def test_the_load_test_fund_takes_a_collection_tonight(self) -> None:
        ronda = User.objects.get(username=self.summary.accounts["ronda"])
        fund = Fund.objects.get(pk=self.summary.bench_fund_id)
        shift = Shift.objects.get(fund=fund, status="open")
        house = Household.objects.filter(fund=fund).first()
        recorded = services.collection_record(shift=shift, household=house, idempotency_key=uuid.uuid4(), actor=ronda)
        self.assertFalse(recorded.repeat)
        self.assertEqual(Household.objects.filter(fund=fund).count(), self.plan.bench_households)

    # --- service requests -----------------------------------------------------------------------

    def test_each_request_history_leads_to_its_status(self) -> None:
        histories = defaultdict(list)
        for request_id, status in RequestUpdate.objects.filter(region=self.region).values_list("request", "status"):
            histories[request_id].append(status)
        for request in ServiceRequest.objects.filter(region=self.region).select_related("service"):
            steps = histories[request.pk]
            self.assertEqual((steps[0], steps[-1]), ("submitted", request.status), request.pk)
            self.assertEqual(request.responded_at is not None, bool(ANSWERING & set(steps)), request.pk)
            self.assertEqual(request.resolved_at is not None, bool(set(RESOLUTION_STATUSES) & set(steps)), request.pk)
            due = request.requested_at + dt.timedelta(minutes=request.service.response_minutes)
            self.assertEqual(request.response_due_at, due)
            self.assertEqual(request.agency_id, request.service.agency_id)

    def test_it_leaves_the_overdue_job_nothing_to_flag(self) -> None:
        flagged = ServiceRequest.objects.filter(region=self.region, overdue_notified_at__isnull=False)
        self.assertTrue(flagged.exists())
        for request in flagged:
            self.assertIn(request.status, OPEN_STATUSES)
            missed = [
                d
                for d, done in (
                    (request.response_due_at, request.responded_at),
                    (request.resolution_due_at, request.resolved_at),
                )
                if done is None
            ]
            self.assertGreater(request.overdue_notified_at, min(missed))
        # Run as the job would have a quarter of an hour ago: everything late by then is flagged already.
        self.assertEqual(requests_flag_overdue(now=NOW - FLAG_DELAY), 0)

    def test_a_secret_request_never_reaches_the_public_list(self) -> None:
        secret = set(ServiceRequest.objects.filter(region=self.region, is_secret=True).values_list("pk", flat=True))
        self.assertTrue(secret)
        self.assertFalse(ServiceRequest.objects.filter(region=self.region, is_secret=True, is_anonymous=True).exists())
        response = self.client.get(reverse("open311:requests", args=[self.region.slug, "json"]))
        self.assertEqual(response.status_code, 200)
        listed = {int(row["service_request_id"]) for row in response.json()}
        self.assertTrue(listed)
        self.assertFalse(listed & secret)
        asked = ",".join(str(pk) for pk in sorted(secret))
        by_id = self.client.get(
            reverse("open311:requests", args=[self.region.slug, "json"]), {"service_request_id": asked}
        )
        self.assertEqual(by_id.json(), [])

    def test_the_benchmark_key_submits_through_open311(self) -> None:
        url = reverse("open311:requests", args=[self.region.slug, "json"])
        code = Service.objects.filter(region=self.region).order_by("code").values_list("code", flat=True).first()
        data = {"api_key": BENCH_OPEN311_KEY, "service_code": code, "address_string": "Jl. Uji 1"}
        data["description"] = "Sampah menumpuk di ujung gang."
        response = self.client.post(url, data)
        self.assertEqual(response.status_code, 200, response.content)
        self.assertTrue(response.json()[0]["service_request_id"])
        self.assertEqual(ServiceRequest.objects.filter(region=self.region).count(), self.plan.requests + 1)

    # --- summaries and pages --------------------------------------------------------------------

    def test_the_dimension_summary_equals_a_group_by_over_the_programmes(self) -> None:
        top = Programme.objects.filter(region=self.region, parent__isnull=True)
        grouped = {
            (row["dimension"], row["status"]): (row["n"], row["published"])
            for row in top.values("dimension", "status").annotate(
                n=Count("id"), published=Count("id", filter=Q(is_published=True))
            )
        }
        summary = {
            (cell.dimension_id, cell.status): (cell.programmes, cell.published)
            for cell in DimensionSummary.objects.filter(region=self.region)
        }
        self.assertEqual(summary, grouped)

    def test_the_agency_summary_counts_the_programmes_each_leads(self) -> None:
        led = dict(Programme.objects.filter(region=self.region).values_list("lead_agency").annotate(n=Count("id")))
        summary = dict(AgencySummary.objects.filter(region=self.region).values_list("agency", "programmes_led"))
        self.assertEqual({a: n for a, n in summary.items() if n}, led)
        self.assertTrue(AgencySummary.objects.filter(region=self.region, unreported_periods__gt=0).exists())
        progress = ProgrammeProgress.objects.filter(region=self.region)
        self.assertEqual(progress.count(), self.plan.programmes)
        self.assertTrue(progress.filter(percent__gt=Decimal(0), percent__lt=Decimal(100)).exists())

    def test_the_dashboard_and_public_pages_of_a_generated_region_render(self) -> None:
        slug = self.region.slug
        programme = Programme.objects.filter(region=self.region, is_published=True, parent__isnull=True).first()
        request = ServiceRequest.objects.filter(region=self.region, is_secret=False).first()
        public = [
            reverse("regions:home", args=[slug]),
            reverse("open:home", args=[slug]),
            reverse("open:programme", args=[slug, programme.pk]),
            reverse("servicerequests:catalogue", args=[slug]),
            reverse("open311:request", args=[slug, request.pk, "json"]),
        ]
        for url in public:
            with self.subTest(url=url):
                self.assertEqual(self.client.get(url).status_code, 200)
        self.client.force_login(User.objects.get(username=self.summary.accounts["planner"]))
        self.assertEqual(self.client.get(reverse("monitoring:dashboard", args=[slug])).status_code, 200)
        rollup = self.client.get(reverse("jimpitan:city", args=[slug]))
        self.assertContains(
            rollup, Area.objects.get(pk=FundMonth.objects.filter(region=self.region).first().kelurahan_id).name
        )
        self.client.force_login(User.objects.get(username=self.summary.accounts["coordinator"]))
        self.assertEqual(self.client.get(reverse("servicerequests:request", args=[slug, request.pk])).status_code, 200)

    # --- a second run ---------------------------------------------------------------------------

    def test_a_second_run_replaces_the_first_and_leaves_other_regions_alone(self) -> None:
        other = make_region("kotalain", code="34.72")
        old_ids = set(ServiceRequest.objects.values_list("pk", flat=True))
        again = generate(size=TINY, seed=8, progress=False)
        self.assertEqual(again.replaced_regions, 1)
        self.assertEqual(Region.objects.filter(slug__startswith="gen-").count(), 1)
        self.assertFalse(Programme.objects.filter(region=self.region.pk).exists())  # the old region's rows went
        fresh = Region.objects.get(slug="gen-0001")
        self.assertEqual(ServiceRequest.objects.filter(region=fresh).count(), self.plan.requests)
        self.assertGreater(ServiceRequest.objects.order_by("pk").first().pk, max(old_ids))  # ids are never reused
        self.assertEqual(User.objects.filter(username="gen-0001.bappeda").count(), 1)
        self.assertTrue(Region.objects.filter(pk=other.pk).exists())

    def test_loading_without_the_big_tables_indexes_puts_every_index_back(self) -> None:
        other = make_region("kotalain", code="34.72")
        agency = make_agency(other, "dinsos")
        before = index_definitions()
        again = generate(size=TINY, seed=9, progress=False, defer_indexes=True)
        self.assertEqual(index_definitions(), before)
        self.assertEqual(again.replaced_regions, 1)
        self.assertTrue(Agency.objects.filter(pk=agency.pk).exists())  # tables with other rows are not emptied
        self.assertEqual(Collection.objects.count(), again.rows["jimpitan.Collection"])
        self.assertFalse(
            Collection.objects.values("household", "night").annotate(n=Count("id")).filter(n__gt=1).exists()
        )


@override_settings(MEDIA_ROOT=MEDIA)
class GenerateCommandTests(TestCase):
    def test_it_reports_one_line_and_the_benchmark_access(self) -> None:
        out = StringIO()
        call_command("generate", size=TINY, seed=3, stdout=out, stderr=StringIO())
        self.assertIn("1 synthetic region, ", out.getvalue())
        self.assertIn(BENCH_OPEN311_KEY, out.getvalue())

    def test_it_refuses_a_size_out_of_range(self) -> None:
        with self.assertRaisesMessage(CommandError, "size must be above 0"):
            call_command("generate", size=3.0, stdout=StringIO(), stderr=StringIO())
        self.assertFalse(Region.objects.filter(slug__startswith="gen-").exists())

    @override_settings(DEMO_DATA_ALLOWED=False)
    def test_it_is_refused_in_production(self) -> None:
        with self.assertRaisesMessage(CommandError, "not allowed here"):
            call_command("generate", size=TINY, stdout=StringIO(), stderr=StringIO())
