"""Reads: the catalogue, who may see a request, the work queues and the monthly responsiveness ranking."""

from __future__ import annotations

import datetime as dt
import hashlib
from typing import Any

import time_machine
from django.contrib.auth.models import AnonymousUser
from django.http import Http404

from kotacerdas.regions import services as regions
from kotacerdas.servicerequests import selectors, services
from kotacerdas.servicerequests.models import Service, ServiceRequest
from kotacerdas.servicerequests.selectors import PublicFilter, QueueFilter
from kotacerdas.servicerequests.tests.factories import NIK, NOW, OPEN311_KEY, WIB, ServiceRequestTestCase

NOVEMBER = dt.date(2026, 11, 1)
MONDAY = dt.datetime(2026, 11, 2, 8, 0, tzinfo=WIB)


class CatalogueTests(ServiceRequestTestCase):
    def test_it_lists_the_active_services_of_the_region_by_group_and_name(self) -> None:
        services.service_save(region=self.region, agency=self.diskominfo, actor=self.officer, code="A-1", name="Aduan")
        off = services.service_save(
            region=self.region, agency=self.diskominfo, actor=self.officer, code="B-1", name="B"
        )
        Service.objects.filter(pk=off.pk).update(is_active=False)
        self.assertEqual([s.code for s in selectors.catalogue(region=self.region)], ["A-1", "JALAN-01", "PJU-01"])
        self.assertEqual(list(selectors.catalogue(region=self.other_region)), [])

    def test_it_finds_a_service_by_code_or_404(self) -> None:
        self.assertEqual(selectors.get_service(region=self.region, code="PJU-01"), self.lamp)
        for region, code in ((self.region, "TIDAK-ADA"), (self.other_region, "PJU-01")):
            with self.subTest(region=region.slug, code=code), self.assertRaises(Http404):
                selectors.get_service(region=region, code=code)

    def test_it_finds_an_inactive_service_only_for_management(self) -> None:
        Service.objects.filter(pk=self.lamp.pk).update(is_active=False)
        with self.assertRaises(Http404):
            selectors.get_service(region=self.region, code="PJU-01")
        self.assertEqual(selectors.get_service(region=self.region, code="PJU-01", active_only=False), self.lamp)


class ServiceForClientTests(ServiceRequestTestCase):
    def find(self, code: str = "PJU-01", *, region: Any = None, key: str = OPEN311_KEY) -> Service | None:
        digest = hashlib.sha256(key.encode()).hexdigest()
        return selectors.service_for_client(region=region or self.region, code=code, key_digest=digest)

    def test_it_reads_the_service_with_the_key_checked_in_one_query(self) -> None:
        self.open311_client()
        with self.assertNumQueries(1):
            service = self.find()
            self.assertEqual(service, self.lamp)
            assert service is not None
            self.assertEqual(service.region, self.region)
            self.assertEqual(list(service.attributes.all()), [])  # known to have no questions

    def test_it_leaves_the_questions_of_a_service_that_has_some_to_be_read(self) -> None:
        self.open311_client()
        service = self.find("JALAN-01")
        assert service is not None
        with self.assertNumQueries(1):
            codes = [a.code for a in service.attributes.all()]
        self.assertEqual(codes, [a.code for a in self.road.attributes.order_by("order", "id")])
        self.assertIn("lubang", codes)

    def test_it_finds_nothing_for_a_wrong_key_or_service(self) -> None:
        self.open311_client()
        self.open311_client("kunci-kabupatenlain-01", region=self.other_region)
        self.open311_client("kunci-dicabut-000001", active=False)
        Service.objects.filter(pk=self.road.pk).update(is_active=False)
        lookups = {
            "unknown key": {"key": "salah"},
            "another region's key": {"key": "kunci-kabupatenlain-01"},
            "a revoked key": {"key": "kunci-dicabut-000001"},
            "unknown service": {"code": "TIDAK-ADA"},
            "inactive service": {"code": "JALAN-01"},
            "another region": {"region": self.other_region},
        }
        for label, lookup in lookups.items():
            with self.subTest(case=label):
                self.assertIsNone(self.find(**lookup))


class GetRequestTests(ServiceRequestTestCase):
    def test_it_shows_a_public_request_to_anyone(self) -> None:
        request = self.submit()
        for user in (AnonymousUser(), self.outsider, self.planner, self.citizen):
            with self.subTest(user=str(user)):
                self.assertEqual(selectors.get_request(region=self.region, pk=request.pk, user=user), request)

    def test_it_shows_a_secret_request_to_its_citizen_and_the_staff_handling_it(self) -> None:
        request = self.submit(is_secret=True)
        for user in (self.citizen, self.officer, self.operator, self.head):
            with self.subTest(user=user.username):
                self.assertEqual(selectors.get_request(region=self.region, pk=request.pk, user=user), request)

    def test_it_hides_a_secret_request_from_everyone_else(self) -> None:
        request = self.submit(is_secret=True)
        other_citizen = self.register()
        users = (AnonymousUser(), other_citizen, self.planner, self.leader, self.inspector, self.outsider)
        for user in users:
            with self.subTest(user=str(user)), self.assertRaises(Http404):
                selectors.get_request(region=self.region, pk=request.pk, user=user)

    def test_it_follows_a_secret_request_to_its_new_agency(self) -> None:
        request = self.submit(is_secret=True)
        services.request_reroute(request=request, agency=self.bappeda, reason="Tata ruang.", actor=self.officer)
        self.assertEqual(selectors.get_request(region=self.region, pk=request.pk, user=self.planner), request)
        with self.assertRaises(Http404):
            selectors.get_request(region=self.region, pk=request.pk, user=self.operator)

    def test_it_finds_nothing_through_another_region(self) -> None:
        request = self.submit()
        with self.assertRaises(Http404):
            selectors.get_request(region=self.other_region, pk=request.pk, user=self.officer)

    def test_it_shows_internal_notes_to_staff_only(self) -> None:
        request = self.submit()
        services.request_reroute(request=request, agency=self.bappeda, reason="Catatan dalam.", actor=self.officer)
        self.assertEqual(len(selectors.public_updates(request=request, staff=True)), 2)
        self.assertEqual([u.note for u in selectors.public_updates(request=request, staff=False)], [""])


class WorkQueuesTests(ServiceRequestTestCase):
    def titles(self, user: object) -> list[str]:
        return [q.title for q in selectors.work_queues(region=self.region, user=user)]

    def test_it_gives_the_coordinator_the_requests_to_verify_oldest_first(self) -> None:
        first = self.submit()
        with time_machine.travel(NOW + dt.timedelta(minutes=5), tick=False):
            second = self.advance(self.submit(), "postpone", note="Menunggu.")
            self.advance(self.submit(), "verify")
        queues = selectors.work_queues(region=self.region, user=self.officer)
        self.assertEqual(queues[0].title, "coordinator")
        self.assertEqual(queues[0].requests, [first, second])

    def test_it_gives_each_agency_its_dispatched_open_requests_soonest_due_first(self) -> None:
        lamp = self.advance(self.submit(), "verify")
        road = self.advance(self.submit(service=self.road, attributes={"lubang": "besar"}), "verify", "investigate")
        self.advance(self.submit(), "verify", "fix")
        self.submit()
        queues = selectors.work_queues(region=self.region, user=self.operator)
        self.assertEqual([q.title for q in queues], [str(self.public_works)])
        self.assertEqual(queues[0].requests, [lamp, road])

    def test_it_marks_the_late_ones(self) -> None:
        request = self.advance(self.submit(), "verify")
        with time_machine.travel(NOW + dt.timedelta(hours=3), tick=False):
            [queue] = selectors.work_queues(region=self.region, user=self.operator)
        self.assertEqual([r.is_late for r in queue.requests], [True])  # type: ignore[attr-defined]
        self.assertEqual(request, queue.requests[0])

    def test_it_gives_the_officer_both_queues_and_readers_none(self) -> None:
        self.assertEqual(self.titles(self.officer), ["coordinator", str(self.diskominfo)])
        self.assertEqual(self.titles(self.planner), [str(self.bappeda)])
        for user in (self.leader, self.inspector, self.citizen, self.outsider):
            with self.subTest(user=user.username):
                self.assertEqual(self.titles(user), [])

    def test_it_keeps_postponed_requests_out_of_the_agency_queue(self) -> None:
        self.advance(self.submit(), "postpone", note="Menunggu data.")
        [queue] = selectors.work_queues(region=self.region, user=self.operator)
        self.assertEqual(queue.requests, [])


class RankingTests(ServiceRequestTestCase):
    """A worked example for November 2026 (times in WIB)."""

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.spatial = services.service_save(
            region=cls.region,
            agency=cls.bappeda,
            actor=cls.officer,
            code="TATA-01",
            name="Tata ruang",
            response_minutes=60,
        )
        cls.info = services.service_save(
            region=cls.region, agency=cls.diskominfo, actor=cls.officer, code="INFO-01", name="Informasi"
        )

    def answered(self, service: Service, minutes: int | None, start: dt.datetime = MONDAY) -> ServiceRequest:
        """Sent at `start`, dispatched 5 minutes later, first answered by the agency after `minutes`."""
        with time_machine.travel(start, tick=False):
            request = self.submit(service=service)
        with time_machine.travel(start + dt.timedelta(minutes=5), tick=False):
            self.advance(request, "verify")
        if minutes is not None:
            with time_machine.travel(start + dt.timedelta(minutes=minutes), tick=False):
                self.advance(request, "investigate")
        return request

    def example(self) -> None:
        # Public works, answer due within 120 minutes: 3 of 4 on time, median (60 + 90) / 2. The first was
        # sent at 06:00 WIB on 1 November, still 31 October in UTC.
        self.answered(self.lamp, 30, start=dt.datetime(2026, 11, 1, 6, 0, tzinfo=WIB))
        for minutes in (60, 90, 240):
            self.answered(self.lamp, minutes)
        for minutes in (10, 20):  # Bappeda, due within 60: both on time
            self.answered(self.spatial, minutes)
        self.answered(self.info, None)  # Diskominfo never answered
        # Not counted: late October; 00:00 WIB on 1 December (still November in UTC); unverified; archived.
        self.answered(self.lamp, 500, start=dt.datetime(2026, 10, 31, 23, 30, tzinfo=WIB))
        self.answered(self.lamp, 500, start=dt.datetime(2026, 12, 1, 0, 0, tzinfo=WIB))
        with time_machine.travel(MONDAY, tick=False):
            self.submit()
            self.advance(self.submit(), "archive", note="Ganda.")

    def test_it_scores_each_agency_for_the_month(self) -> None:
        self.example()
        ranking = selectors.ranking(region=self.region, month=NOVEMBER)
        rows = [(s.agency, s.received, s.responded, s.on_time, s.median_minutes) for s in ranking.rows]
        self.assertEqual(
            rows,
            [
                (self.bappeda, 2, 2, 2, 15.0),
                (self.public_works, 4, 4, 3, 75.0),
                (self.diskominfo, 1, 0, 0, None),
            ],
        )
        self.assertEqual([s.on_time_share for s in ranking.rows], [100.0, 75.0, 0.0])
        self.assertEqual([s.agency for s in ranking.most], [self.bappeda, self.public_works, self.diskominfo])
        self.assertEqual([s.agency for s in ranking.least], [self.diskominfo, self.public_works, self.bappeda])

    def test_it_cuts_the_top_and_bottom_lists(self) -> None:
        self.example()
        ranking = selectors.ranking(region=self.region, month=NOVEMBER, size=1)
        self.assertEqual([s.agency for s in ranking.most], [self.bappeda])
        self.assertEqual([s.agency for s in ranking.least], [self.diskominfo])
        self.assertEqual(len(ranking.rows), 3)

    def test_it_counts_the_month_in_the_regions_time_zone(self) -> None:
        self.example()
        october = selectors.ranking(region=self.region, month=dt.date(2026, 10, 1))
        december = selectors.ranking(region=self.region, month=dt.date(2026, 12, 1))
        self.assertEqual([(s.agency, s.received) for s in october.rows], [(self.public_works, 1)])
        self.assertEqual([(s.agency, s.received) for s in december.rows], [(self.public_works, 1)])

    def test_it_is_empty_for_a_quiet_month_or_another_region(self) -> None:
        self.example()
        self.assertEqual(selectors.ranking(region=self.region, month=dt.date(2026, 9, 1)).rows, [])
        self.assertEqual(selectors.ranking(region=self.other_region, month=NOVEMBER).rows, [])

    def test_it_gives_month_bounds_in_local_time_across_the_year_end(self) -> None:
        start, end = selectors.month_bounds(dt.date(2026, 12, 1), "Asia/Jakarta")
        self.assertEqual(
            (start.isoformat(), end.isoformat()), ("2026-12-01T00:00:00+07:00", "2027-01-01T00:00:00+07:00")
        )
        self.assertEqual(start.astimezone(dt.UTC), dt.datetime(2026, 11, 30, 17, 0, tzinfo=dt.UTC))


class PublicRequestsTests(ServiceRequestTestCase):
    def listed(self, **wanted: object) -> list[ServiceRequest]:
        return list(selectors.public_requests(region=self.region, wanted=PublicFilter(**wanted)))  # type: ignore[arg-type]

    def test_it_lists_every_request_but_the_secret_ones_newest_first(self) -> None:
        older = self.submit()
        with time_machine.travel(NOW + dt.timedelta(minutes=1), tick=False):
            anonymous = self.submit(is_anonymous=True)
            self.submit(is_secret=True)
        self.assertEqual(self.listed(), [anonymous, older])

    def test_it_never_reads_the_reporter(self) -> None:
        self.submit(reporter_name="Siti Rahayu")
        [request] = self.listed()
        self.assertLessEqual(
            {"reporter_name", "reporter_email", "reporter_phone", "citizen_id"}, request.get_deferred_fields()
        )

    def test_it_filters_by_state_service_and_kelurahan(self) -> None:
        fixed = self.advance(self.submit(area=self.rt), "verify", "fix")
        road = self.submit(service=self.road, attributes={"lubang": "besar"}, area=self.kelurahan)
        sibling = regions.area_create(
            region=self.region, parent=self.kemantren, kind="kelurahan", name="Pakuncen", actor=None
        )
        elsewhere = self.submit(area=sibling)
        self.assertEqual(set(self.listed(state="open")), {road, elsewhere})
        self.assertEqual(self.listed(state="closed"), [fixed])
        self.assertEqual(self.listed(service=self.road), [road])
        self.assertEqual(set(self.listed(area=self.kelurahan)), {fixed, road})  # its RT included
        self.assertEqual(self.listed(area=sibling), [elsewhere])

    def test_it_lists_nothing_of_another_region(self) -> None:
        self.submit()
        self.assertEqual(list(selectors.public_requests(region=self.other_region, wanted=PublicFilter())), [])


class QueueFilterTests(ServiceRequestTestCase):
    def queue(self, **wanted: object) -> list[ServiceRequest]:
        queues = selectors.work_queues(region=self.region, user=self.operator, wanted=QueueFilter(**wanted))  # type: ignore[arg-type]
        return queues[0].requests

    def test_it_filters_the_agency_queue_by_status_service_kelurahan_and_lateness(self) -> None:
        lamp = self.advance(self.submit(area=self.rt), "verify")
        road = self.advance(self.submit(service=self.road, attributes={"lubang": "besar"}), "verify", "investigate")
        self.assertEqual(self.queue(), [lamp, road])
        self.assertEqual(self.queue(status="investigating"), [road])
        self.assertEqual(self.queue(service=self.lamp), [lamp])
        self.assertEqual(self.queue(area=self.kelurahan), [lamp])
        with time_machine.travel(NOW + dt.timedelta(hours=3), tick=False):
            self.assertEqual(self.queue(overdue=True), [lamp])  # the road answered in time; the lamp never did

    def test_it_filters_the_coordinators_queue_too(self) -> None:
        lamp = self.submit()
        self.submit(service=self.road, attributes={"lubang": "besar"})
        queues = selectors.work_queues(region=self.region, user=self.officer, wanted=QueueFilter(service=self.lamp))
        self.assertEqual(queues[0].requests, [lamp])


class DataRequestSelectorTests(ServiceRequestTestCase):
    def test_it_lists_the_waiting_oldest_first_and_the_answered_latest_first(self) -> None:
        siti = self.register()
        first = services.citizen_data_request(user=siti, region=self.region, kind="correction", message="")
        with time_machine.travel(NOW + dt.timedelta(hours=1), tick=False):
            second = services.citizen_data_request(user=siti, region=self.region, kind="correction", message="")
            answered = services.citizen_data_request(user=siti, region=self.region, kind="erasure", message="")
            services.data_request_refuse(data_request=answered, response="Tidak.", actor=self.officer)
        waiting, done = selectors.data_requests(region=self.region)
        self.assertEqual((waiting, done), ([first, second], [answered]))
        self.assertEqual(selectors.data_requests(region=self.other_region), ([], []))

    def test_it_finds_a_data_request_only_through_its_region(self) -> None:
        item = services.citizen_data_request(user=self.register(), region=self.region, kind="erasure", message="")
        self.assertEqual(selectors.get_data_request(region=self.region, pk=item.pk), item)
        with self.assertRaises(Http404):
            selectors.get_data_request(region=self.other_region, pk=item.pk)


class GetCitizenTests(ServiceRequestTestCase):
    def test_it_finds_a_citizen_of_the_region_with_their_record(self) -> None:
        siti = self.register()
        mine = self.submit(citizen=siti)
        self.submit()
        found = selectors.get_citizen(region=self.region, pk=siti.pk)
        record = selectors.citizen_record(region=self.region, citizen=found)
        self.assertEqual((record.user, record.requests), (siti, [mine]))
        assert record.profile is not None
        self.assertEqual(record.profile.masked_nik, "************0001")

    def test_it_finds_no_staff_account_and_no_one_of_another_region(self) -> None:
        for user in (self.officer, self.operator, self.outsider):
            with self.subTest(user=user.username), self.assertRaises(Http404):
                selectors.get_citizen(region=self.region, pk=user.pk)
        with self.assertRaises(Http404):
            selectors.get_citizen(region=self.other_region, pk=self.citizen.pk)


class CitizenHasNikTests(ServiceRequestTestCase):
    def test_it_tells_whether_the_nik_is_on_file(self) -> None:
        self.assertFalse(selectors.citizen_has_nik(self.citizen))
        services.citizen_nik_add(user=self.citizen, region=self.region, nik=NIK, consent=True)
        self.assertTrue(selectors.citizen_has_nik(self.citizen))

    def test_it_is_false_after_erasure(self) -> None:
        siti = self.register()
        services.citizen_erase(user=siti, region=self.region, actor=self.officer)
        self.assertFalse(selectors.citizen_has_nik(siti))
