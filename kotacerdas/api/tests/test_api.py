"""The JSON API under /api/v1/: its document, authentication, scoping by membership, bad input and query counts."""

from __future__ import annotations

import json
from typing import Any, ClassVar

from django.http import HttpResponse
from django.test import Client
from django.utils.translation import gettext

from kotacerdas.accounts.models import User
from kotacerdas.accounts.roles import Role
from kotacerdas.accounts.services import api_token_create, api_token_revoke, membership_grant
from kotacerdas.agencies.models import Agency, Capability
from kotacerdas.agencies.services import CapabilityChoice, capabilities_declare
from kotacerdas.api.api import DUPLICATE_ELEMENT, UNKNOWN_ELEMENT
from kotacerdas.audit.actions import AuditAction
from kotacerdas.audit.models import AuditEntry
from kotacerdas.core.testing import RegionTestCase, make_agency, make_region, make_user
from kotacerdas.framework.models import Dimension, Element
from kotacerdas.framework.services import element_create
from kotacerdas.regions import services as regions

API = "/api/v1"
CAPABILITIES = f"{API}/regions/kotaraya/agencies/dpupkp/capabilities"
HUGE = "99999999999999999999999"


class ApiTestCase(RegionTestCase):
    """The shared region; DPUPKP (the operator's agency) has declared two elements."""

    learning: ClassVar[Element]
    mobility: ClassVar[Element]
    harmony: ClassVar[Element]

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.learning = Element.objects.get(code="society.learning")
        cls.mobility = Element.objects.get(code="living.mobility")
        cls.harmony = Element.objects.get(code="living.harmony")
        capabilities_declare(
            agency=cls.public_works,
            choices=[CapabilityChoice(cls.learning, "Pelatihan juru ukur"), CapabilityChoice(cls.mobility)],
            actor=cls.operator,
        )

    def bearer(self, user: User) -> Client:
        _token, plaintext = api_token_create(user=user, name="test", actor=user)
        return Client(headers={"Authorization": f"Bearer {plaintext}"})

    def session(self, user: User) -> Client:
        client = Client()
        client.force_login(user)
        return client

    def put(self, client: Client, payload: Any, url: str = CAPABILITIES) -> HttpResponse:
        return client.put(url, json.dumps(payload), content_type="application/json")

    def declared(self, agency: Agency | None = None) -> dict[str, str]:
        caps = Capability.objects.filter(agency=agency or self.public_works).select_related("element")
        return {cap.element.code: cap.note for cap in caps}

    def assertJsonError(self, response: HttpResponse, status: int) -> dict[str, Any]:
        """The answer has this status and a JSON body that says what is wrong in `detail`."""
        self.assertEqual(response.status_code, status, response.content)
        self.assertEqual(response["Content-Type"], "application/json; charset=utf-8")
        body = response.json()
        self.assertIsInstance(body["detail"], str)
        self.assertTrue(body["detail"])
        return body


class OpenApiTests(ApiTestCase):
    def test_it_serves_a_valid_openapi_document_with_every_path(self) -> None:
        response = self.client.get(f"{API}/openapi.json")

        self.assertEqual(response.status_code, 200)
        document = json.loads(response.content)
        self.assertTrue(document["openapi"].startswith("3."))
        self.assertEqual(document["info"]["title"], "Kota Cerdas API")
        expected = {
            "/me",
            "/regions",
            "/regions/{slug}",
            "/regions/{slug}/areas",
            "/regions/{slug}/agencies",
            "/regions/{slug}/agencies/{agency_slug}/capabilities",
            "/dimensions",
            "/regions/{slug}/programmes",
            "/regions/{slug}/proposals",
        }
        self.assertLessEqual({f"{API}{path}" for path in expected}, set(document["paths"]))
        capabilities = document["paths"][f"{API}/regions/{{slug}}/agencies/{{agency_slug}}/capabilities"]
        self.assertEqual(set(capabilities), {"get", "put"})

    def test_it_serves_the_docs_page(self) -> None:
        response = self.client.get(f"{API}/docs")

        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "openapi.json")


class AuthenticationTests(ApiTestCase):
    def test_it_accepts_a_bearer_token(self) -> None:
        token, plaintext = api_token_create(user=self.planner, name="script", actor=self.planner)
        client = Client(headers={"Authorization": f"Bearer {plaintext}"})

        response = client.get(f"{API}/me")

        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.json()["username"], "planner")
        token.refresh_from_db()
        self.assertIsNotNone(token.last_used_at)

    def test_it_accepts_the_session_for_reading(self) -> None:
        response = self.session(self.planner).get(f"{API}/me")

        self.assertEqual(response.status_code, 200)
        body = response.json()
        self.assertEqual(body["username"], "planner")
        self.assertEqual(
            body["memberships"],
            [{"role": Role.BAPPEDA_PLANNER, "region": "kotaraya", "agency": "bappeda", "area_id": None}],
        )

    def test_it_refuses_an_anonymous_caller_with_401_and_a_json_detail(self) -> None:
        for path in ("/me", "/regions", "/regions/kotaraya/agencies", "/dimensions"):
            with self.subTest(path=path):
                self.assertJsonError(self.client.get(f"{API}{path}"), 401)
        self.assertJsonError(self.put(self.client, [{"element": "society.learning"}]), 401)
        self.assertEqual(self.declared(), {"society.learning": "Pelatihan juru ukur", "living.mobility": ""})

    def test_it_refuses_a_revoked_token_with_401(self) -> None:
        token, plaintext = api_token_create(user=self.planner, name="script", actor=self.planner)
        api_token_revoke(token=token, actor=self.planner)

        response = Client(headers={"Authorization": f"Bearer {plaintext}"}).get(f"{API}/me")

        self.assertJsonError(response, 401)

    def test_it_refuses_an_unknown_token_and_a_deactivated_user_with_401(self) -> None:
        unknown = Client(headers={"Authorization": "Bearer kc_not-a-token"}).get(f"{API}/me")
        self.assertJsonError(unknown, 401)

        client = self.bearer(self.planner)
        User.objects.filter(pk=self.planner.pk).update(is_active=False)
        self.assertJsonError(client.get(f"{API}/me"), 401)

    def test_it_refuses_a_session_write_without_the_csrf_token(self) -> None:
        client = Client(enforce_csrf_checks=True)
        client.force_login(self.operator)

        response = self.put(client, [{"element": "living.harmony"}])

        self.assertJsonError(response, 403)
        self.assertEqual(self.declared(), {"society.learning": "Pelatihan juru ukur", "living.mobility": ""})


class RegionEndpointTests(ApiTestCase):
    def test_it_lists_only_the_callers_regions(self) -> None:
        both = make_user("both", Role.CITIZEN, self.region)
        membership_grant(user=both, role=Role.CITIZEN, region=self.other_region, actor=None)

        for user, slugs in ((self.planner, ["kotaraya"]), (self.outsider, ["kabupatenlain"]), (both, None)):
            with self.subTest(user=user.username):
                response = self.bearer(user).get(f"{API}/regions")
                self.assertEqual(response.status_code, 200)
                listed = [region["slug"] for region in response.json()]
                # Two regions come sorted by name: "Kota Kabupatenlain" before "Kota Kotaraya".
                self.assertEqual(listed, slugs or ["kabupatenlain", "kotaraya"])

    def test_it_shows_a_member_the_region(self) -> None:
        response = self.bearer(self.citizen).get(f"{API}/regions/kotaraya")

        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.json()["name"], "Kota Kotaraya")
        self.assertEqual(response.json()["code"], "34.71")

    def test_it_answers_404_alike_for_another_region_and_an_unknown_one(self) -> None:
        client = self.bearer(self.outsider)

        foreign = client.get(f"{API}/regions/kotaraya")
        unknown = client.get(f"{API}/regions/tidak-ada")

        self.assertJsonError(foreign, 404)
        self.assertEqual(foreign.content, unknown.content)


class AreaEndpointTests(ApiTestCase):
    def areas(self, query: str = "") -> list[dict[str, Any]]:
        response = self.bearer(self.citizen).get(f"{API}/regions/kotaraya/areas{query}")
        self.assertEqual(response.status_code, 200, response.content)
        return response.json()

    def test_it_lists_the_regions_areas_level_by_level(self) -> None:
        areas = self.areas()

        self.assertEqual([a["name"] for a in areas], ["Wirobrajan", "Patangpuluhan", "RW 01", "RT 01"])
        self.assertEqual(areas[1]["parent_id"], self.kemantren.pk)
        self.assertEqual(areas[1]["level"], 2)
        self.assertEqual(areas[1]["kind"], "kelurahan")

    def test_it_filters_by_level_and_parent(self) -> None:
        second = regions.area_create(
            region=self.region, parent=self.kemantren, kind="kelurahan", name="Notoprajan", actor=None
        )

        self.assertEqual([a["id"] for a in self.areas("?level=2")], [second.pk, self.kelurahan.pk])
        self.assertEqual([a["id"] for a in self.areas(f"?parent={self.kelurahan.pk}")], [self.rw.pk])
        self.assertEqual(
            [a["id"] for a in self.areas(f"?level=2&parent={self.kemantren.pk}")], [second.pk, self.kelurahan.pk]
        )
        self.assertEqual(self.areas(f"?level=3&parent={self.kemantren.pk}"), [])

    def test_it_never_lists_another_regions_area_as_a_child(self) -> None:
        foreign = regions.area_create(
            region=self.other_region, parent=None, kind="kecamatan", name="Sekayu", actor=None
        )
        regions.area_create(region=self.other_region, parent=foreign, kind="kelurahan", name="Kayuara", actor=None)

        self.assertEqual(self.areas(f"?parent={foreign.pk}"), [])

    def test_it_refuses_a_level_outside_1_to_4_with_422_and_the_errors(self) -> None:
        client = self.bearer(self.citizen)

        for level in ("9", "0", "satu"):
            with self.subTest(level=level):
                body = self.assertJsonError(client.get(f"{API}/regions/kotaraya/areas?level={level}"), 422)
                self.assertEqual([error["loc"] for error in body["errors"]], [["query", "level"]])

    def test_it_refuses_a_huge_integer_with_422_and_never_a_server_error(self) -> None:
        client = self.bearer(self.planner)
        client.raise_request_exception = False

        for url in (f"/regions/kotaraya/areas?parent={HUGE}", f"/regions/kotaraya/proposals?round_id={HUGE}"):
            with self.subTest(url=url):
                body = self.assertJsonError(client.get(f"{API}{url}"), 422)
                self.assertEqual(len(body["errors"]), 1)


class AgencyEndpointTests(ApiTestCase):
    def test_it_lists_the_active_agencies_with_their_parent(self) -> None:
        unit = make_agency(self.region, "uptd-alat", kind="upt", name="UPTD Alat Berat", parent=self.public_works)
        closed = make_agency(self.region, "dinas-lama", name="Dinas Lama")
        Agency.objects.filter(pk=closed.pk).update(is_active=False)

        response = self.bearer(self.citizen).get(f"{API}/regions/kotaraya/agencies")

        self.assertEqual(response.status_code, 200)
        agencies = {a["slug"]: a for a in response.json()}
        self.assertEqual(set(agencies), {"bappeda", "diskominfo", "inspektorat", "dpupkp", unit.slug})
        self.assertEqual(agencies[unit.slug]["parent_slug"], "dpupkp")
        self.assertIsNone(agencies["dpupkp"]["parent_slug"])
        self.assertEqual(agencies["bappeda"]["special_role"], "planning")

    def test_it_reads_the_list_in_the_same_number_of_queries_for_3_and_30_agencies(self) -> None:
        region = make_region("kotabaru", code="33.74")
        head_office = make_agency(region, "setda", kind="sekretariat")
        client = self.session(make_user("warga", Role.CITIZEN, region))
        url = f"{API}/regions/kotabaru/agencies"
        for number in range(2):
            make_agency(region, f"dinas-{number}", parent=head_office)
        # Session+user+memberships, region, agencies with their parents.
        with self.assertNumQueries(3):
            self.assertEqual(len(client.get(url).json()), 3)

        for number in range(2, 29):
            make_agency(region, f"dinas-{number}", parent=head_office)
        with self.assertNumQueries(3):
            self.assertEqual(len(client.get(url).json()), 30)


class CapabilityEndpointTests(ApiTestCase):
    def test_it_lists_an_agencys_capabilities_for_a_member(self) -> None:
        response = self.bearer(self.officer).get(CAPABILITIES)

        self.assertEqual(response.status_code, 200)
        self.assertEqual(
            sorted(response.json(), key=lambda c: c["element"]),
            [
                {"element": "living.mobility", "note": ""},
                {"element": "society.learning", "note": "Pelatihan juru ukur"},
            ],
        )

    def test_it_hides_the_notes_from_a_citizen_as_the_agency_page_does(self) -> None:
        page = self.session(self.citizen).get("/kotaraya/agencies/dpupkp/")
        self.assertNotContains(page, "Pelatihan juru ukur")

        response = self.bearer(self.citizen).get(CAPABILITIES)

        self.assertEqual(response.status_code, 200)
        self.assertEqual({c["note"] for c in response.json()}, {""})

    def test_it_replaces_the_set_and_audits_each_change_for_the_agencys_operator(self) -> None:
        client = self.bearer(self.operator)
        before = AuditEntry.objects.count()
        payload = [{"element": "society.learning", "note": "  Juru ukur bersertifikat "}, {"element": "living.harmony"}]

        response = self.put(client, payload)

        self.assertEqual(response.status_code, 200, response.content)
        expected = {"society.learning": "Juru ukur bersertifikat", "living.harmony": ""}
        self.assertEqual({c["element"]: c["note"] for c in response.json()}, expected)
        self.assertEqual(self.declared(), expected)
        entries = AuditEntry.objects.order_by("id")[before:]
        self.assertEqual(
            sorted((e.action, e.actor, e.region) for e in entries),
            sorted(
                (action, self.operator, self.region)
                for action in (
                    AuditAction.CAPABILITY_WITHDRAWN,
                    AuditAction.CAPABILITY_CHANGED,
                    AuditAction.CAPABILITY_DECLARED,
                )
            ),
        )

    def test_it_refuses_a_planner_of_another_agency_with_403(self) -> None:
        client = self.bearer(self.planner)
        before = AuditEntry.objects.count()

        response = self.put(client, [{"element": "living.harmony"}])

        self.assertJsonError(response, 403)
        self.assertEqual(self.declared(), {"society.learning": "Pelatihan juru ukur", "living.mobility": ""})
        self.assertEqual(AuditEntry.objects.count(), before)

    def test_it_refuses_an_unknown_element_with_400_naming_the_code(self) -> None:
        response = self.put(self.bearer(self.operator), [{"element": "living.teleportation"}])

        body = self.assertJsonError(response, 400)
        self.assertEqual(body["detail"], gettext(UNKNOWN_ELEMENT) % {"code": "living.teleportation"})
        self.assertIn("living.teleportation", body["detail"])
        self.assertEqual(self.declared(), {"society.learning": "Pelatihan juru ukur", "living.mobility": ""})

    def test_it_refuses_an_element_of_another_region_as_unknown(self) -> None:
        living = Dimension.objects.get(code="living")
        element_create(
            dimension=living, code="living.river-port", name="Pelabuhan sungai", name_en="River port",
            region=self.other_region, actor=None,
        )  # fmt: skip

        response = self.put(self.bearer(self.operator), [{"element": "living.river-port"}])

        body = self.assertJsonError(response, 400)
        self.assertIn("living.river-port", body["detail"])
        self.assertEqual(self.declared(), {"society.learning": "Pelatihan juru ukur", "living.mobility": ""})

    def test_it_refuses_an_element_listed_twice_with_400(self) -> None:
        payload = [{"element": "living.harmony"}, {"element": "living.harmony", "note": "lagi"}]

        response = self.put(self.bearer(self.operator), payload)

        body = self.assertJsonError(response, 400)
        self.assertEqual(body["detail"], gettext(DUPLICATE_ELEMENT) % {"code": "living.harmony"})
        self.assertEqual(self.declared(), {"society.learning": "Pelatihan juru ukur", "living.mobility": ""})

    def test_it_refuses_a_note_of_501_characters_with_422(self) -> None:
        response = self.put(self.bearer(self.operator), [{"element": "living.harmony", "note": "x" * 501}])

        body = self.assertJsonError(response, 422)
        self.assertEqual([error["loc"] for error in body["errors"]], [["body", "payload", 0, "note"]])
        self.assertEqual(self.declared(), {"society.learning": "Pelatihan juru ukur", "living.mobility": ""})

    def test_it_refuses_a_body_that_is_not_a_list_with_422(self) -> None:
        for payload in ({"element": "living.harmony"}, [{"note": "no element"}], [{"element": ""}]):
            with self.subTest(payload=payload):
                self.assertJsonError(self.put(self.bearer(self.operator), payload), 422)
        self.assertEqual(self.declared(), {"society.learning": "Pelatihan juru ukur", "living.mobility": ""})

    def test_it_answers_404_for_an_agency_of_another_region(self) -> None:
        foreign = make_agency(self.other_region, "dishub-sekayu", name="Dinas Perhubungan Sekayu")
        client = self.bearer(self.operator)

        for url in (
            f"{API}/regions/kotaraya/agencies/{foreign.slug}/capabilities",
            f"{API}/regions/kabupatenlain/agencies/{foreign.slug}/capabilities",
            f"{API}/regions/kotaraya/agencies/tidak-ada/capabilities",
        ):
            with self.subTest(url=url):
                self.assertJsonError(client.get(url), 404)
                self.assertJsonError(self.put(client, [{"element": "living.harmony"}], url), 404)
        self.assertFalse(Capability.objects.filter(agency=foreign).exists())
