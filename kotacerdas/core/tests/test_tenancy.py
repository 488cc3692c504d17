"""The tenancy guarantee: a user of one region cannot read or change anything of another region.

The walk visits EVERY URL pattern of the site and of the API, fills each parameter with an object of
region "kotaraya" and asks as `outsider`, a Bappeda planner of region "kabupatenlain". New URLs are
covered automatically; a parameter the walk cannot fill fails the test until it is added below.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, ClassVar
from urllib.parse import urlencode
from uuid import uuid4

import time_machine
from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import Max
from django.http import HttpResponse
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, resolve, reverse
from django.urls.resolvers import RoutePattern
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.regex_helper import normalize

from kotacerdas.accounts.models import ApiToken, Session, User
from kotacerdas.accounts.roles import Role
from kotacerdas.accounts.services import api_token_create
from kotacerdas.agencies.models import Capability
from kotacerdas.agencies.services import CapabilityChoice, capabilities_declare
from kotacerdas.audit.models import AuditEntry
from kotacerdas.core.testing import RegionTestCase, make_agency, make_region, make_user
from kotacerdas.framework.models import Dimension, Element
from kotacerdas.framework.services import element_create
from kotacerdas.jimpitan import selectors as jimpitan_selectors
from kotacerdas.jimpitan import services as jimpitan
from kotacerdas.jimpitan.models import Arrear, Fund, Household, LedgerEntry, RondaGroup, RondaGroupMember, Shift
from kotacerdas.monitoring import services as monitoring
from kotacerdas.monitoring.models import Evaluation, EvaluationScore, Milestone, Period, ProgressReport
from kotacerdas.monitoring.services import IndicatorData, ReportData
from kotacerdas.monitoring.tests.factories import TINY_PNG
from kotacerdas.planning import services as planning
from kotacerdas.planning.models import DigitalisationRequest, Masterplan, PlanningRound, Programme, Proposal
from kotacerdas.planning.services import Assignment, ProposalData
from kotacerdas.regions.models import Region
from kotacerdas.replication import services as replication
from kotacerdas.replication.exporting import template_of_offers
from kotacerdas.replication.models import ImportRecord, ReplicableProgramme
from kotacerdas.replication.models import Visit as BenchmarkingVisit
from kotacerdas.servicerequests import services as requests_services
from kotacerdas.servicerequests.models import DataRequest, RoutingRule, Service, ServiceAttribute, ServiceRequest

# Private texts of region "kotaraya": no page, public or not, may show them to a user of another region.
CAPABILITY_NOTE = "Catatan internal KR-7731: server di ruang arsip"
STAFF_USERNAME = "sutrisno.kr"
ROUND_TITLE = "Putaran rahasia KR-2201"
PROPOSAL_TITLE = "Usulan rahasia KR-4410"
PROGRAMME_TITLE = "Program rahasia KR-5520"
APP_NEEDS = "Kebutuhan aplikasi rahasia KR-6630"
MASTERPLAN_TITLE = "Masterplan rahasia KR-8812"
TOKEN_NAME = "Token rahasia KR-9931"
HOUSEHOLD_HEAD = "Kepala keluarga rahasia KR-5150"
# The region's own data: public on its public pages, never in an answer to an outsider anywhere else.
REGIONAL_ELEMENT = "Elemen khas Kotaraya KR-3340"

ALLOWED_PAGE_REFUSALS = frozenset({401, 403, 404})
ALLOWED_API_REFUSALS = frozenset({401, 403, 404, 405, 422})
# Pages of the admin an outsider may open (its login form; logout sends them back to the admin's login).
ADMIN_OPEN_PAGES = frozenset({"admin/login/", "admin/logout/"})
PAGE_FORM = {
    "name": "outsider",
    "title": "outsider",
    "note": "outsider",
    "agency": "dpupkp",
    "action": "analyse",
    "deadline": "2030-01-01",
}
SECRET_REQUEST = "Laporan rahasia KR-3391 tentang pungli"
PUBLIC_TITLE = "Program terbuka KR-7781"
PAGE_METHODS = frozenset({"GET", "POST"})
API_BODY = [{"element": "society.learning", "note": "outsider"}]

# Every URL parameter, filled with an object of region "kotaraya" (or one of its users). A pattern with a
# parameter missing here fails the walk: add the parameter, so that no new URL is ever skipped silently.
REGION_PARAMETERS: dict[str, Callable[[type[TenancyTestCase]], object]] = {
    "region_slug": lambda c: c.region.slug,
    "slug": lambda c: c.region.slug,  # the API's {slug}
    "agency_slug": lambda c: c.public_works.slug,
    "area_id": lambda c: c.rt.pk,
    "token_id": lambda c: c.planner_token.pk,
    "round_id": lambda c: c.planning_round.pk,
    "proposal_id": lambda c: c.proposal.pk,
    "programme_id": lambda c: c.programme.pk,
    "masterplan_id": lambda c: c.masterplan.pk,
    "request_id": lambda c: c.app_request.pk,
    "period_id": lambda c: c.period.pk,
    "report_id": lambda c: c.report.pk,
    "milestone_id": lambda c: c.milestone.pk,
    "evaluation_id": lambda c: c.evaluation.pk,
    "score_id": lambda c: c.score.pk,
    "service_code": lambda c: c.service.code,
    "service_request_pk": lambda c: c.secret_request.pk,
    "service_request_id": lambda c: c.secret_request.pk,
    "open311_token": lambda c: c.secret_request.token,
    "data_request_pk": lambda c: c.data_request.pk,
    "citizen_pk": lambda c: c.citizen.pk,
    "attribute_pk": lambda c: c.service_question.pk,
    "route_pk": lambda c: c.routing_rule.pk,
    "fund_id": lambda c: c.fund.pk,
    "household_id": lambda c: c.household.pk,
    "group_id": lambda c: c.ronda_group.pk,
    "member_id": lambda c: c.ronda_group_member.pk,
    "shift_id": lambda c: c.shift.pk,
    "entry_id": lambda c: c.entry.pk,
    "arrear_id": lambda c: c.arrear.pk,
    "tag_token": lambda c: c.household.tag_token,
    "share_token": lambda c: c.fund.share_token,
    "record_token": lambda c: jimpitan_selectors.record_token(c.household),
    "import_id": lambda c: c.import_record.pk,
    "visit_id": lambda c: c.benchmarking_visit.pk,
}
# Parameters that name nothing of a region by themselves (they sit next to one that does, or belong to
# platform-level pages and the admin).
NEUTRAL_PARAMETERS: dict[str, Callable[[type[TenancyTestCase]], object]] = {
    "fmt": lambda c: "json",
    "dataset": lambda c: "programmes",  # an open data table of the monitoring room (the region comes from the slug)
    "kind": lambda c: "correction",
    "action": lambda c: "start_review",  # a valid step for the submitted proposal: a leak would be a write
    "uidb64": lambda c: urlsafe_base64_encode(force_bytes(c.planner.pk)),
    "token": lambda c: "bad-token",
    "object_id": lambda c: c.region.pk,
    "content_type_id": lambda c: ContentType.objects.get_for_model(c.region).pk,
    "id": lambda c: c.planner.pk,
    "app_label": lambda c: "regions",
    "url": lambda c: "tidak-ada/",
}
# Public pages show only what is published: their object parameters name published objects of kotaraya
# (which must still show none of the private markers).
PUBLIC_PARAMETERS: dict[str, Callable[[type[TenancyTestCase]], object]] = {
    "programme_id": lambda c: c.public_programme.pk,
    "service_request_pk": lambda c: c.public_request.pk,
    "service_request_id": lambda c: c.public_request.pk,
    "open311_token": lambda c: c.public_request.token,
    "share_token": lambda c: c.fund.share_token,  # the jimpitan report a treasurer shared with the residents
    "record_token": lambda c: jimpitan_selectors.record_token(c.household),  # a household's own record link
}
SLUG_PARAMETERS = frozenset({"region_slug", "slug"})
OBJECT_PARAMETERS = frozenset(REGION_PARAMETERS) - SLUG_PARAMETERS
ROUTE_PARAMETER = re.compile(r"<(?:[^>:]+:)?(?P<name>[^>]+)>")


@dataclass(frozen=True)
class Route:
    """One URL pattern of the site and the chain of patterns that leads to it."""

    chain: tuple[URLResolver | URLPattern, ...]

    @property
    def text(self) -> str:
        return "".join(str(p.pattern) for p in self.chain)

    @property
    def pattern(self) -> URLPattern:
        leaf = self.chain[-1]
        assert isinstance(leaf, URLPattern)
        return leaf

    @property
    def parameters(self) -> frozenset[str]:
        return frozenset(name for p in self.chain for name in p.pattern.regex.groupindex)

    @property
    def is_admin(self) -> bool:
        return self.text.startswith("admin/")

    @property
    def is_api(self) -> bool:
        return self.text.startswith("api/")

    @property
    def is_public(self) -> bool:
        return bool(getattr(self.pattern.callback, "region_public", False))

    @property
    def names_region(self) -> bool:
        return bool(self.parameters & REGION_PARAMETERS.keys()) or self.region_query is not None

    @property
    def region_query(self) -> Callable[[Region], dict[str, str]] | None:
        """How a route shared by every region names one in its query string (Open311's jurisdiction_id)."""
        return getattr(self.pattern.callback, "region_query", None)


def _leaf_chains(resolver: URLResolver, above: tuple[URLResolver, ...] = ()) -> Iterator[tuple[Any, ...]]:
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            yield from _leaf_chains(entry, (*above, entry))
        else:
            yield (*above, entry)


def site_routes() -> list[Route]:
    """Every URL pattern of the site, once per route (the API names its GET and PUT of one path twice)."""
    routes: dict[str, Route] = {}
    for chain in _leaf_chains(get_resolver()):
        route = Route(chain)
        routes.setdefault(route.text, route)
    return list(routes.values())


def pattern_texts(resolver: URLResolver, prefix: str = "") -> list[str]:
    """The route text of every leaf pattern, duplicates included.

    Deliberately independent of `Route` and `site_routes`: it only reads and joins the pattern texts.
    """
    texts = []
    for entry in resolver.url_patterns:
        text = prefix + str(entry.pattern)
        texts.extend(pattern_texts(entry, text) if isinstance(entry, URLResolver) else [text])
    return texts


@dataclass(frozen=True)
class Visit:
    """One request of the walk and what came back."""

    route: Route
    method: str
    channel: str
    url: str
    response: HttpResponse

    @property
    def status(self) -> int:
        return self.response.status_code

    @property
    def body(self) -> bytes:
        if getattr(self.response, "streaming", False):
            return b"".join(self.response.streaming_content)  # type: ignore[attr-defined]
        return self.response.content

    def problem(self, why: str) -> str:
        return f"{self.method} {self.url} [{self.channel}] -> {self.status}: {why}; body: {self.body[:300]!r}"


class TenancyTestCase(RegionTestCase):
    """The shared region with private data in every room, and an API token for the outsider and the planner."""

    staff: ClassVar[User]
    planner_token: ClassVar[ApiToken]
    outsider_plaintext: ClassVar[str]
    planner_plaintext: ClassVar[str]
    planning_round: ClassVar[PlanningRound]
    proposal: ClassVar[Proposal]
    programme: ClassVar[Programme]
    app_request: ClassVar[DigitalisationRequest]
    masterplan: ClassVar[Masterplan]
    period: ClassVar[Period]
    service: ClassVar[Service]
    public_request: ClassVar[ServiceRequest]
    secret_request: ClassVar[ServiceRequest]
    data_request: ClassVar[DataRequest]
    service_question: ClassVar[ServiceAttribute]
    routing_rule: ClassVar[RoutingRule]
    public_programme: ClassVar[Programme]
    report: ClassVar[ProgressReport]
    milestone: ClassVar[Milestone]
    evaluation: ClassVar[Evaluation]
    score: ClassVar[EvaluationScore]
    fund: ClassVar[Fund]
    household: ClassVar[Household]
    ronda_group: ClassVar[RondaGroup]
    ronda_group_member: ClassVar[RondaGroupMember]
    shift: ClassVar[Shift]
    entry: ClassVar[LedgerEntry]
    arrear: ClassVar[Arrear]
    offer: ClassVar[ReplicableProgramme]
    import_record: ClassVar[ImportRecord]
    benchmarking_visit: ClassVar[BenchmarkingVisit]  # not `visit`: the walk has a method of that name

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.staff = make_user(STAFF_USERNAME, Role.AGENCY_OPERATOR, cls.region, agency=cls.public_works)
        learning = Element.objects.get(code="society.learning")
        capabilities_declare(
            agency=cls.public_works, choices=[CapabilityChoice(element=learning, note=CAPABILITY_NOTE)], actor=cls.staff
        )
        living = Dimension.objects.get(code="living")
        element_create(
            dimension=living, code="living.kr-riverside", name=REGIONAL_ELEMENT, name_en=REGIONAL_ELEMENT,
            region=cls.region, actor=None,
        )  # fmt: skip
        cls.planner_token, cls.planner_plaintext = api_token_create(
            user=cls.planner, name=TOKEN_NAME, actor=cls.planner
        )
        _token, cls.outsider_plaintext = api_token_create(user=cls.outsider, name="outsider", actor=cls.outsider)
        cls._build_planning(living)
        cls._build_monitoring()
        cls._build_servicerequests()
        cls._build_jimpitan()
        cls._build_replication()

    @classmethod
    def _build_replication(cls) -> None:
        """The published programme offered in the catalogue, a template import waiting for its mapping, and a
        visit of kotaraya to a third region (so that no region of the walk's outsider is involved)."""
        offer_data = replication.OfferData(
            code="kr-terbuka", what_it_delivers="Rumah mundur dari bibir sungai.", contact_agency=cls.public_works,
            started_on=dt.date(2026, 1, 1),
        )  # fmt: skip
        cls.public_programme.refresh_from_db()  # published by its proposal's decision, through another instance
        cls.offer = replication.offer_save(programme=cls.public_programme, data=offer_data, actor=cls.planner)
        template = template_of_offers(region=cls.region)
        assert template is not None
        cls.import_record = replication.import_prepare(region=cls.region, template=template, actor=cls.planner)
        host = make_region("kotatuan", code="35.78")
        visit_data = replication.VisitData(
            host_region=host, host_agency=make_agency(host, "diskominfo", special_role="ict"),
            visited_on=dt.date(2026, 3, 1), topics="Layanan publik.", delegation=[cls.diskominfo], head=cls.inspektorat,
        )  # fmt: skip
        cls.benchmarking_visit = replication.visit_record(region=cls.region, data=visit_data, actor=cls.planner)

    @classmethod
    def _build_jimpitan(cls) -> None:
        """RT 01's fund with a house, a roster, a closed night (the house missed), a cash book entry and an arrear."""
        night = dt.datetime(2026, 11, 5, 15, 30, tzinfo=dt.UTC)  # 22:30 WIB: inside the watch
        with time_machine.travel(night, tick=False):
            terms = jimpitan.FundTerms(name="Jimpitan RT 01 Kotaraya", nightly_amount=500)
            cls.fund = jimpitan.fund_create(area=cls.rt, terms=terms, actor=cls.treasurer)
            cls.household = jimpitan.household_create(
                fund=cls.fund, number="7", head_name=HOUSEHOLD_HEAD, actor=cls.treasurer
            )
            cls.ronda_group = jimpitan.group_create(
                fund=cls.fund, name="Kelompok Kamis", position=4, actor=cls.treasurer
            )
            cls.ronda_group_member = jimpitan.group_member_add(
                group=cls.ronda_group, user=cls.treasurer, actor=cls.treasurer
            )
            cls.shift = jimpitan.shift_open(fund=cls.fund, actor=cls.treasurer)
            jimpitan.shift_close(shift=cls.shift, counted_total=0, actor=cls.treasurer)
            cls.entry = jimpitan.income_record(
                fund=cls.fund, kind="donation", amount=50_000, description="Sumbangan", idempotency_key=uuid4(),
                actor=cls.treasurer,
            )  # fmt: skip
        with time_machine.travel(night + dt.timedelta(days=30), tick=False):
            [cls.arrear] = jimpitan.arrears_assess(fund=cls.fund, month=dt.date(2026, 11, 1), actor=cls.treasurer)
        cls.fund = jimpitan.fund_share(fund=cls.fund, actor=cls.treasurer)

    @classmethod
    def _build_servicerequests(cls) -> None:
        officer = cls.officer
        cls.service = requests_services.service_save(
            region=cls.region, agency=cls.public_works, actor=officer, code="KR-LAMPU", name="Lampu jalan mati"
        )
        public = requests_services.RequestData(description="Lampu mati di gang.", address="Gang Mawar")
        cls.public_request, _new = requests_services.request_submit(
            service=cls.service, data=public, citizen=cls.citizen, actor=cls.citizen
        )
        secret = requests_services.RequestData(description=SECRET_REQUEST, address="Gang Melati", is_secret=True)
        cls.secret_request, _new = requests_services.request_submit(
            service=cls.service, data=secret, citizen=cls.citizen, actor=cls.citizen
        )
        cls.data_request = requests_services.citizen_data_request(
            user=cls.citizen, region=cls.region, kind="correction", message=SECRET_REQUEST
        )
        cls.service_question = requests_services.attribute_add(
            service=cls.service, code="tiang", datatype="string", description="Nomor tiang", actor=officer
        )
        cls.routing_rule = requests_services.route_set(
            service=cls.service, area=cls.kelurahan, agency=cls.public_works, actor=officer
        )

    @classmethod
    def _build_monitoring(cls) -> None:
        # The programme stays unpublished: its title is a private marker the public pages must never show.
        published = planning.proposal_submit(
            proposal=cls._draft(Dimension.objects.get(code="living"), PUBLIC_TITLE), actor=cls.staff
        )
        cls.public_programme = planning.proposal_accept(
            proposal=published, assignment=Assignment(lead=cls.public_works), actor=cls.planner
        )
        planning.proposal_publish_decision(proposal=published, actor=cls.planner)
        planning.programme_transition(programme=cls.programme, action="start", actor=cls.staff)
        cls.period = monitoring.period_create(
            region=cls.region,
            label="2026",
            starts_on=dt.date(2026, 1, 1),
            ends_on=dt.date(2026, 12, 31),
            actor=cls.planner,
        )
        indicator = monitoring.indicator_create(
            programme=cls.programme,
            data=IndicatorData(title="Rumah mundur", measure="unit", direction="ascending", unit="rumah"),
            actor=cls.staff,
        )
        values = {indicator.pk: (Decimal(12), "")}
        photo = SimpleUploadedFile("foto.png", TINY_PNG)  # evidence, served only to members who may read the report
        cls.report = monitoring.report_save(
            programme=cls.programme,
            period=cls.period,
            data=ReportData(narrative="Dua belas rumah mundur.", progress_percent=40, values=values, attachment=photo),
            actor=cls.staff,
        )
        cls.addClassCleanup(cls.report.attachment.storage.delete, cls.report.attachment.name)
        cls.milestone = monitoring.milestone_create(
            programme=cls.programme, title="Jalan inspeksi", planned_date=dt.date(2026, 6, 1), actor=cls.staff
        )
        cls.evaluation = monitoring.evaluation_open(region=cls.region, year=2026, actor=cls.planner)
        cls.score = monitoring.score_enter(
            evaluation=cls.evaluation,
            eval_dimension="baseline",
            smart_dimension=None,
            score=Decimal("3.10"),
            evidence="Dokumen masterplan.",
            actor=cls.planner,
        )

    @classmethod
    def _build_planning(cls, living: Dimension) -> None:
        cls.planning_round = planning.round_open(
            region=cls.region,
            year=2027,
            title=ROUND_TITLE,
            deadline=timezone.localdate() + dt.timedelta(days=30),
            opened_by=cls.bappeda,
            actor=cls.planner,
        )
        cls.proposal = planning.proposal_submit(proposal=cls._draft(living, PROPOSAL_TITLE), actor=cls.staff)
        accepted = planning.proposal_submit(proposal=cls._draft(living, PROGRAMME_TITLE), actor=cls.staff)
        accepted = planning.proposal_start_review(proposal=accepted, actor=cls.planner)
        cls.programme = planning.proposal_accept(
            proposal=accepted, assignment=Assignment(lead=cls.public_works), actor=cls.planner
        )
        cls.app_request = DigitalisationRequest.objects.get(programme=cls.programme)
        cls.masterplan = planning.masterplan_save(
            region=cls.region,
            actor=cls.planner,
            title=MASTERPLAN_TITLE,
            version="1",
            period_start=2025,
            period_end=2029,
            vision="Kota yang nyaman dihuni.",
            is_current=True,
        )

    @classmethod
    def _draft(cls, living: Dimension, title: str) -> Proposal:
        data = ProposalData(
            title=title,
            description="Rumah mundur dari bibir sungai.",
            dimension=living,
            horizon="long",
            beneficiaries="Warga tepi sungai",
            funding_source="apbd",
            elements=[Element.objects.get(code="living.harmony")],
            budget=2_000_000_000,
            needs_digitalisation=True,
            digitalisation_needs=APP_NEEDS,
        )
        return planning.proposal_create(
            planning_round=cls.planning_round, agency=cls.public_works, data=data, actor=cls.staff
        )

    # --- the walk -------------------------------------------------------------------------------

    def url_of(self, route: Route, home: Region | None = None) -> str:
        """The concrete URL of a route, every parameter filled; fails when a parameter is unknown.

        With `home`, the region's slug is that region's and every other parameter still names kotaraya's objects.
        """
        pieces = []
        for entry in route.chain:
            if isinstance(entry.pattern, RoutePattern):
                fill = lambda m: self.value_of(route, m["name"], home)  # noqa: E731
                pieces.append(ROUTE_PARAMETER.sub(fill, str(entry.pattern)))
            else:
                template, names = normalize(str(entry.pattern))[0]
                pieces.append(template % {name: self.value_of(route, name, home) for name in names})
        url = "/" + "".join(pieces)
        self.assertIn(
            resolve(url).url_name, self.names_of(route), f"{url} does not lead back to the pattern {route.text!r}"
        )
        if route.region_query is not None:
            url += "?" + urlencode(route.region_query(home or self.region))
        return url

    def names_of(self, route: Route) -> set[str | None]:
        """The URL names of every pattern with this route (the API registers one per operation)."""
        return {r.pattern.name for r in (Route(c) for c in _leaf_chains(get_resolver())) if r.text == route.text}

    def value_of(self, route: Route, name: str, home: Region | None = None) -> str:
        if home is not None and name in SLUG_PARAMETERS:
            return home.slug
        fill = (
            (route.is_public and PUBLIC_PARAMETERS.get(name))
            or REGION_PARAMETERS.get(name)
            or NEUTRAL_PARAMETERS.get(name)
        )
        if fill is None:
            self.fail_on_unknown_parameters([route])
        return str(fill(type(self)))

    def fail_on_unknown_parameters(self, routes: list[Route]) -> None:
        """Fail, naming every URL parameter the walk cannot fill and where it occurs, when there is any."""
        known = REGION_PARAMETERS.keys() | NEUTRAL_PARAMETERS.keys()
        unknown = sorted({(name, r.text) for r in routes for name in r.parameters - known})
        if unknown:
            where = "\n".join(f"  {name!r} in {text!r}" for name, text in unknown)
            self.fail(
                f"The tenancy walk cannot fill these URL parameters:\n{where}\nAdd each to REGION_PARAMETERS in "
                f"{__name__} (an object of region 'kotaraya', built in TenancyTestCase.setUpTestData, so the walk "
                "proves an outsider cannot reach it), or to NEUTRAL_PARAMETERS if it names nothing of a region."
            )

    def walk(
        self,
        user: User,
        *,
        token: str | None,
        methods: tuple[str, ...],
        routes: list[Route] | None = None,
        home: Region | None = None,
    ) -> list[Visit]:
        """Request every route with each method, as `user` by session and (for the API) by bearer token."""
        self.fail_on_unknown_parameters(site_routes())
        routes = site_routes() if routes is None else routes
        visits = []
        for route in routes:
            url = self.url_of(route, home)
            for method in methods if route.is_api else [m for m in methods if m in PAGE_METHODS]:
                visits.append(self.visit(route, url, method, "session", user=user))
                if route.is_api and token is not None:
                    visits.append(self.visit(route, url, method, "bearer", token=token))
                if method == "GET" and not route.names_region and not route.is_admin:
                    visits.append(self.visit(route, url + "?region=kotaraya", method, "session", user=user))
        return visits

    def visit(
        self, route: Route, url: str, method: str, channel: str, *, user: User | None = None, token: str | None = None
    ) -> Visit:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        client = Client(raise_request_exception=False, headers=headers)
        if user is not None:
            client.force_login(user)  # again for every request: the walk also posts to the logout pages
        if method == "GET":
            response = client.get(url)
        elif route.is_api:
            response = client.generic(method, url, json.dumps(API_BODY), content_type="application/json")
        else:
            response = client.post(url, PAGE_FORM)
        return Visit(route, method, channel, url, response)

    # --- the judgement --------------------------------------------------------------------------

    def leaks(self, visit: Visit, markers: tuple[str, ...]) -> list[str]:
        body = visit.body
        return [visit.problem(f"shows {m!r}") for m in markers if m.encode() in body]

    def judge(self, visit: Visit) -> list[str]:
        """The problems with one outsider visit (empty when it is fine)."""
        if visit.status >= 500:
            return [visit.problem("server error")]
        route = visit.route
        if route.is_admin:
            return self.judge_admin(visit)
        if route.is_public:
            return self.judge_public(visit)
        if route.names_region:
            return self.judge_refusal(visit)
        return self.judge_platform(visit)

    def judge_admin(self, visit: Visit) -> list[str]:
        to_login = visit.status == 302 and visit.response["Location"].startswith(reverse("admin:login"))
        open_page = visit.route.text in ADMIN_OPEN_PAGES and visit.status in {200, 302, 405}
        if not (to_login or open_page or visit.status == 403):
            return [visit.problem("the admin must send an outsider to its login (or refuse with 403)")]
        return self.leaks(visit, self.private_markers + self.region_markers)

    def judge_public(self, visit: Visit) -> list[str]:
        # A public page answers GET with 200; a write through it (a form, Open311 POST) is refused or shows
        # the form again: the walk's final check proves nothing of kotaraya was written.
        if visit.method == "GET" and visit.status != 200:
            return [visit.problem("a public page answers 200 to anyone")]
        if visit.method != "GET" and visit.status not in {200, 400, 403, 404, 405}:
            return [visit.problem("a write through a public page must be refused")]
        return self.leaks(visit, self.private_markers)

    def judge_refusal(self, visit: Visit) -> list[str]:
        allowed = ALLOWED_API_REFUSALS if visit.route.is_api else ALLOWED_PAGE_REFUSALS
        # A page that does not take this method at all says 405 to everyone, whatever the region.
        unsupported = visit.status == 405 and visit.method not in visit.response.get("Allow", "")
        if visit.status not in allowed and not unsupported:
            return [visit.problem(f"an outsider must get one of {sorted(allowed)}")]
        return self.leaks(visit, self.private_markers + self.region_markers)

    def judge_platform(self, visit: Visit) -> list[str]:
        return self.leaks(visit, self.private_markers + self.region_markers)

    @property
    def private_markers(self) -> tuple[str, ...]:
        return (
            CAPABILITY_NOTE,
            STAFF_USERNAME,
            self.staff.full_name,
            ROUND_TITLE,
            PROPOSAL_TITLE,
            PROGRAMME_TITLE,
            APP_NEEDS,
            MASTERPLAN_TITLE,
            TOKEN_NAME,
            SECRET_REQUEST,
            HOUSEHOLD_HEAD,
        )

    @property
    def region_markers(self) -> tuple[str, ...]:
        agencies = (self.bappeda, self.diskominfo, self.inspektorat, self.public_works)
        return (*(a.name for a in agencies), self.kemantren.name, self.kelurahan.name, REGIONAL_ELEMENT)


def table_state(region: Region, outsider: User) -> dict[str, tuple[int, Any]]:
    """Per table of the project: the region's rows (all but the outsider's own), counted, and their latest change."""
    state = {}
    for model in apps.get_models():
        if not model.__module__.startswith("kotacerdas.") or model is Session:  # sessions: the walk's own visits
            continue
        rows = model._base_manager.all()
        fields = {f.name for f in model._meta.concrete_fields}
        if "region" in fields:
            rows = rows.filter(region=region)
        elif "user" in fields:
            rows = rows.exclude(user=outsider)  # the outsider may make their own API tokens
        latest = rows.aggregate(latest=Max("updated_at"))["latest"] if "updated_at" in fields else None
        state[model._meta.label] = (rows.count(), latest)
    return state


class TenancyTests(TenancyTestCase):
    def test_it_shows_an_outsider_nothing_of_another_region_on_any_url(self) -> None:
        audit_before = AuditEntry.objects.filter(region=self.region).count()
        capabilities_before = Capability.objects.count()
        tables_before = table_state(self.region, self.outsider)

        visits = self.walk(self.outsider, token=self.outsider_plaintext, methods=("GET", "POST", "PUT", "DELETE"))

        problems = [problem for visit in visits for problem in self.judge(visit)]
        self.assertEqual(problems, [], "\n".join(problems))
        self.assertEqual(AuditEntry.objects.filter(region=self.region).count(), audit_before)
        self.assertEqual(Capability.objects.count(), capabilities_before)
        after = table_state(self.region, self.outsider)
        self.assertEqual({k: v for k, v in after.items() if tables_before[k] != v}, {})
        self.planner_token.refresh_from_db()
        self.assertIsNone(self.planner_token.revoked_at)

    def test_it_lists_only_the_outsiders_own_region_in_the_api(self) -> None:
        for channel in ("session", "bearer"):
            client = Client(
                headers={"Authorization": f"Bearer {self.outsider_plaintext}"} if channel == "bearer" else {}
            )
            if channel == "session":
                client.force_login(self.outsider)
            regions = client.get("/api/v1/regions")
            self.assertEqual([r["slug"] for r in regions.json()], ["kabupatenlain"], channel)
            me = client.get("/api/v1/me").json()
            self.assertEqual({m["region"] for m in me["memberships"]}, {"kabupatenlain"}, channel)
            self.assertEqual(client.get("/api/v1/dimensions?region=kotaraya").status_code, 404, channel)
            self.assertNotIn(REGIONAL_ELEMENT, client.get("/api/v1/dimensions").content.decode(), channel)

    def test_it_never_finds_another_regions_object_under_the_outsiders_own_region(self) -> None:
        """The outsider's own region slug with kotaraya's ids: each object lookup must be scoped to the region."""
        routes = [r for r in site_routes() if r.parameters & SLUG_PARAMETERS and r.parameters & OBJECT_PARAMETERS]
        tables_before = table_state(self.region, self.outsider)

        visits = self.walk(
            self.outsider,
            token=self.outsider_plaintext,
            methods=("GET", "POST", "PUT", "DELETE"),
            routes=routes,
            home=self.other_region,
        )

        self.assertGreaterEqual(len(routes), 20)
        self.assertTrue(all(v.url.startswith(("/kabupatenlain/", "/api/v1/regions/kabupatenlain/")) for v in visits))
        problems = [p for v in visits for p in (self.judge(v) if v.status >= 500 else self.judge_refusal(v))]
        self.assertEqual(problems, [], "\n".join(problems))
        after = table_state(self.region, self.outsider)
        self.assertEqual({k: v for k, v in after.items() if tables_before[k] != v}, {})

    def test_it_walks_every_pattern_and_lets_a_member_through(self) -> None:
        """The walk is not vacuous: it requests every pattern, and a member of the region gets through."""
        texts = pattern_texts(get_resolver())
        region_texts = {t for t in texts if "<slug:region_slug>" in t or "<slug>" in t}

        visits = self.walk(self.planner, token=self.planner_plaintext, methods=("GET",))

        visited = {v.route.text for v in visits}
        region_visited = {v.route.text for v in visits if v.route.names_region}
        self.assertEqual(visited, set(texts))
        self.assertGreaterEqual(len(region_texts), 30)
        self.assertGreaterEqual(len(region_visited), len(region_texts))
        self.assertLessEqual(region_texts, region_visited)
        self.assertTrue(any(text.startswith("api/") for text in region_visited))
        self.assertEqual([v.problem("server error") for v in visits if v.status >= 500], [])
        # The member's GETs reach real objects: nothing of the region is missing (404) for them.
        member = {(v.url, v.channel): v.status for v in visits if v.route.names_region}
        self.assertEqual({key: status for key, status in member.items() if status not in {200, 403, 405}}, {})
        coverage = reverse("framework:coverage", kwargs={"region_slug": self.region.slug})
        self.assertEqual(member[coverage, "session"], 200)
        self.assertEqual(member[f"/api/v1/regions/{self.region.slug}/agencies", "bearer"], 200)
        self.assertGreaterEqual(sum(status == 200 for status in member.values()), 30)
