"""Builders for the replication tests: a source region with offered programmes, a target region ready to import."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any, ClassVar

import time_machine
from django.utils.translation import gettext

from kotacerdas.accounts.models import User
from kotacerdas.accounts.roles import Role
from kotacerdas.agencies.models import Agency
from kotacerdas.core.errors import ApplicationError
from kotacerdas.core.testing import RegionTestCase, make_agency, make_user
from kotacerdas.framework.models import Dimension, Element
from kotacerdas.monitoring import services as monitoring
from kotacerdas.monitoring.services import IndicatorData, ReportData
from kotacerdas.planning import services as planning
from kotacerdas.planning.models import PlanningRound, Programme
from kotacerdas.planning.services import Assignment, ProposalData
from kotacerdas.regions.models import Region
from kotacerdas.replication import services
from kotacerdas.replication import template as tpl
from kotacerdas.replication.models import ImportRecord, ReplicableProgramme
from kotacerdas.replication.services import OfferData
from kotacerdas.servicerequests import services as catalogue
from kotacerdas.servicerequests.models import Service

NOW = dt.datetime(2027, 2, 1, 3, 0, tzinfo=dt.UTC)  # 10:00 WIB
STARTED = dt.date(2026, 1, 1)
JIMPITAN = tpl.JimpitanEntry(
    scheme="nightly",
    nightly_amount=500,
    monthly_tariff=0,
    payment="cash",
    watch_start="22:00",
    watch_end="04:00",
    rw_share_percent=30,
    rotation="weekly",
)


@time_machine.travel(NOW, tick=False)
class ReplicationTestCase(RegionTestCase):
    """Source "kotaraya" offers two programmes; target "kabupatenlain" (outsider = its planner) has an open round."""

    source_round: ClassVar[PlanningRound]
    target_round: ClassVar[PlanningRound]
    service: ClassVar[Service]
    smart_service: ClassVar[Programme]
    riverside: ClassVar[Programme]
    smart_offer: ClassVar[ReplicableProgramme]
    riverside_offer: ClassVar[ReplicableProgramme]
    target_ict: ClassVar[Agency]
    target_works: ClassVar[Agency]
    target_village: ClassVar[Agency]
    target_planner: ClassVar[User]
    target_officer: ClassVar[User]

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.source_round = cls.open_round(cls.region, cls.bappeda, cls.planner)
        cls.service = catalogue.service_save(
            region=cls.region,
            agency=cls.public_works,
            actor=cls.officer,
            code="LAMPU-01",
            name="Lampu jalan mati",
            group="Infrastruktur",
            response_minutes=120,
            resolution_minutes=1440,
        )
        catalogue.attribute_add(
            service=cls.service, code="tiang", datatype="string", description="Nomor tiang", actor=cls.officer
        )
        cls.smart_service = cls._smart_service()
        cls.riverside = cls._riverside()
        cls.smart_offer = cls.offer(cls.smart_service, "layanan-pintar", services=[cls.service], app=True)
        cls.riverside_offer = cls.offer(cls.riverside, "tepi-sungai", jimpitan=JIMPITAN)
        cls._build_target()

    @classmethod
    def open_round(cls, region: Region, opener: Agency, actor: User) -> PlanningRound:
        return planning.round_open(
            region=region,
            year=2027,
            title=f"Usulan 2027 {region.slug}",
            deadline=dt.date(2027, 3, 31),
            opened_by=opener,
            actor=actor,
        )

    @classmethod
    def published(
        cls, *, title: str, dimension: str, elements: list[str], agency: Agency, author: User, **extra: Any
    ) -> Programme:
        data = ProposalData(
            title=title,
            description=f"Deskripsi {title}.",
            dimension=Dimension.objects.get(code=dimension),
            horizon="medium",
            beneficiaries="Seluruh warga",
            funding_source="apbd",
            elements=list(Element.objects.filter(code__in=elements)),
            budget=1_000_000,
            needs_digitalisation=bool(extra.get("needs")),
            digitalisation_needs=extra.get("needs", ""),
        )
        proposal = planning.proposal_create(planning_round=cls.source_round, agency=agency, data=data, actor=author)
        planning.proposal_submit(proposal=proposal, actor=author)
        planning.proposal_start_review(proposal=proposal, actor=cls.planner)
        assignment = Assignment(lead=agency, supporters=extra.get("supporters", []))
        programme = planning.proposal_accept(proposal=proposal, assignment=assignment, actor=cls.planner)
        planning.proposal_publish_decision(proposal=proposal, actor=cls.planner)
        programme.refresh_from_db()
        return programme

    @classmethod
    def _smart_service(cls) -> Programme:
        return cls.published(
            title="Layanan Kota Pintar",
            dimension="governance",
            elements=["governance.public-service"],
            agency=cls.diskominfo,
            author=cls.officer,
            supporters=[(cls.public_works, "Layanan jalan dan lampu")],
            needs="Satu aplikasi untuk semua layanan.",
        )

    @classmethod
    def _riverside(cls) -> Programme:
        programme = cls.published(
            title="Penataan tepi sungai",
            dimension="living",
            elements=["living.harmony"],
            agency=cls.public_works,
            author=cls.operator,
        )
        planning.programme_transition(programme=programme, action="start", actor=cls.operator)
        period = monitoring.period_create(
            region=cls.region,
            label="2026",
            starts_on=dt.date(2026, 1, 1),
            ends_on=dt.date(2026, 12, 31),
            actor=cls.planner,
        )
        slum = monitoring.indicator_create(
            programme=programme,
            data=IndicatorData(
                title="Luas kawasan kumuh",
                measure="unit",
                unit="ha",
                direction="descending",
                baseline_value=Decimal("278.70"),
                baseline_year=2014,
            ),
            actor=cls.planner,
        )
        monitoring.target_set(indicator=slum, period=period, target=Decimal(100), actor=cls.planner)
        values = {slum.pk: (Decimal("114.72"), "")}
        report = monitoring.report_save(
            programme=programme,
            period=period,
            actor=cls.operator,
            data=ReportData(narrative="Laporan.", progress_percent=40, values=values),
        )
        monitoring.report_submit(report=report, actor=cls.operator)
        monitoring.report_approve(report=report, actor=cls.planner)
        monitoring.milestone_create(
            programme=programme, title="Jalan inspeksi selesai", planned_date=dt.date(2026, 9, 30), actor=cls.operator
        )
        child = planning.programme_add_child(
            parent=programme,
            title="IPAL komunal",
            kind="sub_programme",
            lead_agency=cls.public_works,
            description="Instalasi pengolahan air limbah.",
            weight=40,
            actor=cls.planner,
        )
        monitoring.milestone_create(
            programme=child, title="IPAL beroperasi", planned_date=dt.date(2026, 6, 30), actor=cls.operator
        )
        return programme

    @classmethod
    def offer(cls, programme: Programme, code: str, **extra: Any) -> ReplicableProgramme:
        data = OfferData(
            code=code,
            what_it_delivers=f"Yang dihasilkan {programme.title}.",
            contact_agency=cls.diskominfo,
            started_on=STARTED,
            app_name="Aplikasi Kota" if extra.get("app") else "",
            app_needs="Satu aplikasi untuk semua layanan." if extra.get("app") else "",
            services=extra.get("services", []),
            jimpitan=extra.get("jimpitan"),
        )
        return services.offer_save(programme=programme, data=data, actor=cls.planner)

    @classmethod
    def _build_target(cls) -> None:
        target = cls.other_region
        cls.target_ict = make_agency(
            target, "diskominfostat", special_role="ict", name="Dinas Komunikasi Informatika dan Statistik"
        )
        cls.target_works = make_agency(target, "dinas-pupr", name="Dinas Pekerjaan Umum dan Penataan Ruang")
        cls.target_village = make_agency(target, "kecamatan-pusat", kind="kecamatan", name="Kecamatan Pusat")
        cls.target_planner = cls.outsider
        cls.target_officer = make_user("target_officer", Role.DISKOMINFO_OFFICER, target, agency=cls.target_ict)
        cls.target_round = cls.open_round(target, cls.other_agency, cls.target_planner)

    # --- helpers --------------------------------------------------------------------------------

    def source_template(self, codes: list[str] | None = None) -> tpl.Template:
        from kotacerdas.replication.exporting import template_of_offers

        template = template_of_offers(region=self.region, codes=codes)
        assert template is not None
        return template

    def prepared(self, template: tpl.Template | None = None) -> ImportRecord:
        return services.import_prepare(
            region=self.other_region, template=template or self.source_template(), actor=self.target_planner
        )

    def full_mapping(self) -> dict[str, Agency]:
        """kotaraya's agencies mapped to kabupatenlain's by what they do."""
        by_name = {
            self.diskominfo.name: self.target_ict,
            self.public_works.name: self.target_works,
            self.bappeda.name: self.other_agency,
        }
        return {a.key: by_name[a.name] for a in self.source_template().agencies}

    def assertRefused(self, error: type[ApplicationError], message: str | None, call: Any) -> ApplicationError:
        with self.assertRaises(ApplicationError) as caught:
            call()
        self.assertIs(type(caught.exception), error, caught.exception)
        if message is not None:
            self.assertEqual(caught.exception.message, gettext(message))
        return caught.exception
