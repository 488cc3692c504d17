"""Demo of the programme cycle in Kota Yogyakarta: a masterplan, an open round, proposals in every state.

The programmes named in the seed article are real (JSS, M3K, the digital ecosystem training in
Patangpuluhan, the digital jimpitan ronda); budgets, dates and texts here are illustrative.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from kotacerdas.accounts.models import User
from kotacerdas.agencies.models import Agency
from kotacerdas.framework.models import Dimension, Element
from kotacerdas.planning import services
from kotacerdas.planning.models import Masterplan, PlanningRound, Programme, Proposal
from kotacerdas.regions.models import Area, Region

MASTERPLAN: dict[str, Any] = {
    "title": "Masterplan Smart City Kota Yogyakarta",
    "version": "demo-1",
    "period_start": 2024,
    "period_end": 2028,
    "vision": "(Teks contoh untuk demo, bukan dokumen resmi.) Kota Yogyakarta yang nyaman dihuni, melayani warga "
    "dengan cepat, dan dibangun bersama seluruh perangkat daerah.",
    "mission": "1. Layanan publik dalam satu aplikasi (JSS).\n2. Permukiman tepi sungai yang tertata (M3K).\n"
    "3. Ekosistem digital bagi generasi muda.\n4. Keamanan lingkungan yang dikelola warga.",
    "legal_basis": "",
    "is_current": True,
}

# (agency slug, title, dimension, elements, horizon, area names, beneficiaries, budget, source, partners,
#  digitalisation needs, what happens: draft/submitted/returned/accepted/accepted-unpublished, lead, supporters)
PROPOSALS: list[dict[str, Any]] = [
    {
        "agency": "diskominfosan",
        "title": "Jogja Smart Service (JSS): satu aplikasi untuk semua layanan",
        "description": "Satu akun warga untuk layanan informasi, perizinan, pengaduan dan kedaruratan dari semua OPD.",
        "dimension": "governance",
        "elements": ["governance.public-service"],
        "horizon": "medium",
        "areas": [],
        "beneficiaries": "Seluruh warga Kota Yogyakarta",
        "budget": 1_500_000_000,
        "funding_source": "apbd",
        "digitalisation": "Aplikasi JSS: akun tunggal, katalog layanan semua OPD, pengaduan dengan foto dan lokasi.",
        "outcome": "accepted",
        "supporters": [("dpmpp", "Layanan perizinan di JSS"), ("disdukcapil", "Layanan kependudukan di JSS")],
        "start": True,
        "app": ("Jogja Smart Service", "https://jss.jogjakota.go.id"),
    },
    {
        "agency": "dpupkp",
        "title": "M3K: Mundur, Munggah, Madhep Kali di tepi Sungai Winongo",
        "description": "Rumah mundur dari bibir sungai untuk jalan inspeksi dengan IPAL komunal di bawahnya, "
        "rumah dibangun dua lantai dan menghadap ke sungai.",
        "dimension": "living",
        "elements": ["living.harmony"],
        "horizon": "long",
        "areas": ["Wirobrajan", "Patangpuluhan"],
        "beneficiaries": "Warga permukiman tepi sungai",
        "budget": 2_000_000_000,
        "funding_source": "apbd",
        "outcome": "accepted",
        "supporters": [("dlh", "Pemantauan kualitas air sungai"), ("kemantren-wirobrajan", "Sosialisasi warga")],
        "start": True,
    },
    {
        "agency": "kelurahan-patangpuluhan",
        "title": "Penguatan Ekosistem Digital Kelurahan Patangpuluhan",
        "description": "Pelatihan gratis pemrograman web dan desain informasi publik bagi remaja SMP dan SMA "
        "bersama mitra; Balai RW menjadi ruang kerja bersama.",
        "dimension": "society",
        "elements": ["society.learning"],
        "horizon": "quick_win",
        "areas": ["Patangpuluhan"],
        "beneficiaries": "Remaja usia 14–20 tahun",
        "budget": 75_000_000,
        "funding_source": "csr",
        "partners": "Mitra CSR",
        "outcome": "accepted",
        "lead": "diskominfosan",
        "supporters": [("kelurahan-patangpuluhan", "Menyediakan Balai RW dan merekrut peserta")],
        "quick_win_year": 2024,
        "start": True,
    },
    {
        "agency": "kelurahan-patangpuluhan",
        "title": "Jimpitan ronda digital",
        "description": "Kode QR di setiap rumah, pencatatan jimpitan setiap malam dan laporan bulanan kas RT.",
        "dimension": "society",
        "elements": ["society.security", "society.community"],
        "horizon": "quick_win",
        "areas": ["Patangpuluhan"],
        "beneficiaries": "Rumah tangga dan pengurus RT/RW",
        "budget": 25_000_000,
        "funding_source": "csr",
        "digitalisation": "Aplikasi ronda yang bekerja tanpa sinyal, kode QR per rumah, buku kas dan laporan bulanan.",
        "outcome": "accepted-unpublished",
        "supporters": [("diskominfosan", "Membangun aplikasi")],
        "quick_win_year": 2025,
    },
    {
        "agency": "dishub",
        "title": "Informasi parkir daring di kawasan Malioboro",
        "description": "Ketersediaan tempat parkir ditampilkan langsung kepada pengunjung.",
        "dimension": "living",
        "elements": ["living.mobility"],
        "horizon": "short",
        "areas": [],
        "beneficiaries": "Pengunjung dan warga",
        "budget": 300_000_000,
        "funding_source": "apbd",
        "outcome": "submitted",
    },
    {
        "agency": "disperindag",
        "title": "Etalase daring produk UMKM",
        "description": "Katalog produk UMKM kota dengan pembayaran nontunai.",
        "dimension": "economy",
        "elements": ["economy.financial-transactions"],
        "horizon": "short",
        "areas": [],
        "beneficiaries": "Pelaku UMKM",
        "budget": 150_000_000,
        "funding_source": "apbd",
        "outcome": "returned",
        "review_note": "Jelaskan kerja sama dengan penyedia pembayaran dan jumlah UMKM sasaran.",
    },
    {
        "agency": "dinsosnakertrans",
        "title": "Data terpadu penerima bantuan sosial",
        "description": "Satu data penerima bantuan yang dimutakhirkan bersama kelurahan.",
        "dimension": "economy",
        "elements": ["economy.welfare"],
        "horizon": "medium",
        "areas": [],
        "beneficiaries": "Keluarga penerima bantuan",
        "budget": 0,
        "funding_source": "apbd",
        "outcome": "draft",
    },
]


def _user(username: str) -> User:
    return User.objects.get(username=username)


def _data(region: Region, spec: dict[str, Any]) -> services.ProposalData:
    return services.ProposalData(
        title=spec["title"],
        description=spec["description"],
        dimension=Dimension.objects.get(code=spec["dimension"]),
        elements=list(Element.objects.for_region(region).filter(code__in=spec["elements"])),
        horizon=spec["horizon"],
        areas=list(Area.objects.for_region(region).filter(name__in=spec["areas"], level__lte=2)),
        beneficiaries=spec["beneficiaries"],
        budget=spec["budget"],
        funding_source=spec["funding_source"],
        partners=spec.get("partners", ""),
        needs_digitalisation=bool(spec.get("digitalisation")),
        digitalisation_needs=spec.get("digitalisation", ""),
    )


def _operator_of(region: Region, agency: Agency) -> User:
    """The demo account acting for the agency (an operator, or Bappeda/Diskominfo staff for their own)."""
    from kotacerdas.accounts.models import Membership

    membership = Membership.objects.filter(region=region, agency=agency).select_related("user").first()
    if membership is None:
        raise LookupError(f"no demo account acts for {agency.slug}")
    return membership.user


def load(region: Region) -> None:
    planner = _user("bappeda.yogyakarta")
    masterplan = Masterplan.objects.for_region(region).filter(title=MASTERPLAN["title"]).first()
    if masterplan is None:
        masterplan = services.masterplan_save(region=region, actor=planner, **MASTERPLAN)
    planning_round = _round(region, planner)
    for spec in PROPOSALS:
        if not Proposal.objects.for_region(region).filter(title=spec["title"]).exists():
            _play(region, planning_round, masterplan, planner, spec)


def _round(region: Region, planner: User) -> PlanningRound:
    year = timezone.localdate().year + 1
    title = f"Usulan Program Smart City Tahun {year}"
    existing = PlanningRound.objects.for_region(region).filter(title__startswith="Usulan Program Smart City").first()
    if existing is not None:
        return existing
    return services.round_open(
        region=region,
        year=year,
        title=title,
        deadline=timezone.localdate() + dt.timedelta(days=30),
        description="Setiap OPD mengusulkan program untuk dimensi Smart City yang dapat didukungnya.",
        opened_by=Agency.objects.get(region=region, slug="bappeda"),
        actor=planner,
    )


def _play(region: Region, planning_round: PlanningRound, masterplan: Masterplan, planner: User, spec: dict) -> None:
    agency = Agency.objects.get(region=region, slug=spec["agency"])
    proposer = _operator_of(region, agency)
    proposal = services.proposal_create(
        planning_round=planning_round, agency=agency, data=_data(region, spec), actor=proposer
    )
    outcome = spec["outcome"]
    if outcome == "draft":
        return
    services.proposal_submit(proposal=proposal, actor=proposer)
    if outcome == "returned":
        services.proposal_start_review(proposal=proposal, actor=planner)
        services.proposal_return(proposal=proposal, reason=spec["review_note"], actor=planner)
    elif outcome.startswith("accepted"):
        _accept(region, proposal, masterplan, planner, spec, publish=outcome == "accepted")


def _accept(
    region: Region, proposal: Proposal, masterplan: Masterplan, planner: User, spec: dict, publish: bool
) -> None:
    agencies = {a.slug: a for a in Agency.objects.for_region(region)}
    assignment = services.Assignment(
        lead=agencies[spec.get("lead", spec["agency"])],
        supporters=[(agencies[slug], role) for slug, role in spec.get("supporters", [])],
        masterplan=masterplan,
        quick_win_year=spec.get("quick_win_year"),
    )
    services.proposal_start_review(proposal=proposal, actor=planner)
    programme = services.proposal_accept(proposal=proposal, assignment=assignment, actor=planner)
    if not publish:
        return
    services.proposal_publish_decision(proposal=proposal, actor=planner)
    if spec.get("start"):
        lead_user = _operator_of(region, programme.lead_agency)
        services.programme_transition(programme=programme, action="start", actor=lead_user)
    if spec.get("app"):
        _deliver_app(programme, spec["app"])


def _deliver_app(programme: Programme, app: tuple[str, str]) -> None:
    officer = _user("diskominfo.yogyakarta")
    request = programme.digitalisation_requests.get()
    services.digitalisation_transition(request=request, action="analyse", note="Kebutuhan dipetakan.", actor=officer)
    services.digitalisation_transition(request=request, action="develop", actor=officer)
    services.digitalisation_transition(
        request=request, action="go_live", app_name=app[0], app_url=app[1], actor=officer
    )
