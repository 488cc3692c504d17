"""Demo of replication: Yogyakarta offers three programmes; Musi Rawas visits on 9 November 2023 and imports two.

The visit is real (the seed article): Musi Rawas's Diskominfo, Bappeda and related agencies, headed by the
regional inspectorate, were received by Yogyakarta's Diskominfosan on Thursday 9 November 2023. JSS's start
(7 June 2018) is a published fact; the other start dates, the "what it delivers" texts and the agency
mapping choices for agencies Musi Rawas has not registered here are illustrative. The jimpitan defaults are
those of the demo fund of RT 01 / RW 01 Patangpuluhan when it exists (Rp500 a night from 22:00, 30 % to the
RW), the common practice in the sources otherwise.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from kotacerdas.accounts.models import User
from kotacerdas.agencies.models import Agency
from kotacerdas.demo import data
from kotacerdas.planning import services as planning
from kotacerdas.planning.models import PlanningRound, Programme
from kotacerdas.regions.models import Region
from kotacerdas.replication import exporting, selectors, services
from kotacerdas.replication import template as tpl
from kotacerdas.replication.models import ImportRecord, ImportStatus, ReplicableProgramme, Visit
from kotacerdas.servicerequests.models import Service

YOGYAKARTA_PLANNER = "bappeda.yogyakarta"
MUSI_RAWAS_PLANNER = "bappeda.musirawas"
VISIT_DATE = dt.date(2023, 11, 9)
VISIT_TOPICS = (
    "Pengelolaan Smart City bersama Bappeda dan perangkat daerah terkait; pendampingan Kominfo sejak 2018 "
    "(100 Kota Menuju Smart City, angkatan kedua).\n"
    "Cara menjaring usulan: perangkat daerah menyatakan dimensi Smart City yang dapat didukungnya, Bappeda "
    "menentukan program dan perangkat daerah pendukung, Diskominfosan mendukung aplikasi/digitalisasinya.\n"
    "Program Smart Society sekaligus CSR: Penguatan Ekosistem Digital Kalurahan Patangpuluhan (pelatihan "
    "pemrograman web dan desain informasi publik untuk remaja SMP–SMA).\n"
    "Smart City bukan hanya digitalisasi: program M3K (Munggah, Mundur, Madhep Kali) dan Jogja Smart Service (JSS).\n"
    "Pengelolaan uang jimpitan ronda di Kalurahan Patangpuluhan."
)
# (programme title starts with, code, what it delivers, start date, services, application name)
OFFERS: list[tuple[str, str, str, dt.date, list[str], str]] = [
    (
        "Jogja Smart Service",
        "jss",
        "Satu aplikasi dan satu akun warga untuk layanan informasi, perizinan, pengaduan dan kedaruratan dari "
        "semua OPD; setiap OPD menjawab pengaduan dalam 2 jam.",
        dt.date(2018, 6, 7),
        ["PJU-01", "JALAN-01", "SAMPAH-01", "INFO-ADMINDUK"],
        "Jogja Smart Service",
    ),
    (
        "M3K",
        "m3k",
        "Permukiman tepi sungai yang tertata: rumah mundur dari bibir sungai untuk jalan inspeksi yang dapat "
        "dilalui ambulans dengan IPAL komunal di bawahnya, rumah dua lantai menghadap sungai.",
        dt.date(2024, 1, 1),
        [],
        "",
    ),
    (
        "Penguatan Ekosistem Digital",
        "ekosistem-digital",
        "Remaja SMP–SMA dilatih gratis menjadi pemrogram web dan perancang informasi publik bersama mitra CSR; "
        "Balai RW menjadi ruang kerja bersama; warga ikut mengelola jimpitan ronda secara digital.",
        dt.date(2024, 1, 1),
        [],
        "",
    ),
]
IMPORTED_CODES = ["ekosistem-digital", "jss"]
# Musi Rawas has not registered these kinds of agency here yet: its Diskominfo coordinates them meanwhile,
# and a village office is represented by the district office of the seat, Muara Beliti (demo choices).
FALLBACK_AGENCY = "diskominfostat"
VILLAGE_FALLBACK = "kecamatan-muara-beliti"
JIMPITAN_DEFAULTS = {
    "scheme": "nightly",
    "nightly_amount": 500,
    "monthly_tariff": 0,
    "payment": "cash",
    "watch_start": "22:00",
    "watch_end": "06:00",
    "rw_share_percent": 30,
    "rotation": "weekly",
}


def load(yogyakarta: Region) -> None:
    musi_rawas = Region.objects.get(slug=data.MUSI_RAWAS["slug"])
    planner = User.objects.get(username=YOGYAKARTA_PLANNER)
    for spec in OFFERS:
        _offer(yogyakarta, planner, *spec)
    guest = User.objects.get(username=MUSI_RAWAS_PLANNER)
    _round(musi_rawas, guest)  # the import needs an open round
    visit = _visit(musi_rawas, yogyakarta, guest)
    if not ImportRecord.objects.for_region(musi_rawas).filter(status=ImportStatus.IMPORTED).exists():
        _import(musi_rawas, yogyakarta, visit, guest)


def _offer(
    region: Region, planner: User, title: str, code: str, delivers: str, started: dt.date, codes: list[str], app: str
) -> None:
    programme = Programme.objects.for_region(region).filter(title__startswith=title, parent__isnull=True).first()
    if programme is None or ReplicableProgramme.objects.filter(programme=programme).exists():
        return
    request = programme.digitalisation_requests.first()
    data = services.OfferData(
        code=code,
        what_it_delivers=delivers,
        contact_agency=Agency.objects.get(region=region, slug="diskominfosan"),
        started_on=started,
        app_name=app,
        app_needs=request.needs if request is not None and app else "",
        services=list(Service.objects.for_region(region).filter(code__in=codes)),
        jimpitan=_jimpitan(region) if code == "ekosistem-digital" else None,
    )
    services.offer_save(programme=programme, data=data, actor=planner)


def _jimpitan(region: Region) -> tpl.JimpitanEntry:
    """The scheme of the demo fund, when the jimpitan room has one; the sources' common practice otherwise."""
    from kotacerdas.jimpitan.models import Fund

    fund = Fund.objects.for_region(region).filter(is_active=True).order_by("pk").first()
    if fund is None:
        return tpl.JimpitanEntry.model_validate(JIMPITAN_DEFAULTS)
    fields: dict[str, Any] = {name: getattr(fund, name) for name in JIMPITAN_DEFAULTS}
    fields["watch_start"], fields["watch_end"] = f"{fund.watch_start:%H:%M}", f"{fund.watch_end:%H:%M}"
    return tpl.JimpitanEntry.model_validate(fields)


def _round(region: Region, planner: User) -> PlanningRound:
    existing = selectors.current_open_round(region=region)
    if existing is not None:
        return existing
    year = timezone.localdate().year + 1
    return planning.round_open(
        region=region,
        year=year,
        title=f"Usulan Program Smart City Tahun {year}",
        deadline=timezone.localdate() + dt.timedelta(days=30),
        description="Replikasi praktik baik hasil kunjungan kerja ke Kota Yogyakarta dan usulan perangkat daerah.",
        opened_by=Agency.objects.get(region=region, slug="bappeda"),
        actor=planner,
    )


def _visit(guest_region: Region, host: Region, planner: User) -> Visit:
    existing = Visit.objects.filter(region=guest_region, host_region=host, visited_on=VISIT_DATE).first()
    if existing is not None:
        return existing
    agencies = {a.slug: a for a in Agency.objects.for_region(guest_region)}
    studied = Programme.objects.for_region(host).published().top_level().filter(replicable__isnull=False)
    data = services.VisitData(
        host_region=host,
        host_agency=Agency.objects.get(region=host, slug="diskominfosan"),
        visited_on=VISIT_DATE,
        topics=VISIT_TOPICS,
        delegation=[agencies["diskominfostat"], agencies["bappeda"]],
        head=agencies["inspektorat"],
        programmes=list(studied),
    )
    return services.visit_record(region=guest_region, data=data, actor=planner)


def _import(region: Region, source: Region, visit: Visit, planner: User) -> None:
    template = exporting.template_of_offers(region=source, codes=IMPORTED_CODES)
    if template is None:
        return
    record = services.import_prepare(region=region, template=template, source_region=source, actor=planner)
    keys = services.used_agency_keys(template)
    rows = selectors.mapping_rows(region=region, template=template, keys=keys)
    agencies = {a.slug: a for a in Agency.objects.for_region(region)}
    mapping = {row.entry.key: row.suggestion or _fallback(row.entry, agencies) for row in rows}
    services.import_complete(record=record, mapping=mapping, visit=visit, actor=planner)


def _fallback(entry: tpl.AgencyEntry, agencies: dict[str, Agency]) -> Agency:
    return agencies[VILLAGE_FALLBACK if entry.kind in ("kelurahan", "kalurahan") else FALLBACK_AGENCY]
