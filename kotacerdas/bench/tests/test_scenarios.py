"""The benchmark's set-up and scenarios, sent in-process: every scenario must succeed exactly as the bench sends it.

The server and the load generator are left out here (the load generator has its own tests; `make bench
QUICK=1` in CI runs the whole thing); what is checked is that the requests are right: session, CSRF
token and Origin, a house and a key per collection inside tonight's watch, the Open311 key and filters.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, ClassVar

from django.test import Client, TestCase

from kotacerdas.accounts.models import Membership, Session
from kotacerdas.accounts.roles import Role
from kotacerdas.bench import dashboard, fixtures, scenarios
from kotacerdas.bench.loadgen import fill
from kotacerdas.core.testing import RegionTestCase, make_agency, make_region, make_user
from kotacerdas.demo.synthetic import generate
from kotacerdas.jimpitan.models import Collection, Shift, ShiftStatus
from kotacerdas.servicerequests import services
from kotacerdas.servicerequests.models import Open311Client, Service, ServiceRequest
from kotacerdas.servicerequests.services import RequestData

ORIGIN = "https://testserver"


def send(client: Client, scenario: scenarios.Scenario, n: int) -> Any:
    """Send the scenario's n-th request as the load generator would (the test client speaks https)."""
    headers = {k: v for k, v in scenario.headers.items() if k != "Content-Type"}
    path = fill(scenario.path, scenario.ids, n)
    if scenario.method == "GET":
        return client.get(path, headers=headers, secure=True)
    body = fill(scenario.body, scenario.ids, n)
    return client.post(path, body, content_type="application/x-www-form-urlencoded", headers=headers, secure=True)


class BenchTestCase(RegionTestCase):
    service: ClassVar[Service]

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.service = services.service_save(
            region=cls.region,
            agency=cls.public_works,
            actor=cls.officer,
            code="PJU-01",
            name="Lampu penerangan jalan mati",
            response_minutes=120,
            resolution_minutes=24 * 60,
        )
        for n in range(3):
            data = RequestData(description=f"Lampu mati di gang {n}", address=f"Jl. Bugisan {n}")
            services.request_submit(service=cls.service, data=data, citizen=None, actor=None)


class ScenarioTests(BenchTestCase):
    def setUp(self) -> None:
        self.target = fixtures.prepare(region=self.region, houses=5)
        self.client = Client(enforce_csrf_checks=True)
        self.built = {s.name: s for s in scenarios.build(self.target, origin=ORIGIN)}

    def test_it_builds_every_scenario_of_the_issue(self) -> None:
        self.assertEqual(
            list(self.built),
            [
                scenarios.HELLO,
                scenarios.OPEN311_LIST,
                scenarios.REQUEST_PAGE,
                scenarios.DASHBOARD,
                scenarios.PROGRAMMES,
                scenarios.HELLO_AGAIN,
                scenarios.INSERT,
                scenarios.COLLECTION,
                scenarios.INSERT_AGAIN,
                scenarios.SUBMIT,
                scenarios.EXPORT,
            ],
        )

    def test_each_baseline_runs_again_the_same_requests_after_the_scenarios_judged_against_it(self) -> None:
        for first, again in (scenarios.HELLO_RUNS, scenarios.INSERT_RUNS):
            with self.subTest(first):
                same = {k: v for k, v in vars(self.built[again]).items() if k != "name"}
                self.assertEqual(same, {k: v for k, v in vars(self.built[first]).items() if k != "name"})

    def test_every_read_succeeds_as_sent(self) -> None:
        for name in (scenarios.OPEN311_LIST, scenarios.REQUEST_PAGE, scenarios.DASHBOARD, scenarios.PROGRAMMES):
            with self.subTest(name):
                self.assertEqual(send(self.client, self.built[name], 0).status_code, 200)

    def test_the_open311_list_is_a_filtered_page_of_50(self) -> None:
        path = self.built[scenarios.OPEN311_LIST].path
        self.assertIn("service_code=PJU-01", path)
        self.assertIn("page_size=50", path)
        answer = send(self.client, self.built[scenarios.OPEN311_LIST], 0).json()
        self.assertEqual(len(answer), 3)

    def test_each_collection_records_a_new_house_through_the_phones_endpoint(self) -> None:
        scenario = self.built[scenarios.COLLECTION]
        for n in range(5):
            response = send(self.client, scenario, n)
            self.assertEqual(response.status_code, 201, response.content)
            self.assertEqual(response.json()["household"], self.target.household_ids[n])
        self.assertEqual(Collection.objects.filter(shift_id=self.target.shift_id).count(), 5)

    def test_a_collection_without_the_csrf_token_is_refused(self) -> None:
        scenario = self.built[scenarios.COLLECTION]
        body = fill(scenario.body, scenario.ids, 0).replace(self.target.csrf_token, "0" * 32)
        headers = {k: v for k, v in scenario.headers.items() if k != "Content-Type"}
        form = "application/x-www-form-urlencoded"
        response = self.client.post(scenario.path, body, content_type=form, headers=headers, secure=True)
        self.assertEqual(response.status_code, 403)
        self.assertFalse(Collection.objects.exists())

    def test_each_open311_post_files_a_new_request(self) -> None:
        before = ServiceRequest.objects.count()
        for n in range(2):
            response = send(self.client, self.built[scenarios.SUBMIT], n)
            self.assertEqual(response.status_code, 200, response.content)
        self.assertEqual(ServiceRequest.objects.count(), before + 2)

    def test_the_export_streams_every_request_of_the_region(self) -> None:
        response = send(self.client, self.built[scenarios.EXPORT], 0)
        self.assertEqual(response.status_code, 200)
        lines = b"".join(response.streaming_content).decode("utf-8-sig").splitlines()
        self.assertEqual(len(lines), 1 + 3)

    def test_the_shift_is_open_inside_tonights_watch(self) -> None:
        shift = Shift.objects.select_related("fund").get(pk=self.target.shift_id)
        self.assertEqual(shift.status, ShiftStatus.OPEN)
        self.assertEqual(len(self.target.household_ids), 5)
        self.assertEqual(shift.fund.households.count(), 5)

    def test_release_revokes_the_session_and_the_open311_key(self) -> None:
        fixtures.release(self.target)
        self.assertFalse(Session.objects.filter(session_key=self.target.session_key).exists())
        self.assertFalse(Open311Client.objects.get(pk=self.target.open311_client_id).is_active)
        self.assertEqual(send(self.client, self.built[scenarios.DASHBOARD], 0).status_code, 302)  # to the login
        self.assertEqual(send(self.client, self.built[scenarios.SUBMIT], 0).status_code, 403)

    def test_the_account_holds_one_treasurers_role_per_run_and_none_after_it(self) -> None:
        treasurer = Membership.objects.active().filter(user=self.target.user, role=Role.RT_TREASURER)
        self.assertEqual(treasurer.count(), 1)
        fixtures.release(self.target)
        self.assertFalse(treasurer.exists())
        again = fixtures.prepare(region=self.region, houses=1)  # and a run that never released leaves one only
        fixtures.prepare(region=self.region, houses=1)
        self.assertEqual(treasurer.count(), 1)
        fixtures.release(again)


class WatchTests(BenchTestCase):
    def test_it_sets_watch_hours_around_now_even_across_midnight(self) -> None:
        zone = dt.timezone(dt.timedelta(hours=7))
        late = dt.datetime(2026, 11, 28, 23, 50, tzinfo=zone)
        start, end = fixtures._watch_around(late, zone)
        self.assertEqual((start, end), (dt.time(23, 20), dt.time(1, 50)))


class TargetRegionTests(BenchTestCase):
    def test_it_takes_the_generated_region_with_the_most_requests(self) -> None:
        make_region("gen-0001", code="11.01")
        busy = make_region("gen-0002", code="11.02")
        agency = make_agency(busy, "diskominfo", special_role="ict")
        officer = make_user("officer.gen", Role.DISKOMINFO_OFFICER, busy, agency=agency)
        service = services.service_save(region=busy, agency=agency, actor=officer, code="X-1", name="Lampu")
        data = RequestData(description="Lampu mati", address="Jl. Satu")
        services.request_submit(service=service, data=data, citizen=None, actor=None)
        self.assertEqual(fixtures.target_region(), busy)

    def test_it_falls_back_to_the_demo_region_and_else_says_what_to_do(self) -> None:
        with self.assertRaisesMessage(fixtures.NoData, "kotacerdas generate"):
            fixtures.target_region()
        demo = make_region(fixtures.DEMO_REGION, code="34.72")
        self.assertEqual(fixtures.target_region(), demo)


class DashboardComparisonTests(TestCase):
    """On a generated region (programmes, milestones, reports, periods and their summaries)."""

    @classmethod
    def setUpTestData(cls) -> None:
        generate(size=0.001, seed=1, progress=False)

    def test_both_ways_give_the_same_numbers(self) -> None:
        region = fixtures.target_region()
        summary, raw = dashboard.from_summaries(region), dashboard.from_raw_rows(region)
        self.assertEqual(summary, raw)
        self.assertGreater(sum(d.total for d in raw.dimensions.values()), 0)
        self.assertGreater(sum(d.progress_sum for d in raw.dimensions.values()), 0)
        self.assertGreater(sum(a[1] + a[2] for a in raw.agencies.values()), 0)  # overdue milestones, unreported periods

    def test_it_times_both_ways(self) -> None:
        comparison = dashboard.compare(fixtures.target_region(), budget_s=0.01)
        self.assertTrue(comparison.same_numbers)
        self.assertGreater(comparison.summary_ms, 0)
        self.assertGreater(comparison.raw_ms, comparison.summary_ms)
