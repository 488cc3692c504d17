"""Demo of citizen services in Kota Yogyakarta: a few catalogue entries, an Open311 client, requests in several states.

Response targets follow the city's published practice (a first answer within 2 hours; street lights
fixed within 1×24 hours); the other deadlines are illustrative.
"""

from __future__ import annotations

import hashlib
from typing import Any

from django.db import transaction

from kotacerdas.accounts.models import User
from kotacerdas.agencies.models import Agency
from kotacerdas.regions.models import Area, Region
from kotacerdas.servicerequests import services
from kotacerdas.servicerequests.models import Open311Client, Service, ServiceRequest

OPEN311_DEMO_KEY = "kotacerdas-demo-key"

SERVICES: list[dict[str, Any]] = [
    {
        "agency": "upt-pju",
        "code": "PJU-01",
        "name": "Lampu penerangan jalan umum mati",
        "group": "Infrastruktur",
        "keywords": "lampu, PJU, jalan gelap",
        "response_minutes": 120,
        "resolution_minutes": 24 * 60,
        "description": "Laporkan lampu jalan yang mati atau berkedip. Perbaikan dalam 1×24 jam.",
    },
    {
        "agency": "dpupkp",
        "code": "JALAN-01",
        "name": "Jalan atau trotoar rusak",
        "group": "Infrastruktur",
        "keywords": "jalan berlubang, trotoar",
        "response_minutes": 120,
        "resolution_minutes": 7 * 24 * 60,
        "description": "Laporkan jalan berlubang atau trotoar rusak.",
    },
    {
        "agency": "dlh",
        "code": "SAMPAH-01",
        "name": "Sampah menumpuk",
        "group": "Lingkungan",
        "keywords": "sampah, depo",
        "response_minutes": 120,
        "resolution_minutes": 2 * 24 * 60,
        "description": "Laporkan tumpukan sampah di tempat umum.",
    },
    {
        "agency": "disdukcapil",
        "code": "INFO-ADMINDUK",
        "name": "Informasi layanan kependudukan",
        "group": "Administrasi kependudukan",
        "keywords": "KTP, KK, akta",
        "response_minutes": 120,
        "resolution_minutes": 3 * 24 * 60,
        "description": "Tanyakan syarat dan alur layanan KTP, KK dan akta.",
    },
]

REQUESTS = [
    ("PJU-01", "Lampu jalan di depan Balai RW 01 mati sejak kemarin malam.", "Patangpuluhan", ["verify", "start"]),
    ("SAMPAH-01", "Sampah menumpuk di pinggir jalan dekat jembatan.", "Wirobrajan", ["verify", "fix"]),
    ("JALAN-01", "Lubang besar di jalan kampung, berbahaya untuk motor.", "Pakuncen", []),
]


def load(region: Region) -> None:
    officer = User.objects.get(username="diskominfo.yogyakarta")
    agencies = {a.slug: a for a in Agency.objects.for_region(region)}
    for spec in SERVICES:
        if not Service.objects.for_region(region).filter(code=spec["code"]).exists():
            fields = {k: v for k, v in spec.items() if k != "agency"}
            services.service_save(region=region, agency=agencies[spec["agency"]], actor=officer, **fields)
    pju = Service.objects.get(region=region, code="PJU-01")
    if not pju.attributes.exists():
        services.attribute_add(
            service=pju, code="tiang", datatype="string", description="Nomor tiang lampu (jika terlihat)", actor=officer
        )
    _open311_client(region)
    if not ServiceRequest.objects.for_region(region).exists():
        _requests(region, officer)


@transaction.atomic
def _open311_client(region: Region) -> None:
    digest = hashlib.sha256(OPEN311_DEMO_KEY.encode()).hexdigest()
    Open311Client.objects.get_or_create(
        digest=digest, defaults={"region": region, "name": "Aplikasi demo", "prefix": OPEN311_DEMO_KEY[:8]}
    )


def _requests(region: Region, officer: User) -> None:
    citizen = User.objects.get(username="warga.yogyakarta")
    for code, text, area_name, steps in REQUESTS:
        service = Service.objects.get(region=region, code=code)
        area = Area.objects.for_region(region).filter(name=area_name, level=2).first()
        data = services.RequestData(description=text, area=area, address=f"Kelurahan {area_name}")
        request, _new = services.request_submit(service=service, data=data, citizen=citizen, actor=citizen)
        for step in steps:
            actor = officer if step == "verify" else _handler(region, request.agency)
            note = "Diteruskan ke OPD terkait." if step == "verify" else "Petugas sudah ditugaskan ke lokasi."
            services.request_transition(request=request, action=step, actor=actor, note=note)


def _handler(region: Region, agency: Agency) -> User:
    from kotacerdas.accounts.models import Membership

    membership = Membership.objects.filter(region=region, agency=agency).select_related("user").first()
    if membership is None:
        raise LookupError(f"no demo account acts for {agency.slug}")
    return membership.user
