"""Demo of the jimpitan room in Kota Yogyakarta: the fund of RT 01 / RW 01, Kelurahan Patangpuluhan.

The scheme follows the common practice in the sources (Rp500 a night, watch from 22:00, a 70/30 split
between RT and RW, one ronda group per night of the week). Households and their heads are illustrative,
not real residents; the opening balance is a demo value.
"""

from __future__ import annotations

import datetime as dt
import uuid

from kotacerdas.accounts.models import User
from kotacerdas.jimpitan import services
from kotacerdas.jimpitan.models import EntryKind, Fund
from kotacerdas.jimpitan.services import FundTerms
from kotacerdas.regions.models import Area, AreaLevel, Region

FUND_NAME = "Jimpitan RT 01 RW 01 Patangpuluhan"
TREASURER = "bendahara.yogyakarta"
RONDA_MEMBER = "ronda.yogyakarta"
# (house number, head of household) — illustrative residents.
HOUSEHOLDS = [
    ("1", "Sutrisno"),
    ("2", "Suparmi"),
    ("3", "Bambang Wibowo"),
    ("4", "Sri Rahayu"),
    ("5", "Joko Susilo"),
    ("6", "Tri Wahyuni"),
    ("7", "Agus Santoso"),
    ("8", "Endang Lestari"),
    ("9", "Heru Prasetyo"),
    ("10", "Siti Aminah"),
    ("11", "Wahyu Hidayat"),
    ("12", "Ngatini"),
]
GROUPS = ["Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu", "Minggu"]
RONDA_GROUP = 4  # the ronda member's night: Thursday
OPENING_BALANCE = 250_000


def load(region: Region) -> None:
    rt = Area.objects.get(
        region=region, level=AreaLevel.RT, name="RT 01", parent__name="RW 01", parent__parent__name="Patangpuluhan"
    )
    if Fund.objects.filter(area=rt).exists():
        return
    treasurer = User.objects.get(username=TREASURER)
    terms = FundTerms(
        name=FUND_NAME, nightly_amount=500, watch_start=dt.time(22, 0), watch_end=dt.time(6, 0), rw_share_percent=30
    )
    fund = services.fund_create(area=rt, terms=terms, actor=treasurer)
    for number, head in HOUSEHOLDS:
        services.household_create(fund=fund, number=number, head_name=head, actor=treasurer)
    ronda = User.objects.get(username=RONDA_MEMBER)
    for position, day in enumerate(GROUPS, start=1):
        group = services.group_create(fund=fund, name=f"Kelompok {day}", position=position, actor=treasurer)
        if position == RONDA_GROUP:
            services.group_member_add(group=group, user=ronda, actor=treasurer)
    services.income_record(
        fund=fund,
        kind=EntryKind.CARRIED_OVER,
        amount=OPENING_BALANCE,
        description="Saldo buku kas ronda sebelumnya (contoh demo)",
        idempotency_key=uuid.uuid4(),
        actor=treasurer,
    )
