"""The coordinator's screens: citizens' data requests, the citizen record with the audited NIK reveal, and the
catalogue's extra questions and routing rules."""

from __future__ import annotations

import re

from django.utils.translation import gettext

from kotacerdas.accounts.models import User
from kotacerdas.audit.actions import AuditAction
from kotacerdas.audit.models import AuditEntry
from kotacerdas.regions import services as regions
from kotacerdas.servicerequests import services
from kotacerdas.servicerequests.models import CitizenProfile, DataRequest, RoutingRule, ServiceAttribute
from kotacerdas.servicerequests.services import (
    CHOICES_REQUIRED,
    NOTHING_CORRECTED,
    QUESTION_CODE_TAKEN,
)
from kotacerdas.servicerequests.tests.factories import NIK, NIK_WOMAN
from kotacerdas.servicerequests.tests.test_views import ViewTestCase, every_log_record, record_text

REASON = "Cocokkan identitas untuk permohonan koreksi."


def prefixed(prefix: str, data: dict[str, object]) -> dict[str, object]:
    """A form's fields as its page posts them (forms that share a page carry a prefix)."""
    return {f"{prefix}-{name}": value for name, value in data.items()}


class CoordinatorViewTestCase(ViewTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.siti = self.register(phone="081234567890")
        self.siti.refresh_from_db()

    def ask(self, kind: str, message: str = "Nama saya salah ketik.") -> DataRequest:
        return services.citizen_data_request(user=self.siti, region=self.region, kind=kind, message=message)

    def assertRefusedToAllButTheCoordinator(self, method: str, url: str, data: dict[str, str] | None = None) -> None:
        for user, status in ((self.operator, 403), (self.planner, 403), (self.siti, 403), (self.outsider, 404)):
            with self.subTest(user=user.username):
                self.client.force_login(user)
                self.assertEqual(getattr(self.client, method)(url, data or {}).status_code, status)
        self.client.logout()
        self.assertEqual(getattr(self.client, method)(url, data or {}).status_code, 302)


class DataRequestListViewTests(CoordinatorViewTestCase):
    def test_it_lists_the_waiting_and_the_answered_requests_with_the_nik_masked(self) -> None:
        waiting = self.ask("correction")
        answered = self.ask("erasure")
        services.data_request_refuse(data_request=answered, response="Masih ada pengaduan.", actor=self.officer)
        self.client.force_login(self.officer)
        response = self.client.get(self.url("data_requests"))
        self.assertEqual((response.context["waiting"], response.context["answered"]), ([waiting], [answered]))
        self.assertContains(response, "************0001")
        self.assertNotContains(response, NIK)
        self.assertContains(response, self.url("data_request", data_request_pk=waiting.pk))

    def test_it_is_linked_from_the_coordinators_inbox_with_the_count_waiting(self) -> None:
        self.ask("correction")
        self.client.force_login(self.officer)
        response = self.client.get(self.url("inbox"))
        self.assertEqual(response.context["data_requests_waiting"], 1)
        self.assertContains(response, self.url("data_requests"))

    def test_it_reads_the_list_in_a_fixed_number_of_queries(self) -> None:
        self.client.force_login(self.officer)
        # Session+user+memberships, region, the waiting and the answered requests (with user, profile, handler).
        for n in (1, 4):
            for _ in range(n):
                services.data_request_refuse(data_request=self.ask("erasure"), response="Tidak.", actor=self.officer)
                self.ask("correction")
            with self.subTest(n=n), self.assertNumQueries(4):
                self.client.get(self.url("data_requests"))

    def test_it_refuses_everyone_but_the_coordinator(self) -> None:
        self.assertRefusedToAllButTheCoordinator("get", self.url("data_requests"))


class DataRequestDetailViewTests(CoordinatorViewTestCase):
    def test_it_offers_the_correction_form_filled_with_todays_details(self) -> None:
        item = self.ask("correction")
        self.client.force_login(self.officer)
        response = self.client.get(self.url("data_request", data_request_pk=item.pk))
        self.assertEqual(response.context["correction_form"].initial["full_name"], "Siti Rahayu")
        self.assertContains(response, self.url("data_request_correct", data_request_pk=item.pk))
        self.assertNotContains(response, self.url("data_request_erase", data_request_pk=item.pk))
        self.assertContains(response, "Nama saya salah ketik.")
        self.assertNotContains(response, NIK)

    def test_it_offers_the_deletion_for_a_deletion_request_and_no_form_once_answered(self) -> None:
        item = self.ask("erasure")
        self.client.force_login(self.officer)
        response = self.client.get(self.url("data_request", data_request_pk=item.pk))
        self.assertContains(response, self.url("data_request_erase", data_request_pk=item.pk))
        services.data_request_refuse(data_request=item, response="Tidak.", actor=self.officer)
        response = self.client.get(self.url("data_request", data_request_pk=item.pk))
        self.assertNotContains(response, self.url("data_request_erase", data_request_pk=item.pk))
        self.assertContains(response, 'id="outcome"')

    def test_it_is_404_through_another_region_and_refuses_all_but_the_coordinator(self) -> None:
        item = self.ask("correction")
        self.client.force_login(self.officer)
        self.assertEqual(
            self.client.get(self.url("data_request", region=self.other_region, data_request_pk=item.pk)).status_code,
            404,
        )
        self.assertRefusedToAllButTheCoordinator("get", self.url("data_request", data_request_pk=item.pk))


class DataRequestCorrectViewTests(CoordinatorViewTestCase):
    def post(self, item: DataRequest, **fields: str) -> object:
        data = {"full_name": "Siti Rahayu Lestari", "email": "siti@example.id", "phone": "081234567890"}
        data.update(fields)
        return self.client.post(self.url("data_request_correct", data_request_pk=item.pk), data)

    def test_it_corrects_the_data_and_returns_to_the_list(self) -> None:
        item = self.ask("correction")
        self.client.force_login(self.officer)
        response = self.post(item, nik=NIK_WOMAN, response="Sudah kami betulkan.")
        self.assertRedirects(response, self.url("data_requests"))  # type: ignore[arg-type]
        self.siti.refresh_from_db()
        self.assertEqual(self.siti.full_name, "Siti Rahayu Lestari")
        self.assertEqual(CitizenProfile.objects.get(user=self.siti).nik_last4, "0002")
        item.refresh_from_db()
        self.assertEqual((item.outcome, item.response), ("corrected", "Sudah kami betulkan."))

    def test_it_shows_bad_input_on_the_form_and_changes_nothing(self) -> None:
        item = self.ask("correction")
        self.client.force_login(self.officer)
        cases = {
            "no name": ({"full_name": ""}, "full_name", None),
            "bad e-mail": ({"email": "siti@"}, "email", None),
            "short nik": ({"nik": "123"}, "nik", None),
            "impossible nik": ({"nik": "3471013203900001"}, "nik", "This is not a valid NIK."),
            "nothing changed": ({"full_name": "Siti Rahayu"}, None, NOTHING_CORRECTED),
        }
        for label, (fields, field, message) in cases.items():
            with self.subTest(label):
                response = self.post(item, **fields)
                self.assertEqual(response.status_code, 200)  # type: ignore[attr-defined]
                errors = response.context["correction_form"].errors  # type: ignore[attr-defined]
                self.assertIn(field or "__all__", errors)
                if message is not None:
                    self.assertIn(gettext(message), errors[field or "__all__"])
        self.siti.refresh_from_db()
        self.assertEqual(self.siti.full_name, "Siti Rahayu")
        item.refresh_from_db()
        self.assertTrue(item.is_open)

    def test_it_keeps_the_new_nik_out_of_the_logs(self) -> None:
        item = self.ask("correction")
        self.client.force_login(self.officer)
        with every_log_record() as records:
            response = self.post(item, nik=NIK_WOMAN)
        self.assertEqual(set(response.wsgi_request.sensitive_post_parameters), {"nik"})  # type: ignore[attr-defined]
        for record in records:
            self.assertNotIn(NIK_WOMAN, record_text(record))

    def test_it_refuses_everyone_but_the_coordinator(self) -> None:
        item = self.ask("correction")
        url = self.url("data_request_correct", data_request_pk=item.pk)
        self.assertRefusedToAllButTheCoordinator("post", url, {"full_name": "Orang Lain", "email": "x@example.id"})
        self.siti.refresh_from_db()
        self.assertEqual(self.siti.full_name, "Siti Rahayu")


class DataRequestEraseViewTests(CoordinatorViewTestCase):
    def test_it_erases_the_citizen_once_confirmed(self) -> None:
        item = self.ask("erasure")
        self.client.force_login(self.officer)
        url = self.url("data_request_erase", data_request_pk=item.pk)
        response = self.client.post(url, {"response": "Data dihapus."})
        self.assertEqual(response.status_code, 200)
        self.assertIn("confirm", response.context["erase_form"].errors)
        self.siti.refresh_from_db()
        self.assertTrue(self.siti.is_active)
        response = self.client.post(url, {"confirm": "on", "response": "Data dihapus."})
        self.assertRedirects(response, self.url("data_requests"))
        self.siti.refresh_from_db()
        self.assertFalse(self.siti.is_active)
        self.assertEqual(DataRequest.objects.get(pk=item.pk).outcome, "erased")

    def test_it_refuses_everyone_but_the_coordinator(self) -> None:
        item = self.ask("erasure")
        url = self.url("data_request_erase", data_request_pk=item.pk)
        self.assertRefusedToAllButTheCoordinator("post", url, {"confirm": "on"})
        self.siti.refresh_from_db()
        self.assertTrue(self.siti.is_active)


class DataRequestRefuseViewTests(CoordinatorViewTestCase):
    def test_it_refuses_with_a_reason_the_citizen_then_reads(self) -> None:
        item = self.ask("correction")
        self.client.force_login(self.officer)
        url = self.url("data_request_refuse", data_request_pk=item.pk)
        empty = self.client.post(url, {"refuse-response": ""})
        self.assertIn("response", empty.context["refuse_form"].errors)
        self.assertRedirects(
            self.client.post(url, {"refuse-response": "Nama sudah sesuai KTP."}), self.url("data_requests")
        )
        again = self.client.post(url, {"refuse-response": "Lagi."})
        self.assertEqual(again.status_code, 200)
        self.client.force_login(self.siti)
        self.assertContains(self.client.get(self.url("mine")), "Nama sudah sesuai KTP.")

    def test_it_refuses_a_blank_reason(self) -> None:
        item = self.ask("erasure")
        self.client.force_login(self.officer)
        response = self.client.post(
            self.url("data_request_refuse", data_request_pk=item.pk), {"refuse-response": "   "}
        )
        self.assertEqual(response.status_code, 200)
        self.assertTrue(response.context["refuse_form"].errors)
        self.assertTrue(DataRequest.objects.get(pk=item.pk).is_open)

    def test_it_refuses_everyone_but_the_coordinator(self) -> None:
        item = self.ask("correction")
        url = self.url("data_request_refuse", data_request_pk=item.pk)
        self.assertRefusedToAllButTheCoordinator("post", url, {"refuse-response": "Tidak."})
        self.assertTrue(DataRequest.objects.get(pk=item.pk).is_open)


class CitizenRecordViewTests(CoordinatorViewTestCase):
    def reveal(self, reason: str = REASON, user: User | None = None) -> object:
        return self.client.post(self.url("citizen_nik", citizen_pk=(user or self.siti).pk), {"reason": reason})

    def test_it_shows_the_record_with_the_nik_masked(self) -> None:
        request = self.submit(citizen=self.siti)
        self.client.force_login(self.officer)
        response = self.client.get(self.url("citizen", citizen_pk=self.siti.pk))
        self.assertContains(response, "************0001")
        self.assertNotContains(response, NIK)
        self.assertContains(response, "081234567890")
        self.assertContains(response, self.url("request", service_request_pk=request.pk))
        self.assertFalse(AuditEntry.objects.filter(action=AuditAction.CITIZEN_RECORD_VIEWED).exists())

    def test_it_reveals_the_full_nik_for_a_reason_uncached_and_audited(self) -> None:
        self.client.force_login(self.officer)
        response = self.reveal()
        self.assertContains(response, f'<code class="nik-revealed" id="nik-revealed">{NIK}</code>', html=True)
        self.assertIn("no-store", response["Cache-Control"])  # type: ignore[index]
        entry = AuditEntry.objects.get(action=AuditAction.CITIZEN_RECORD_VIEWED)
        self.assertEqual((entry.actor, entry.after), (self.officer, {"reason": REASON}))

    def test_it_refuses_without_a_reason(self) -> None:
        self.client.force_login(self.officer)
        for reason in ("", "   "):
            with self.subTest(reason=reason):
                response = self.reveal(reason)
                self.assertEqual(response.status_code, 200)  # type: ignore[attr-defined]
                self.assertIn("reason", response.context["reveal_form"].errors)  # type: ignore[attr-defined]
                self.assertNotContains(response, NIK)  # type: ignore[arg-type]
        self.assertFalse(AuditEntry.objects.filter(action=AuditAction.CITIZEN_RECORD_VIEWED).exists())

    def test_it_finds_no_staff_account_and_no_one_of_another_region(self) -> None:
        self.client.force_login(self.officer)
        for user in (self.operator, self.officer, self.outsider):
            with self.subTest(user=user.username):
                self.assertEqual(self.client.get(self.url("citizen", citizen_pk=user.pk)).status_code, 404)
                self.assertEqual(self.reveal(user=user).status_code, 404)  # type: ignore[attr-defined]

    def test_it_reveals_only_through_a_post(self) -> None:
        self.client.force_login(self.officer)
        self.assertEqual(self.client.get(self.url("citizen_nik", citizen_pk=self.siti.pk)).status_code, 405)

    def test_it_refuses_everyone_but_the_coordinator(self) -> None:
        self.assertRefusedToAllButTheCoordinator("get", self.url("citizen", citizen_pk=self.siti.pk))
        self.assertRefusedToAllButTheCoordinator(
            "post", self.url("citizen_nik", citizen_pk=self.siti.pk), {"reason": REASON}
        )
        self.assertFalse(AuditEntry.objects.filter(action=AuditAction.CITIZEN_RECORD_VIEWED).exists())

    def test_it_is_linked_from_the_request_page_for_the_coordinator_only(self) -> None:
        request = self.submit(citizen=self.siti)
        link = self.url("citizen", citizen_pk=self.siti.pk)
        self.client.force_login(self.officer)
        self.assertContains(self.client.get(self.url("request", service_request_pk=request.pk)), link)
        self.advance(request, "verify")
        self.client.force_login(self.operator)
        self.assertNotContains(self.client.get(self.url("request", service_request_pk=request.pk)), link)


class QuestionViewTests(ViewTestCase):
    def add(self, **fields: str) -> object:
        data = {
            "description": "Warna tiang?",
            "code": "warna",
            "datatype": "singlevaluelist",
            "values": "hijau = Hijau\nAbu-abu tua\n\n",
            "required": "on",
        }
        data.update(fields)
        return self.client.post(self.url("question_add", service_code="PJU-01"), prefixed("question", data))

    def test_it_adds_a_choice_question(self) -> None:
        self.client.force_login(self.officer)
        response = self.add()
        self.assertRedirects(response, self.url("catalogue_edit", service_code="PJU-01"))  # type: ignore[arg-type]
        question = ServiceAttribute.objects.get(service=self.lamp)
        self.assertEqual((question.code, question.datatype, question.required), ("warna", "singlevaluelist", True))
        self.assertEqual(
            question.values, [{"key": "hijau", "name": "Hijau"}, {"key": "abu-abu-tua", "name": "Abu-abu tua"}]
        )
        page = self.client.get(self.url("catalogue_edit", service_code="PJU-01"))
        self.assertContains(page, self.url("question_edit", service_code="PJU-01", attribute_pk=question.pk))

    def test_it_adds_each_kind_of_question(self) -> None:
        self.client.force_login(self.officer)
        for datatype in ("string", "text", "number", "datetime"):
            with self.subTest(datatype=datatype):
                self.add(code=f"q-{datatype}", datatype=datatype, values="")
        self.assertEqual(self.lamp.attributes.count(), 4)
        self.client.force_login(self.register())
        self.assertContains(self.client.get(self.url("service", service_code="PJU-01")), 'name="attr_q-number"')

    def test_it_shows_bad_input_on_the_page_and_stores_nothing(self) -> None:
        self.client.force_login(self.officer)
        cases = {
            "no question": ({"description": ""}, "description", None),
            "choices missing": ({"values": ""}, "values", CHOICES_REQUIRED),
            "unknown type": ({"datatype": "boolean"}, "datatype", None),
            "code with a space": ({"code": "dua kata"}, None, None),
            "key of symbols": ({"values": "!!!"}, "values", None),
        }
        for label, (fields, field, message) in cases.items():
            with self.subTest(label):
                response = self.add(**fields)
                self.assertEqual(response.status_code, 200)  # type: ignore[attr-defined]
                errors = response.context["question_form"].errors  # type: ignore[attr-defined]
                self.assertIn(field or "__all__", errors)
                if message is not None:
                    self.assertIn(gettext(message), errors[field])
        self.assertFalse(self.lamp.attributes.exists())

    def test_it_changes_a_question(self) -> None:
        question = self.road.attributes.get(code="jenis")
        url = self.url("question_edit", service_code="JALAN-01", attribute_pk=question.pk)
        self.client.force_login(self.officer)
        form = self.client.get(url).context["form"]
        self.assertEqual(form.initial["values"], "kampung = Jalan kampung\nkota = Jalan kota")
        data = {
            "description": "Jalan milik siapa?",
            "code": "jenis",
            "datatype": "multivaluelist",
            "values": "kampung = Jalan kampung\nprovinsi = Jalan provinsi",
            "order": "0",
        }
        self.assertRedirects(
            self.client.post(url, prefixed("question", data)), self.url("catalogue_edit", service_code="JALAN-01")
        )
        question.refresh_from_db()
        self.assertEqual(
            (question.description, question.datatype, question.order), ("Jalan milik siapa?", "multivaluelist", 0)
        )
        taken = self.client.post(url, prefixed("question", {**data, "code": "lubang"}))
        self.assertIn(gettext(QUESTION_CODE_TAKEN), taken.context["form"].errors["code"])

    def test_it_removes_a_question(self) -> None:
        question = self.road.attributes.get(code="catatan")
        self.client.force_login(self.officer)
        url = self.url("question_delete", service_code="JALAN-01", attribute_pk=question.pk)
        self.assertRedirects(self.client.post(url), self.url("catalogue_edit", service_code="JALAN-01"))
        self.assertFalse(ServiceAttribute.objects.filter(pk=question.pk).exists())
        self.assertEqual(self.client.get(url).status_code, 405)

    def test_it_is_404_for_a_question_of_another_service(self) -> None:
        question = self.road.attributes.get(code="lubang")
        self.client.force_login(self.officer)
        for name in ("question_edit", "question_delete"):
            with self.subTest(name=name):
                url = self.url(name, service_code="PJU-01", attribute_pk=question.pk)
                self.assertEqual(self.client.post(url, {"question-description": "x"}).status_code, 404)
        self.assertTrue(ServiceAttribute.objects.filter(pk=question.pk).exists())

    def test_it_refuses_everyone_but_the_catalogue_manager(self) -> None:
        question = self.road.attributes.get(code="lubang")
        for user, status in ((self.operator, 403), (self.planner, 403), (self.citizen, 403), (self.outsider, 404)):
            with self.subTest(user=user.username):
                self.client.force_login(user)
                self.assertEqual(self.add().status_code, status)  # type: ignore[attr-defined]
                url = self.url("question_delete", service_code="JALAN-01", attribute_pk=question.pk)
                self.assertEqual(self.client.post(url).status_code, status)
        self.assertEqual(self.road.attributes.count(), 6)


class RouteViewTests(ViewTestCase):
    def test_it_sets_and_removes_a_routing_rule(self) -> None:
        self.client.force_login(self.officer)
        url = self.url("route_add", service_code="PJU-01")
        response = self.client.post(url, {"route-area": self.kelurahan.pk, "route-agency": self.bappeda.pk})
        self.assertRedirects(response, self.url("catalogue_edit", service_code="PJU-01"))
        rule = RoutingRule.objects.get()
        self.assertEqual((rule.service, rule.area, rule.agency), (self.lamp, self.kelurahan, self.bappeda))
        page = self.client.get(self.url("catalogue_edit", service_code="PJU-01"))
        self.assertContains(page, self.url("route_delete", service_code="PJU-01", route_pk=rule.pk))
        delete = self.client.post(self.url("route_delete", service_code="PJU-01", route_pk=rule.pk))
        self.assertRedirects(delete, self.url("catalogue_edit", service_code="PJU-01"))
        self.assertFalse(RoutingRule.objects.exists())

    def test_it_shows_bad_input_on_the_page_and_stores_nothing(self) -> None:
        other_area = regions.area_create(
            region=self.other_region, parent=None, kind="kecamatan", name="Kayuagung", actor=None
        )
        self.client.force_login(self.officer)
        url = self.url("route_add", service_code="PJU-01")
        for data in (
            {"area": other_area.pk, "agency": self.bappeda.pk},
            {"area": self.kelurahan.pk, "agency": self.other_agency.pk},
            {"area": self.rt.pk, "agency": self.bappeda.pk},  # routing is per kemantren or kelurahan
            {"area": "", "agency": ""},
        ):
            with self.subTest(data=data):
                response = self.client.post(url, prefixed("route", data))
                self.assertEqual(response.status_code, 200)
                self.assertTrue(response.context["route_form"].errors)
        self.assertFalse(RoutingRule.objects.exists())

    def test_it_is_404_for_a_rule_of_another_service(self) -> None:
        rule = services.route_set(service=self.road, area=self.kelurahan, agency=self.bappeda, actor=self.officer)
        self.client.force_login(self.officer)
        response = self.client.post(self.url("route_delete", service_code="PJU-01", route_pk=rule.pk))
        self.assertEqual(response.status_code, 404)
        self.assertTrue(RoutingRule.objects.filter(pk=rule.pk).exists())

    def test_it_refuses_everyone_but_the_catalogue_manager(self) -> None:
        for user, status in ((self.operator, 403), (self.citizen, 403), (self.outsider, 404)):
            with self.subTest(user=user.username):
                self.client.force_login(user)
                url = self.url("route_add", service_code="PJU-01")
                data = {"route-area": self.kelurahan.pk, "route-agency": self.bappeda.pk}
                self.assertEqual(self.client.post(url, data).status_code, status)
        self.assertFalse(RoutingRule.objects.exists())

    def test_it_reads_the_service_page_in_a_fixed_number_of_queries(self) -> None:
        self.client.force_login(self.officer)
        url = self.url("catalogue_edit", service_code="JALAN-01")
        self.client.get(url)
        # Session+user+memberships, region, the service, the agencies (twice: service and rule forms), its
        # questions, its rules, the areas of the rule form, the catalogue.
        for area in (self.kemantren, self.kelurahan):
            services.route_set(service=self.road, area=area, agency=self.bappeda, actor=self.officer)
            with self.subTest(area=area.name), self.assertNumQueries(9):
                self.client.get(url)


class UniqueIdsTests(CoordinatorViewTestCase):
    """Pages with several forms give every field its own id, so that each label names its own field."""

    def assertUniqueIds(self, url: str) -> None:
        ids = re.findall(r'\bid="([^"]+)"', self.client.get(url).content.decode())
        self.assertTrue(ids)
        self.assertEqual(sorted(i for i in set(ids) if ids.count(i) > 1), [], url)

    def test_it_gives_each_field_of_each_page_its_own_id(self) -> None:
        self.client.force_login(self.officer)
        for kind in ("correction", "erasure"):
            with self.subTest(kind=kind):
                self.assertUniqueIds(self.url("data_request", data_request_pk=self.ask(kind).pk))
        self.assertUniqueIds(self.url("catalogue_edit", service_code="JALAN-01"))
        self.assertUniqueIds(self.url("citizen", citizen_pk=self.siti.pk))
        self.assertUniqueIds(self.url("inbox"))
