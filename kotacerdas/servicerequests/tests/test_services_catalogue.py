"""The region's service catalogue: services, their extra questions, and routing rules up the area tree."""

from __future__ import annotations

from kotacerdas.audit.actions import AuditAction
from kotacerdas.audit.models import AuditEntry
from kotacerdas.core.errors import NotAllowed
from kotacerdas.core.testing import make_agency, make_user
from kotacerdas.regions import services as regions
from kotacerdas.regions.models import Area
from kotacerdas.servicerequests import services
from kotacerdas.servicerequests.models import AttributeType, RoutingRule, Service, ServiceAttribute
from kotacerdas.servicerequests.services import (
    AGENCY_OUTSIDE_REGION,
    AREA_OUTSIDE_REGION,
    CHOICES_NOT_UNIQUE,
    CHOICES_ONLY_FOR_LISTS,
    CHOICES_REQUIRED,
    CODE_TAKEN,
    NOT_PERMITTED,
    QUESTION_CODE_TAKEN,
    RequestError,
)
from kotacerdas.servicerequests.tests.factories import ServiceRequestTestCase, audit_actions

NOT_STAFF = ("operator", "head", "planner", "leader", "inspector", "citizen", "treasurer", "outsider")


def last_change(service: Service) -> AuditEntry:
    entries = AuditEntry.objects.filter(action=AuditAction.SERVICE_UPDATED, target_id=str(service.pk))
    entry = entries.order_by("id").last()
    assert entry is not None
    return entry


class ServiceSaveTests(ServiceRequestTestCase):
    def save(self, **fields: object) -> Service:
        values: dict[str, object] = {"code": "SAMPAH-01", "name": "Sampah menumpuk", "response_minutes": 60}
        values.update(fields)
        agency = values.pop("agency", self.public_works)
        actor = values.pop("actor", self.officer)
        return services.service_save(region=self.region, agency=agency, actor=actor, **values)  # type: ignore[arg-type]

    def test_it_adds_a_service_with_its_deadlines(self) -> None:
        service = self.save(group="Lingkungan", description="Tumpukan sampah.", resolution_minutes=2 * 24 * 60)
        service.refresh_from_db()
        self.assertEqual((service.region, service.agency, service.code), (self.region, self.public_works, "SAMPAH-01"))
        self.assertEqual((service.response_minutes, service.resolution_minutes), (60, 2880))
        self.assertEqual((service.group, service.type, service.is_active), ("Lingkungan", "realtime", True))
        self.assertEqual(audit_actions(service), [AuditAction.SERVICE_CREATED])

    def test_it_defaults_to_a_two_hour_answer_and_a_day_to_resolve(self) -> None:
        service = services.service_save(
            region=self.region, agency=self.diskominfo, actor=self.officer, code="X-1", name="Informasi"
        )
        self.assertEqual((service.response_minutes, service.resolution_minutes), (120, 24 * 60))

    def test_it_changes_a_service_and_audits_before_and_after(self) -> None:
        service = self.save()
        self.save(service=service, agency=self.diskominfo, name="Sampah liar", response_minutes=30)
        service.refresh_from_db()
        self.assertEqual((service.name, service.agency, service.response_minutes), ("Sampah liar", self.diskominfo, 30))
        entry = AuditEntry.objects.get(action=AuditAction.SERVICE_UPDATED, target_id=str(service.pk))
        self.assertEqual(entry.before, {"code": "SAMPAH-01", "name": "Sampah menumpuk", "response_minutes": 60})
        self.assertEqual(entry.after["agency"], "diskominfo")

    def test_it_refuses_anyone_but_the_catalogue_manager(self) -> None:
        for name in NOT_STAFF:
            with self.subTest(actor=name):
                self.assertRefused(NotAllowed, NOT_PERMITTED, lambda n=name: self.save(actor=getattr(self, n)))
        self.assertFalse(Service.objects.filter(code="SAMPAH-01").exists())

    def test_it_refuses_an_agency_of_another_region(self) -> None:
        error = self.assertRefused(RequestError, AGENCY_OUTSIDE_REGION, lambda: self.save(agency=self.other_agency))
        self.assertEqual(error.field, "agency")

    def test_it_refuses_a_bad_code_or_deadline(self) -> None:
        for fields in ({"code": "-x"}, {"code": "kode dengan spasi"}, {"response_minutes": 0}, {"name": ""}):
            with self.subTest(fields=fields):
                self.assertRefused(RequestError, None, lambda f=fields: self.save(**f))
        self.assertFalse(Service.objects.filter(name="Sampah menumpuk").exists())

    def test_it_refuses_an_unknown_field(self) -> None:
        with self.assertRaises(ValueError):
            self.save(agency_id=1)

    def test_it_lets_another_region_use_the_same_code(self) -> None:
        kominfo = make_agency(self.other_region, "diskominfo", special_role="ict")
        officer = make_user("officer2", "diskominfo_officer", self.other_region, agency=kominfo)
        service = services.service_save(
            region=self.other_region, agency=kominfo, actor=officer, code="PJU-01", name="Lampu"
        )
        self.assertEqual(service.region, self.other_region)

    def test_it_refuses_a_code_already_in_the_catalogue(self) -> None:
        error = self.assertRefused(RequestError, CODE_TAKEN, lambda: self.save(code="PJU-01"))
        self.assertEqual(error.field, "code")

    def test_it_refuses_a_code_already_in_the_catalogue_with_some_error(self) -> None:
        self.assertRefused(RequestError, None, lambda: self.save(code="PJU-01"))
        self.assertEqual(Service.objects.filter(code="PJU-01").count(), 1)


class AttributeAddTests(ServiceRequestTestCase):
    def test_it_adds_questions_in_order(self) -> None:
        questions = list(ServiceAttribute.objects.filter(service=self.road))
        self.assertEqual(
            [(q.code, q.datatype, q.required, q.order) for q in questions],
            [
                ("lubang", AttributeType.STRING, True, 0),
                ("jumlah", AttributeType.NUMBER, False, 1),
                ("sejak", AttributeType.DATETIME, False, 2),
                ("catatan", AttributeType.TEXT, False, 3),
                ("jenis", AttributeType.SINGLE, False, 4),
                ("bahaya", AttributeType.MULTI, False, 5),
            ],
        )
        self.assertEqual(questions[4].values[1], {"key": "kota", "name": "Jalan kota"})
        self.assertIn(AuditAction.SERVICE_UPDATED, audit_actions(self.road))

    def test_it_refuses_anyone_but_the_catalogue_manager(self) -> None:
        for name in NOT_STAFF:
            with self.subTest(actor=name):
                self.assertRefused(
                    NotAllowed,
                    NOT_PERMITTED,
                    lambda n=name: services.attribute_add(
                        service=self.lamp,
                        code="tiang",
                        datatype="string",
                        description="Nomor tiang",
                        actor=getattr(self, n),
                    ),
                )
        self.assertFalse(self.lamp.attributes.exists())

    def test_it_refuses_a_duplicate_code_an_unknown_type_or_a_bad_code(self) -> None:
        for code, datatype in (("lubang", "string"), ("baru", "boolean"), ("kode spasi", "string")):
            with self.subTest(code=code, datatype=datatype):
                self.assertRefused(
                    RequestError,
                    None,
                    lambda c=code, d=datatype: services.attribute_add(
                        service=self.road, code=c, datatype=d, description="?", actor=self.officer
                    ),
                )
        self.assertEqual(self.road.attributes.count(), 6)

    def test_it_refuses_a_choice_question_without_choices_or_with_clashing_keys(self) -> None:
        cases = {
            "no choices": ("singlevaluelist", [], CHOICES_REQUIRED),
            "same key twice": (
                "multivaluelist",
                [{"key": "a", "name": "A"}, {"key": "a", "name": "B"}],
                CHOICES_NOT_UNIQUE,
            ),
            "empty key": ("singlevaluelist", [{"key": " ", "name": "A"}], CHOICES_NOT_UNIQUE),
            "choices on a number": ("number", [{"key": "a", "name": "A"}], CHOICES_ONLY_FOR_LISTS),
        }
        for label, (datatype, values, message) in cases.items():
            with self.subTest(label):
                error = self.assertRefused(
                    RequestError,
                    message,
                    lambda d=datatype, v=values: services.attribute_add(
                        service=self.lamp, code="q", datatype=d, description="?", values=v, actor=self.officer
                    ),
                )
                self.assertEqual(error.field, "values")
        self.assertFalse(self.lamp.attributes.exists())


class AttributeUpdateTests(ServiceRequestTestCase):
    def test_it_changes_a_question_and_audits_before_and_after(self) -> None:
        question = self.road.attributes.get(code="jenis")
        values = [{"key": "kampung", "name": "Jalan kampung"}, {"key": "provinsi", "name": "Jalan provinsi"}]
        services.attribute_update(
            attribute=question, actor=self.officer, description="Jalan milik siapa?", required=True, values=values
        )
        question.refresh_from_db()
        self.assertEqual(
            (question.description, question.required, question.values), ("Jalan milik siapa?", True, values)
        )
        entry = (
            AuditEntry.objects.filter(action=AuditAction.SERVICE_UPDATED, target_id=str(self.road.pk))
            .order_by("id")
            .last()
        )
        assert entry is not None
        self.assertEqual(entry.actor, self.officer)
        self.assertEqual(entry.before["attribute"]["description"], "Jenis jalan")  # type: ignore[index]
        self.assertEqual(entry.after["attribute"]["required"], True)  # type: ignore[index]

    def test_it_turns_a_text_question_into_a_choice_and_back(self) -> None:
        question = self.road.attributes.get(code="lubang")
        choices = [{"key": "kecil", "name": "Kecil"}, {"key": "besar", "name": "Besar"}]
        services.attribute_update(attribute=question, actor=self.officer, datatype="singlevaluelist", values=choices)
        services.attribute_update(attribute=question, actor=self.officer, datatype="string", values=[])
        question.refresh_from_db()
        self.assertEqual((question.datatype, question.values), ("string", []))

    def test_it_keeps_the_answers_given_earlier(self) -> None:
        request = self.submit(service=self.road, attributes={"lubang": "Selebar ban"})
        services.attribute_update(attribute=self.road.attributes.get(code="lubang"), actor=self.officer, code="ukuran")
        request.refresh_from_db()
        self.assertEqual(request.attributes, {"lubang": "Selebar ban"})

    def test_it_refuses_anyone_but_the_catalogue_manager(self) -> None:
        question = self.road.attributes.get(code="lubang")
        for name in NOT_STAFF:
            with self.subTest(actor=name):
                self.assertRefused(
                    NotAllowed,
                    NOT_PERMITTED,
                    lambda n=name: services.attribute_update(
                        attribute=question, actor=getattr(self, n), description="Diubah"
                    ),
                )
        question.refresh_from_db()
        self.assertEqual(question.description, "Seberapa besar lubangnya?")

    def test_it_refuses_a_code_of_another_question_bad_choices_or_an_unknown_field(self) -> None:
        question = self.road.attributes.get(code="lubang")
        error = self.assertRefused(
            RequestError,
            QUESTION_CODE_TAKEN,
            lambda: services.attribute_update(attribute=question, actor=self.officer, code="jumlah"),
        )
        self.assertEqual(error.field, "code")
        self.assertRefused(
            RequestError,
            CHOICES_REQUIRED,
            lambda: services.attribute_update(attribute=question, actor=self.officer, datatype="multivaluelist"),
        )
        with self.assertRaises(ValueError):
            services.attribute_update(attribute=question, actor=self.officer, service=self.lamp)
        question.refresh_from_db()
        self.assertEqual((question.code, question.datatype, question.service), ("lubang", "string", self.road))


class AttributeRemoveTests(ServiceRequestTestCase):
    def test_it_removes_the_question_keeps_earlier_answers_and_audits(self) -> None:
        request = self.submit(service=self.road, attributes={"lubang": "Selebar ban"})
        services.attribute_remove(attribute=self.road.attributes.get(code="lubang"), actor=self.officer)
        self.assertFalse(self.road.attributes.filter(code="lubang").exists())
        request.refresh_from_db()
        self.assertEqual(request.attributes, {"lubang": "Selebar ban"})
        entry = (
            AuditEntry.objects.filter(action=AuditAction.SERVICE_UPDATED, target_id=str(self.road.pk))
            .order_by("id")
            .last()
        )
        assert entry is not None
        self.assertEqual((entry.before, entry.after), ({"attribute": "lubang"}, {"attribute": None}))

    def test_it_refuses_anyone_but_the_catalogue_manager(self) -> None:
        question = self.road.attributes.get(code="lubang")
        for name in NOT_STAFF:
            with self.subTest(actor=name):
                self.assertRefused(
                    NotAllowed,
                    NOT_PERMITTED,
                    lambda n=name: services.attribute_remove(attribute=question, actor=getattr(self, n)),
                )
        self.assertTrue(self.road.attributes.filter(code="lubang").exists())


class RouteTests(ServiceRequestTestCase):
    def test_it_falls_back_to_the_services_own_agency(self) -> None:
        self.assertEqual(services.route_for(self.lamp, None), self.public_works)
        self.assertEqual(services.route_for(self.lamp, self.rt), self.public_works)

    def test_it_takes_the_nearest_rule_up_the_area_tree(self) -> None:
        services.route_set(service=self.lamp, area=self.kemantren, agency=self.diskominfo, actor=self.officer)
        self.assertEqual(services.route_for(self.lamp, self.rt), self.diskominfo)
        services.route_set(service=self.lamp, area=self.kelurahan, agency=self.bappeda, actor=self.officer)
        self.assertEqual(services.route_for(self.lamp, self.rt), self.bappeda)
        self.assertEqual(services.route_for(self.lamp, self.kemantren), self.diskominfo)
        self.assertEqual(services.route_for(self.road, self.rt), self.public_works)  # rules are per service

    def test_it_gives_the_same_agency_by_id_without_loading_it(self) -> None:
        services.route_set(service=self.lamp, area=self.kelurahan, agency=self.bappeda, actor=self.officer)
        rt = Area.objects.select_related("parent__parent__parent").get(pk=self.rt.pk)
        for service, area in ((self.lamp, rt), (self.lamp, self.kemantren), (self.road, rt), (self.lamp, None)):
            with self.subTest(service=service.code, area=str(area)):
                self.assertEqual(services.routed_agency_id(service, area), services.route_for(service, area).pk)
        with self.assertNumQueries(1):  # the rules up the loaded chain
            self.assertEqual(services.routed_agency_id(self.lamp, rt), self.bappeda.pk)
        with self.assertNumQueries(0):
            self.assertEqual(services.routed_agency_id(self.lamp, None), self.public_works.pk)

    def test_it_ignores_rules_of_a_sibling_area(self) -> None:
        sibling = regions.area_create(
            region=self.region, parent=self.kemantren, kind="kelurahan", name="Pakuncen", actor=None
        )
        services.route_set(service=self.lamp, area=sibling, agency=self.bappeda, actor=self.officer)
        self.assertEqual(services.route_for(self.lamp, self.rt), self.public_works)

    def test_it_replaces_the_rule_of_an_area(self) -> None:
        services.route_set(service=self.lamp, area=self.kelurahan, agency=self.bappeda, actor=self.officer)
        rule = services.route_set(service=self.lamp, area=self.kelurahan, agency=self.diskominfo, actor=self.officer)
        self.assertEqual(RoutingRule.objects.get(), rule)
        self.assertEqual(rule.agency, self.diskominfo)
        self.assertEqual(audit_actions(rule), [AuditAction.ROUTE_SET, AuditAction.ROUTE_SET])

    def test_it_refuses_anyone_but_the_catalogue_manager(self) -> None:
        for name in NOT_STAFF:
            with self.subTest(actor=name):
                self.assertRefused(
                    NotAllowed,
                    NOT_PERMITTED,
                    lambda n=name: services.route_set(
                        service=self.lamp, area=self.kelurahan, agency=self.bappeda, actor=getattr(self, n)
                    ),
                )
        self.assertFalse(RoutingRule.objects.exists())

    def test_it_refuses_an_area_or_agency_of_another_region(self) -> None:
        other_area = regions.area_create(
            region=self.other_region, parent=None, kind="kecamatan", name="Kayuagung", actor=None
        )
        error = self.assertRefused(
            RequestError,
            AREA_OUTSIDE_REGION,
            lambda: services.route_set(service=self.lamp, area=other_area, agency=self.bappeda, actor=self.officer),
        )
        self.assertEqual(error.field, "area")
        error = self.assertRefused(
            RequestError,
            AGENCY_OUTSIDE_REGION,
            lambda: services.route_set(
                service=self.lamp, area=self.kelurahan, agency=self.other_agency, actor=self.officer
            ),
        )
        self.assertEqual(error.field, "agency")


class RouteRemoveTests(ServiceRequestTestCase):
    def test_it_removes_the_rule_so_requests_go_to_the_services_agency_again(self) -> None:
        rule = services.route_set(service=self.lamp, area=self.kelurahan, agency=self.bappeda, actor=self.officer)
        rule_pk = rule.pk
        services.route_remove(rule=rule, actor=self.officer)
        self.assertFalse(RoutingRule.objects.exists())
        self.assertEqual(services.route_for(self.lamp, self.rt), self.public_works)
        entry = AuditEntry.objects.get(action=AuditAction.ROUTE_REMOVED)
        self.assertEqual((entry.actor, entry.target_id), (self.officer, str(rule_pk)))
        self.assertEqual(entry.before, {"service": "PJU-01", "area": "Patangpuluhan", "agency": "bappeda"})

    def test_it_refuses_anyone_but_the_catalogue_manager(self) -> None:
        rule = services.route_set(service=self.lamp, area=self.kelurahan, agency=self.bappeda, actor=self.officer)
        for name in NOT_STAFF:
            with self.subTest(actor=name):
                self.assertRefused(
                    NotAllowed,
                    NOT_PERMITTED,
                    lambda n=name: services.route_remove(rule=rule, actor=getattr(self, n)),
                )
        self.assertTrue(RoutingRule.objects.filter(pk=rule.pk).exists())
