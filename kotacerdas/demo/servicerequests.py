"""Demo of citizen services in Kota Yogyakarta: a catalogue across its agencies, an Open311 client, ~300 requests.

Catalogue: seventeen services of eleven agencies (street lights at DPUPKP's UPT PJU, roads and drainage at DPUPKP,
waste and trees at DLH, population documents at Disdukcapil, puskesmas and dengue at Dinas Kesehatan, fire and
rescue at Dinas Kebakaran, parking and traffic lights at Dishub, markets at Disperindag, social aid at
Dinsosnakertrans, public information at Diskominfosan, public order at Satpol PP), some with extra questions.
Response targets follow the city's published practice (../shared/DOMAIN.md §4): a first answer within 2 hours,
street lights fixed within 1×24 hours. The fire service answers within 15 minutes and tells residents to call 112
(the national emergency number) or 113 (the fire brigade) in an emergency; public information requests are
answered within the 10 working days of UU 14/2008 (kept here as 14 calendar days). Every other deadline, and
which services, groups and questions there are, is illustrative, not the city's catalogue.

Requests: 300 over the last 88 days, in every state of the workflow (awaiting verification, postponed, not our
authority, archived, open, investigating, in progress, action scheduled, fixed, closed, duplicate, not our
responsibility, no further action, and some reopened by their citizen), spread over the 45 kelurahan. They come
from `warga.yogyakarta` and twelve illustrative residents (accounts without a password or a NIK: nobody logs in
with them). Each agency's demo operator handles its requests; the agencies without one in demo/data.py get an
illustrative operator account without a password. Texts, places, map points (scattered around a rough centre of
the kemantren, not positions of real objects), timings, and how often each agency answers on time are demo
values drawn with a fixed seed: they are not the city's figures.

How the history is written: every step goes through the room's services, in time order across all requests
(request_submit, request_reroute, request_transition, and the overdue flag as the quarter-hourly job writes it,
without its e-mail), so the public history, notes, audit entries, first response and resolution are exactly what
the room writes. The services stamp the real clock, so afterwards the rows of this load are moved back to their
planned moments with queryset updates: each request's times (its deadlines recomputed from the service as
request_submit computes them), its history rows and its audit entries; the catalogue and the accounts made here
are dated before the first request. Loading again adds nothing: services and questions are found by their code,
and a region that has requests keeps them as they are.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import random
import zoneinfo
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, transaction
from django.utils import timezone
from PIL import Image, ImageDraw

from kotacerdas.accounts import services as accounts
from kotacerdas.accounts.models import Membership, User
from kotacerdas.accounts.roles import Role
from kotacerdas.agencies.models import Agency
from kotacerdas.audit import services as audit
from kotacerdas.audit.actions import AuditAction
from kotacerdas.audit.models import AuditEntry
from kotacerdas.regions.models import Area, AreaLevel, Region
from kotacerdas.servicerequests import services
from kotacerdas.servicerequests.models import (
    HANDLING_STATUSES,
    Open311Client,
    RequestKind,
    RequestStatus,
    RequestUpdate,
    Service,
    ServiceAttribute,
    ServiceRequest,
)
from kotacerdas.servicerequests.workflow import REQUEST, RESOLUTION_STATUSES, RESPONSE_ACTIONS

OPEN311_DEMO_KEY = "kotacerdas-demo-key"
SEED = "yogyakarta-servicerequests"
COORDINATOR = "diskominfo.yogyakarta"
CITIZEN = "warga.yogyakarta"
HISTORY_DAYS = 88  # inside the 90 days an Open311 client sees by default
CATALOGUE_AGE = dt.timedelta(days=120)  # the catalogue and the accounts made here predate every request
DAY = 24 * 60
FLAGGABLE = frozenset({RequestStatus.SUBMITTED, RequestStatus.POSTPONED, *HANDLING_STATUSES})

# --- the catalogue ------------------------------------------------------------------------------

SERVICES: list[dict[str, Any]] = [
    {
        "agency": "upt-pju",
        "code": "PJU-01",
        "name": "Lampu penerangan jalan umum mati",
        "group": "Infrastruktur",
        "keywords": "lampu, PJU, jalan gelap",
        "response_minutes": 120,
        "resolution_minutes": DAY,
        "description": "Laporkan lampu jalan yang mati atau berkedip. Perbaikan dalam 1×24 jam.",
    },
    {
        "agency": "dpupkp",
        "code": "JALAN-01",
        "name": "Jalan atau trotoar rusak",
        "group": "Infrastruktur",
        "keywords": "jalan berlubang, trotoar",
        "response_minutes": 120,
        "resolution_minutes": 7 * DAY,
        "description": "Laporkan jalan berlubang atau trotoar rusak.",
    },
    {
        "agency": "dpupkp",
        "code": "DRAINASE-01",
        "name": "Saluran air tersumbat atau genangan",
        "group": "Infrastruktur",
        "keywords": "selokan, gorong-gorong, banjir, genangan",
        "response_minutes": 120,
        "resolution_minutes": 3 * DAY,
        "description": "Laporkan selokan yang tersumbat, tutup saluran yang hilang, atau genangan yang tidak surut.",
    },
    {
        "agency": "dlh",
        "code": "SAMPAH-01",
        "name": "Sampah menumpuk",
        "group": "Lingkungan",
        "keywords": "sampah, depo",
        "response_minutes": 120,
        "resolution_minutes": 2 * DAY,
        "description": "Laporkan tumpukan sampah di tempat umum.",
    },
    {
        "agency": "dlh",
        "code": "POHON-01",
        "name": "Pohon tumbang atau rawan tumbang",
        "group": "Lingkungan",
        "keywords": "pohon, dahan patah, ranting",
        "response_minutes": 120,
        "resolution_minutes": 2 * DAY,
        "description": "Laporkan pohon di tempat umum yang tumbang, miring, atau dahannya patah.",
    },
    {
        "agency": "disdukcapil",
        "code": "INFO-ADMINDUK",
        "name": "Informasi layanan kependudukan",
        "group": "Administrasi kependudukan",
        "keywords": "KTP, KK, akta",
        "response_minutes": 120,
        "resolution_minutes": 3 * DAY,
        "description": "Tanyakan syarat dan alur layanan KTP, KK dan akta.",
    },
    {
        "agency": "disdukcapil",
        "code": "ADUAN-ADMINDUK",
        "name": "Pengaduan layanan KTP-el, KK dan akta",
        "group": "Administrasi kependudukan",
        "keywords": "KTP-el, KK, akta, antrean, salah data",
        "response_minutes": 120,
        "resolution_minutes": 5 * DAY,
        "description": "Sampaikan keluhan tentang dokumen kependudukan yang terlambat, salah data, atau pelayanannya.",
    },
    {
        "agency": "dinkes",
        "code": "PUSKESMAS-01",
        "name": "Pengaduan layanan puskesmas",
        "group": "Kesehatan",
        "keywords": "puskesmas, antrean, obat, petugas",
        "response_minutes": 120,
        "resolution_minutes": 5 * DAY,
        "description": "Sampaikan keluhan atau saran tentang pelayanan di puskesmas.",
    },
    {
        "agency": "dinkes",
        "code": "DBD-01",
        "name": "Kasus demam berdarah dan permohonan fogging",
        "group": "Kesehatan",
        "keywords": "DBD, demam berdarah, nyamuk, jentik, fogging",
        "response_minutes": 120,
        "resolution_minutes": 3 * DAY,
        "description": (
            "Laporkan warga yang dirawat karena demam berdarah (DBD) atau banyaknya jentik nyamuk di lingkungan "
            "Anda. Petugas memeriksa lokasi lebih dulu (penyelidikan epidemiologi); pengasapan (fogging) hanya "
            "dilakukan bila hasilnya memenuhi syarat. Pencegahan utama tetap PSN 3M Plus."
        ),
    },
    {
        "agency": "dinas-kebakaran",
        "code": "DAMKAR-01",
        "name": "Bahaya kebakaran dan penyelamatan",
        "group": "Kedaruratan",
        "keywords": "kebakaran, asap, gas bocor, penyelamatan, darurat",
        "response_minutes": 15,
        "resolution_minutes": DAY,
        "description": (
            "Keadaan darurat (api menyala, orang terjebak): segera telepon 112 (nomor darurat) atau 113 (pemadam "
            "kebakaran), jangan menunggu jawaban aplikasi. Di sini laporkan bahaya kebakaran yang belum menjadi "
            "kebakaran, misalnya kabel berasap atau bau gas."
        ),
    },
    {
        "agency": "dinas-kebakaran",
        "code": "DAMKAR-02",
        "name": "Evakuasi sarang tawon atau hewan berbahaya",
        "group": "Kedaruratan",
        "keywords": "tawon, lebah, ular, evakuasi hewan",
        "response_minutes": 60,
        "resolution_minutes": DAY,
        "description": (
            "Minta petugas mengevakuasi sarang tawon, ular, atau hewan berbahaya lain. Bila ada yang tersengat "
            "atau terpatuk, telepon 112."
        ),
    },
    {
        "agency": "dishub",
        "code": "PARKIR-01",
        "name": "Parkir liar atau tarif parkir tidak sesuai",
        "group": "Transportasi",
        "keywords": "parkir, juru parkir, karcis, trotoar",
        "response_minutes": 120,
        "resolution_minutes": 3 * DAY,
        "description": "Laporkan parkir di tempat terlarang, tarif di atas ketentuan, atau juru parkir tanpa karcis.",
    },
    {
        "agency": "dishub",
        "code": "APILL-01",
        "name": "Lampu lalu lintas atau rambu rusak",
        "group": "Transportasi",
        "keywords": "lampu merah, APILL, rambu, simpang",
        "response_minutes": 120,
        "resolution_minutes": 2 * DAY,
        "description": "Laporkan lampu lalu lintas yang mati atau rambu yang roboh, hilang, atau tertutup.",
    },
    {
        "agency": "disperindag",
        "code": "PASAR-01",
        "name": "Pengaduan pasar rakyat",
        "group": "Perdagangan",
        "keywords": "pasar, los, kios, timbangan",
        "response_minutes": 120,
        "resolution_minutes": 7 * DAY,
        "description": "Sampaikan keluhan tentang kebersihan, bangunan, atau timbangan di pasar rakyat.",
    },
    {
        "agency": "dinsosnakertrans",
        "code": "BANSOS-01",
        "name": "Informasi dan pengaduan bantuan sosial",
        "group": "Sosial",
        "keywords": "bansos, PKH, sembako, lansia, orang terlantar",
        "response_minutes": 120,
        "resolution_minutes": 5 * DAY,
        "description": "Tanyakan atau adukan bantuan sosial, dan laporkan warga rentan yang perlu didata.",
    },
    {
        "agency": "diskominfosan",
        "code": "INFO-PUBLIK",
        "name": "Permohonan informasi publik",
        "group": "Informasi publik",
        "keywords": "PPID, informasi publik, data",
        "response_minutes": 120,
        "resolution_minutes": 14 * DAY,
        "description": (
            "Minta salinan informasi publik. Permohonan dijawab paling lambat 10 hari kerja (UU 14/2008 tentang "
            "Keterbukaan Informasi Publik)."
        ),
    },
    {
        "agency": "satpol-pp",
        "code": "KETERTIBAN-01",
        "name": "Gangguan ketertiban umum",
        "group": "Ketertiban",
        "keywords": "PKL, reklame liar, kebisingan",
        "response_minutes": 120,
        "resolution_minutes": 3 * DAY,
        "description": "Laporkan pedagang di trotoar, reklame liar, atau kebisingan yang mengganggu.",
    },
]


@dataclass(frozen=True)
class Question:
    """An extra question of a service (an Open311 attribute)."""

    code: str
    datatype: str
    description: str
    required: bool = False
    values: tuple[tuple[str, str], ...] = ()
    hint: str = ""


QUESTIONS: dict[str, list[Question]] = {
    "PJU-01": [
        Question("tiang", "string", "Nomor tiang lampu (jika terlihat)"),
        Question("kondisi", "singlevaluelist", "Kondisi lampu", values=(("mati", "Mati"), ("kedip", "Berkedip"))),
    ],
    "JALAN-01": [Question("lebar", "number", "Perkiraan lebar kerusakan (cm)", hint="Angka saja, misalnya 40")],
    "SAMPAH-01": [
        Question(
            "jenis",
            "multivaluelist",
            "Jenis sampah",
            values=(("rumah_tangga", "Sampah rumah tangga"), ("plastik", "Plastik"), ("puing", "Puing bangunan")),
        )
    ],
    "ADUAN-ADMINDUK": [
        Question(
            "dokumen",
            "singlevaluelist",
            "Dokumen yang dikeluhkan",
            required=True,
            values=(("ktp", "KTP-el"), ("kk", "Kartu Keluarga"), ("akta", "Akta kelahiran"), ("kia", "KIA")),
        )
    ],
    "PUSKESMAS-01": [
        Question("kunjungan", "datetime", "Tanggal kunjungan", hint="Misalnya 2026-01-31"),
        Question(
            "layanan",
            "singlevaluelist",
            "Bagian layanan",
            values=(("daftar", "Pendaftaran"), ("periksa", "Pemeriksaan"), ("obat", "Obat/apotek")),
        ),
    ],
    "DBD-01": [Question("kasus", "number", "Jumlah warga yang dirawat karena DBD dalam 2 minggu terakhir")],
    "DAMKAR-02": [Question("hewan", "singlevaluelist", "Hewan", values=(("tawon", "Tawon/lebah"), ("ular", "Ular")))],
    "PARKIR-01": [
        Question(
            "masalah",
            "singlevaluelist",
            "Masalah",
            values=(("liar", "Parkir liar"), ("tarif", "Tarif tidak sesuai"), ("karcis", "Tanpa karcis")),
        )
    ],
    "INFO-PUBLIK": [Question("rincian", "text", "Rincian informasi yang diminta", required=True)],
}


# --- what residents send, and how each agency answers ---------------------------------------------

INFRA, INFO, EMERGENCY = "infra", "info", "emergency"


@dataclass(frozen=True)
class Story:
    """How residents use one service in the demo: how often, what they write, what the agency answers."""

    weight: int
    texts: tuple[str, ...]
    done: str  # the note of the resolving step
    aspirations: tuple[str, ...] = ()
    nature: str = INFRA
    secret_share: float = 0.03


STORIES: dict[str, Story] = {
    "PJU-01": Story(
        14,
        (
            "Lampu jalan mati sejak dua malam, gang jadi gelap dan rawan.",
            "Lampu penerangan jalan berkedip terus setiap malam.",
            "Tiga lampu berturut-turut di ruas ini mati, jalan gelap sekali.",
            "Lampu jalan menyala terus di siang hari.",
            "Lampu jalan dekat jembatan mati, pengendara motor hampir jatuh.",
        ),
        "Lampu sudah diganti dan menyala kembali. Terima kasih atas laporannya.",
        ("Usul penambahan lampu jalan di gang kampung yang masih gelap.",),
    ),
    "JALAN-01": Story(
        12,
        (
            "Lubang besar di jalan kampung, berbahaya untuk motor, apalagi saat hujan.",
            "Aspal mengelupas sepanjang kira-kira sepuluh meter.",
            "Trotoar ambles dan ubinnya lepas, pejalan kaki harus turun ke jalan.",
            "Jalan paving bergelombang setelah galian pipa tidak dirapikan.",
        ),
        "Kerusakan sudah ditambal dan dirapikan.",
        ("Usul trotoar yang rata dan ramah kursi roda di depan sekolah.",),
    ),
    "DRAINASE-01": Story(
        8,
        (
            "Saluran air tersumbat sampah, setiap hujan air meluap ke jalan.",
            "Genangan setinggi mata kaki tidak surut sejak hujan kemarin.",
            "Tutup saluran hilang, lubangnya terbuka di pinggir jalan.",
            "Air selokan berbau dan tidak mengalir.",
        ),
        "Saluran sudah dibersihkan dan air mengalir kembali.",
    ),
    "SAMPAH-01": Story(
        12,
        (
            "Sampah menumpuk di pinggir jalan dekat jembatan.",
            "Depo sampah penuh dan sampah meluber ke jalan.",
            "Ada yang membuang sampah di lahan kosong setiap malam.",
            "Sampah di pinggir sungai belum diangkut sejak minggu lalu.",
        ),
        "Sampah sudah diangkut dan lokasi dibersihkan.",
        ("Usul sosialisasi pemilahan sampah untuk warga RW kami.",),
    ),
    "POHON-01": Story(
        5,
        (
            "Dahan pohon besar patah dan menggantung di atas jalan.",
            "Pohon di tepi jalan miring dan akarnya terangkat, khawatir tumbang saat angin kencang.",
            "Pohon tumbang setelah hujan angin, sebagian menutup jalan.",
        ),
        "Pohon sudah dipangkas dan potongannya diangkut.",
    ),
    "INFO-ADMINDUK": Story(
        6,
        (
            "Apa saja syarat membuat KTP-el untuk anak yang baru berusia 17 tahun?",
            "Bagaimana cara mengurus pindah datang dari luar kota?",
            "Berapa lama proses penerbitan akta kelahiran?",
        ),
        "Jawaban sudah kami sampaikan. Silakan bertanya lagi bila masih ada yang belum jelas.",
        nature=INFO,
    ),
    "ADUAN-ADMINDUK": Story(
        5,
        (
            "KTP-el saya belum jadi padahal sudah lebih dari sebulan sejak perekaman.",
            "Nama di KK salah tulis; sudah mengajukan perbaikan tetapi belum ada kabar.",
            "Antrean layanan sangat panjang dan nomor antrean habis sejak pagi.",
        ),
        "Dokumen sudah diperbaiki dan dapat diambil.",
        secret_share=0.3,
    ),
    "PUSKESMAS-01": Story(
        4,
        (
            "Antrean pendaftaran puskesmas lama sekali, menunggu lebih dari dua jam.",
            "Petugas kurang ramah saat melayani ibu saya.",
            "Obat yang diresepkan tidak tersedia di apotek puskesmas.",
        ),
        "Pengaduan sudah ditindaklanjuti bersama kepala puskesmas. Terima kasih atas masukannya.",
        ("Usul pendaftaran puskesmas bisa dilakukan lewat aplikasi.",),
        secret_share=0.3,
    ),
    "DBD-01": Story(
        5,
        (
            "Dua warga di RT kami dirawat karena DBD minggu ini, mohon fogging.",
            "Banyak jentik nyamuk di bak penampungan air rumah kosong.",
            "Anak tetangga positif DBD, mohon pemeriksaan lingkungan.",
        ),
        "Penyelidikan epidemiologi sudah dilakukan dan tindak lanjutnya sudah dijalankan bersama kader.",
    ),
    "DAMKAR-01": Story(
        2,
        (
            "Ada bau kabel terbakar dari tiang listrik di ujung gang.",
            "Tabung gas warung bocor; kerannya sudah ditutup tetapi bau gas masih kuat.",
            "Tumpukan sampah sempat terbakar dan sudah padam, mohon dicek agar tidak menyala lagi.",
        ),
        "Petugas sudah memeriksa lokasi dan keadaan sudah aman.",
        nature=EMERGENCY,
    ),
    "DAMKAR-02": Story(
        3,
        (
            "Sarang tawon besar di pohon depan rumah, anak-anak sering lewat.",
            "Ada ular masuk ke halaman rumah warga.",
            "Sarang tawon di plafon rumah.",
        ),
        "Hewan sudah dievakuasi dengan aman.",
        nature=EMERGENCY,
    ),
    "PARKIR-01": Story(
        6,
        (
            "Mobil parkir di trotoar sehingga pejalan kaki turun ke jalan.",
            "Juru parkir menarik tarif lebih tinggi dari ketentuan dan tidak memberi karcis.",
            "Parkir berlapis di depan toko membuat jalan macet setiap sore.",
        ),
        "Petugas sudah menertibkan parkir di lokasi.",
    ),
    "APILL-01": Story(
        4,
        (
            "Lampu lalu lintas di simpang ini mati, kendaraan saling serobot.",
            "Rambu dilarang parkir roboh.",
            "Lampu penyeberangan pejalan kaki tidak menyala.",
        ),
        "Lampu lalu lintas dan rambu sudah diperbaiki.",
    ),
    "PASAR-01": Story(
        4,
        (
            "Atap los pasar bocor, dagangan basah setiap hujan.",
            "Timbangan salah satu pedagang diduga tidak sesuai.",
            "Saluran air di dalam pasar mampet dan berbau.",
        ),
        "Sudah diperbaiki bersama pengelola pasar.",
    ),
    "BANSOS-01": Story(
        5,
        (
            "Keluarga kami tidak lagi menerima bantuan sejak tiga bulan lalu, mohon penjelasan.",
            "Ada lansia yang hidup sendiri dan belum pernah didata.",
            "Ada orang terlantar tidur di emperan toko beberapa hari ini.",
        ),
        "Sudah kami periksa dan tindak lanjuti; petugas akan menghubungi pelapor.",
        secret_share=0.3,
    ),
    "INFO-PUBLIK": Story(
        3,
        (
            "Mohon salinan rekap jumlah aduan yang masuk per OPD tahun lalu.",
            "Mohon informasi anggaran pemeliharaan lampu jalan tahun ini.",
        ),
        "Informasi yang diminta sudah kami kirimkan.",
        nature=INFO,
    ),
    "KETERTIBAN-01": Story(
        4,
        (
            "Pedagang kaki lima berjualan di atas trotoar sehingga pejalan kaki turun ke jalan.",
            "Reklame liar dipasang di pohon dan tiang listrik.",
            "Musik keras dari tempat usaha sampai lewat tengah malam.",
        ),
        "Petugas sudah melakukan penertiban.",
        secret_share=0.15,
    ),
}

# The request text of a fallen tree the coordinator sends to BPBD before dispatching it.
FALLEN_TREE = STORIES["POHON-01"].texts[2]
REROUTE_REASON = "Pohon tumbang menutup jalan setelah hujan angin; penanganan darurat oleh BPBD."

# Share of requests each agency answers (and resolves) on time: demo values that make the ranking differ.
ON_TIME = {
    "upt-pju": 0.95,
    "dpupkp": 0.88,
    "dlh": 0.8,
    "disdukcapil": 0.88,
    "dinkes": 0.9,
    "dinas-kebakaran": 0.97,
    "dishub": 0.78,
    "disperindag": 0.7,
    "dinsosnakertrans": 0.75,
    "diskominfosan": 0.92,
    "satpol-pp": 0.72,
    "bpbd": 0.92,
}

# Who handles each agency's requests: the demo accounts of demo/data.py; (full name) for those made here.
HANDLERS = {
    "upt-pju": "operator-pju.yogyakarta",
    "dpupkp": "dpupkp.yogyakarta",
    "dlh": "operator-dlh.yogyakarta",
    "dishub": "operator-dishub.yogyakarta",
    "disperindag": "operator-disperindag.yogyakarta",
    "dinsosnakertrans": "operator-dinsos.yogyakarta",
    "diskominfosan": COORDINATOR,
}
NEW_HANDLERS = {
    "dinkes": ("operator-dinkes.yogyakarta", "Operator Dinas Kesehatan"),
    "dinas-kebakaran": ("operator-damkar.yogyakarta", "Operator Dinas Kebakaran"),
    "disdukcapil": ("operator-disdukcapil.yogyakarta", "Operator Disdukcapil"),
    "satpol-pp": ("operator-satpolpp.yogyakarta", "Operator Satpol PP"),
    "bpbd": ("operator-bpbd.yogyakarta", "Operator BPBD"),
}

# Illustrative residents (common Indonesian names), reporters besides warga.yogyakarta.
RESIDENTS = (
    "Sri Wahyuni",
    "Agus Setiawan",
    "Dwi Lestari",
    "Bambang Suryanto",
    "Rina Kartika",
    "Yohanes Prasetyo",
    "Siti Aminah",
    "Eko Nugroho",
    "Fitri Handayani",
    "Hendra Wijaya",
    "Nur Hidayah",
    "Teguh Santoso",
)

# A rough centre of each kemantren (lat, long): demo map points are scattered around it.
KEMANTREN_CENTRES = {
    "Mantrijeron": (-7.8200, 110.3600),
    "Kraton": (-7.8090, 110.3620),
    "Mergangsan": (-7.8130, 110.3750),
    "Umbulharjo": (-7.8120, 110.3900),
    "Kotagede": (-7.8250, 110.3980),
    "Gondokusuman": (-7.7840, 110.3830),
    "Danurejan": (-7.7930, 110.3730),
    "Pakualaman": (-7.8010, 110.3770),
    "Gondomanan": (-7.8010, 110.3680),
    "Ngampilan": (-7.8000, 110.3570),
    "Wirobrajan": (-7.8010, 110.3490),
    "Gedongtengen": (-7.7900, 110.3610),
    "Jetis": (-7.7770, 110.3660),
    "Tegalrejo": (-7.7800, 110.3540),
}
LANDMARKS = (
    "Gang di samping balai RW",
    "Depan masjid kampung",
    "Pertigaan dekat pos ronda",
    "Depan sekolah dasar",
    "Ujung gang dekat sungai",
    "Sebelah warung makan",
    "Depan lapangan kampung",
    "Dekat jembatan kampung",
)

NOTES: dict[str, tuple[str, ...]] = {
    "postpone": (
        "Lokasi belum jelas. Mohon tambahkan patokan terdekat lewat komentar.",
        "Foto belum terlihat jelas; mohon kirim keterangan tambahan.",
    ),
    "not_authority": (
        "Lokasi berada di luar wilayah Kota Yogyakarta; silakan sampaikan ke pemerintah kabupaten setempat.",
        "Ruas ini bukan jalan kota; silakan sampaikan ke pengelola jalan yang berwenang.",
        "Hal ini ditangani instansi vertikal, bukan Pemerintah Kota Yogyakarta.",
    ),
    "archive": (
        "Laporan tidak memuat informasi yang dapat ditindaklanjuti.",
        "Laporan yang sama sudah dikirim oleh pelapor yang sama.",
        "Isi laporan tidak berkaitan dengan layanan publik.",
    ),
    "investigate": ("Laporan diterima; petugas akan mengecek lokasi.", "Laporan sedang kami pelajari."),
    "start": ("Petugas sudah ditugaskan ke lokasi.", "Penanganan sedang berjalan."),
    "duplicate": ("Laporan yang sama sudah masuk sebelumnya dan sedang ditangani.",),
    "not_responsible": (
        "Setelah dicek, aset ini milik pihak swasta; silakan hubungi pengelolanya.",
        "Lokasi ini dikelola pengelola kawasan, bukan dinas kami.",
    ),
    "no_further_action": ("Setelah dicek di lokasi, kondisinya sudah baik; tidak perlu tindakan lanjut.",),
    "reopen": ("Masalahnya muncul lagi, mohon dicek kembali.", "Belum selesai: kondisinya masih sama."),
}
CLOSED_AFTER_FIX = "Laporan ditutup: penanganan selesai."

# How many requests end in each plan (300 in all). "reopened_*": fixed, reopened by the citizen, then on.
PLANS = {
    "submitted": 10,
    "submitted_late": 4,
    "postponed": 8,
    "not_authority": 10,
    "archived": 8,
    "open": 9,
    "open_late": 3,
    "investigating": 18,
    "in_progress": 26,
    "action_scheduled": 14,
    "fixed": 70,
    "closed": 80,
    "duplicate": 10,
    "not_responsible": 10,
    "no_further_action": 10,
    "reopened_open": 4,
    "reopened_in_progress": 3,
    "reopened_fixed": 3,
}
# Plans a kind of service does not take: an information request is answered and closed, not "fixed".
NOT_FOR = {
    INFO: {"fixed", "action_scheduled", "reopened_open", "reopened_in_progress", "reopened_fixed"},
    EMERGENCY: {"submitted", "submitted_late", "postponed", "open", "open_late", "investigating"}
    | {"action_scheduled", "no_further_action", "reopened_open", "reopened_in_progress", "reopened_fixed"},
    INFRA: set(),
}


COORDINATOR_ACTIONS = frozenset({"verify", "postpone", "not_authority", "archive"})
RESOLVING = frozenset(action for action, edge in REQUEST.transitions.items() if edge.target in RESOLUTION_STATUSES)
# The plans whose last step is the coordinator's own (no agency answer follows).
COORDINATOR_ONLY = frozenset({"open_late", "postponed", "not_authority", "archived"})
FLAG_EVERY = 15  # minutes: the overdue job runs every quarter of an hour


def load(region: Region) -> None:
    coordinator = User.objects.get(username=COORDINATOR)
    with transaction.atomic():
        marker = _last_id(AuditEntry)
        made = _catalogue(region, coordinator) + _open311_client(region)
        people = _staff(region) + _residents(region)
        _date_back(made, people, marker, timezone.now() - CATALOGUE_AGE)
    if not ServiceRequest.objects.for_region(region).exists():
        _requests(region, coordinator)


def _last_id(model: type[AuditEntry] | type[RequestUpdate]) -> int:
    return model._default_manager.order_by("-id").values_list("id", flat=True).first() or 0


def _catalogue(region: Region, officer: User) -> list[Service | ServiceAttribute]:
    """The services and questions missing from the region's catalogue (found by code); returns those made."""
    agencies = {a.slug: a for a in Agency.objects.for_region(region)}
    existing = {s.code: s for s in Service.objects.for_region(region)}
    made: list[Service | ServiceAttribute] = []
    for spec in SERVICES:
        service = existing.get(spec["code"])
        if service is None:
            fields = {k: v for k, v in spec.items() if k != "agency"}
            service = services.service_save(region=region, agency=agencies[spec["agency"]], actor=officer, **fields)
            made.append(service)
        asked = set(service.attributes.values_list("code", flat=True))
        made += [_question(service, q, officer) for q in QUESTIONS.get(service.code, []) if q.code not in asked]
    return made


def _question(service: Service, question: Question, officer: User) -> ServiceAttribute:
    return services.attribute_add(
        service=service,
        code=question.code,
        datatype=question.datatype,
        description=question.description,
        required=question.required,
        values=[{"key": key, "name": name} for key, name in question.values],
        datatype_description=question.hint,
        actor=officer,
    )


def _open311_client(region: Region) -> list[Open311Client]:
    digest = hashlib.sha256(OPEN311_DEMO_KEY.encode()).hexdigest()
    client, created = Open311Client.objects.get_or_create(
        digest=digest, defaults={"region": region, "name": "Aplikasi demo", "prefix": OPEN311_DEMO_KEY[:8]}
    )
    return [client] if created else []


def _staff(region: Region) -> list[User]:
    """An illustrative operator for each agency of the catalogue without a demo account; returns those made."""
    made = [
        _account(region, username, name, Role.AGENCY_OPERATOR, slug) for slug, (username, name) in NEW_HANDLERS.items()
    ]
    return [user for user in made if user is not None]


def _residents(region: Region) -> list[User]:
    made = [_account(region, f"pelapor-{n:02d}.yogyakarta", name, Role.CITIZEN) for n, name in enumerate(RESIDENTS, 1)]
    return [user for user in made if user is not None]


def _account(region: Region, username: str, full_name: str, role: str, agency_slug: str = "") -> User | None:
    """An account nobody logs in with (no password, no NIK) and its role; returned only when made now."""
    if User.objects.filter(username=username).exists():
        return None
    user = accounts.user_create(username=username, password=None, full_name=full_name, actor=None)
    agency = Agency.objects.get(region=region, slug=agency_slug) if agency_slug else None
    accounts.membership_grant(user=user, role=role, region=region, agency=agency, actor=None)
    return user


def _date_back(made: list[Any], people: list[User], marker: int, moment: dt.datetime) -> None:
    """The catalogue and accounts made in this load, and their audit entries, dated before the first request."""
    for model in (Service, ServiceAttribute, Open311Client):
        ids = [obj.pk for obj in made if isinstance(obj, model)]
        model._default_manager.filter(pk__in=ids).update(created_at=moment, updated_at=moment)
    User.objects.filter(pk__in=[u.pk for u in people]).update(date_joined=moment)
    Membership.objects.filter(user__in=people).update(created_at=moment, updated_at=moment)
    made_here = [m._meta.label_lower for m in (Service, User, Membership)]
    AuditEntry.objects.filter(pk__gt=marker, target_type__in=made_here).update(created_at=moment)


def after(moment: dt.datetime, minutes: float) -> dt.datetime:
    """The moment so many minutes later (earlier when negative), to the whole second."""
    return (moment + dt.timedelta(minutes=minutes)).replace(microsecond=0)


def deadlines(service: Service, requested: dt.datetime) -> tuple[dt.datetime, dt.datetime]:
    """The response and resolution deadlines of a request, computed as request_submit computes them."""
    return (
        requested + dt.timedelta(minutes=service.response_minutes),
        requested + dt.timedelta(minutes=service.resolution_minutes),
    )


# --- the requests: a plan per request, then every step through the services in time order ----------


@dataclass
class Step:
    """One planned event of a request: a workflow action, "reroute", or "flag" (the overdue job)."""

    at: dt.datetime
    action: str
    note: str = ""


@dataclass
class Plan:
    service: Service
    data: services.RequestData
    citizen: User
    requested: dt.datetime
    steps: list[Step] = field(default_factory=list)
    request: ServiceRequest | None = None


@dataclass
class State:
    """What a request looked like at one moment of its plan."""

    status: str
    responded: dt.datetime | None
    resolved: dt.datetime | None
    updated: dt.datetime
    flagged: dt.datetime | None


def replay(plan: Plan, until: dt.datetime | None = None) -> State:
    """Walk the plan's steps up to `until` as request_transition and the overdue job would set the request."""
    state = State(RequestStatus.SUBMITTED, None, None, plan.requested, None)
    for step in plan.steps:
        if until is not None and step.at > until:
            break
        if step.action == "flag":
            state.flagged = step.at
            continue
        state.updated = step.at
        if step.action == "reroute":
            continue
        state.status = REQUEST.transitions[step.action].target
        if step.action in RESPONSE_ACTIONS and state.responded is None:
            state.responded = step.at
        if step.action in RESOLVING:
            state.resolved = step.at
        if step.action == "reopen":
            state.resolved = None
    return state


def flag_moment(plan: Plan, now: dt.datetime, rng: random.Random) -> dt.datetime | None:
    """When the quarter-hourly overdue job first found the request open past a deadline (None: not yet)."""
    response_due, resolution_due = deadlines(plan.service, plan.requested)
    for moment in sorted({response_due, resolution_due, *(s.at for s in plan.steps)}):
        at = after(moment, rng.uniform(1, FLAG_EVERY))
        if at >= now:
            return None
        state = replay(plan, at)
        late = (state.responded is None and response_due < at) or (state.resolved is None and resolution_due < at)
        if late and state.status in FLAGGABLE:
            return at
    return None


@dataclass
class Cast:
    """Who acts: the coordinator, each agency's handler (by agency id), the reporters, BPBD for fallen trees."""

    coordinator: User
    handlers: dict[int, User]
    reporters: list[User]
    bpbd: Agency


@transaction.atomic
def _requests(region: Region, coordinator: User) -> None:
    rng = random.Random(SEED)
    now = timezone.now().replace(second=0, microsecond=0)
    cast = _cast(region, coordinator)
    catalogue = list(Service.objects.for_region(region).filter(code__in=STORIES).select_related("agency"))
    catalogue.sort(key=lambda s: s.code)
    kelurahan = list(
        Area.objects.for_region(region).filter(level=AreaLevel.VILLAGE).select_related("parent").order_by("name")
    )
    planner = Planner(rng, now, region, kelurahan, cast)
    plans = [planner.plan(name, _service_for(rng, catalogue, name)) for name in _plan_names(rng)]
    for plan in plans:
        flagged = flag_moment(plan, now, rng)
        if flagged is not None:
            plan.steps = sorted([*plan.steps, Step(flagged, "flag")], key=lambda s: s.at)
    Runner(region, cast).run(plans)


def _plan_names(rng: random.Random) -> list[str]:
    names = [name for name, count in PLANS.items() for _ in range(count)]
    rng.shuffle(names)
    return names


def _service_for(rng: random.Random, catalogue: list[Service], plan: str) -> Service:
    fitting = [s for s in catalogue if plan not in NOT_FOR[STORIES[s.code].nature]]
    return rng.choices(fitting, weights=[STORIES[s.code].weight for s in fitting])[0]


def _cast(region: Region, coordinator: User) -> Cast:
    usernames = {**HANDLERS, **{slug: username for slug, (username, _name) in NEW_HANDLERS.items()}}
    users = {u.username: u for u in User.objects.filter(username__in=[*usernames.values(), CITIZEN])}
    agencies = {a.slug: a for a in Agency.objects.for_region(region).filter(slug__in=usernames)}
    handlers = {agencies[slug].pk: users[username] for slug, username in usernames.items()}
    reporters = [users[CITIZEN], *User.objects.filter(username__startswith="pelapor-").order_by("username")]
    return Cast(coordinator, handlers, reporters, agencies["bpbd"])


class Planner:
    """Draws each request (who, what, where) and the moments of its steps; nothing is written here."""

    def __init__(self, rng: random.Random, now: dt.datetime, region: Region, kelurahan: list[Area], cast: Cast):
        self.rng, self.now, self.kelurahan, self.cast = rng, now, kelurahan, cast
        self.zone = zoneinfo.ZoneInfo(region.time_zone)
        # warga.yogyakarta sends about a quarter of the requests, the illustrative residents the rest.
        self.reporters = cast.reporters[:1] * 4 + cast.reporters[1:]

    def plan(self, name: str, service: Service) -> Plan:
        story = STORIES[service.code]
        text, kind = self.text(story)
        actions = self.actions(name, story)
        rerouted = text == FALLEN_TREE and actions[:1] in (["verify"], ["postpone"])
        timing = Timing(self.rng, service, ON_TIME["bpbd" if rerouted else service.agency.slug])
        minutes = timing.of(name, actions)
        requested = self.requested_at(name, minutes[-1] if minutes else 0.0, service)
        agency = self.cast.bpbd if rerouted else service.agency
        steps = [
            Step(after(requested, m), action, self.note(action, story, agency, after(requested, m)))
            for action, m in zip(actions, minutes, strict=True)
        ]
        if rerouted:
            steps.insert(0, Step(after(requested, minutes[0] / 2), "reroute", REROUTE_REASON))
        data = self.data(service, text, kind, requested)
        return Plan(service, data, self.rng.choice(self.reporters), requested, steps)

    def text(self, story: Story) -> tuple[str, str]:
        if story.nature == INFO:
            return self.rng.choice(story.texts), RequestKind.INFORMATION
        if story.aspirations and self.rng.random() < 0.15:
            return self.rng.choice(story.aspirations), RequestKind.ASPIRATION
        return self.rng.choice(story.texts), RequestKind.COMPLAINT

    def actions(self, name: str, story: Story) -> list[str]:
        """The workflow actions that lead to the plan's status."""
        probe = self.rng.random

        def maybe(action: str, chance: float = 0.4) -> list[str]:
            return [action] if probe() < chance else []

        fixed = ["verify", *maybe("investigate"), "start", "fix"]
        reopened = ["verify", "start", "fix", "reopen"]
        paths: dict[str, list[str]] = {
            "postponed": ["postpone"],
            "not_authority": ["not_authority"],
            "archived": ["archive"],
            "open": ["verify"],
            "open_late": ["verify"],
            "investigating": ["verify", "investigate"],
            "in_progress": ["verify", *maybe("investigate"), "start"],
            "action_scheduled": ["verify", *maybe("investigate"), "schedule"],
            "fixed": fixed,
            "closed": ["verify", *maybe("investigate", 0.7), "close"] if story.nature == INFO else [*fixed, "close"],
            "duplicate": ["verify", "duplicate"],
            "not_responsible": ["verify", *maybe("investigate"), "not_responsible"],
            "no_further_action": ["verify", "investigate", "no_further_action"],
            "reopened_open": reopened,
            "reopened_in_progress": [*reopened, "start"],
            "reopened_fixed": [*reopened, "start", "fix"],
        }
        actions = paths.get(name, [])
        first = actions[:1] == ["verify"] and name not in {"open", "open_late"} and story.nature != EMERGENCY
        if first and probe() < 0.08:
            actions = ["postpone", *actions]  # the coordinator asked for details first
        return actions

    def requested_at(self, name: str, span: float, service: Service) -> dt.datetime:
        """When the request came in: recent for the waiting plans, else on a day of the history, in waking hours."""
        uniform = self.rng.uniform
        ages = {"submitted": (5.0, 100.0), "submitted_late": (180.0, 3.0 * DAY), "open": (span + 5, 118.0)}
        ages |= {"open_late": (span + 240, span + 3 * DAY), "postponed": (span + DAY, span + 30 * DAY)}
        if name in ages:
            low, high = ages[name]
            return after(self.now, -uniform(low, max(low, high)))
        if name in {"investigating", "in_progress", "action_scheduled", "reopened_open", "reopened_in_progress"}:
            pause = uniform(0.05, 1.0) * service.resolution_minutes  # since the last step: past the deadline at times
            return after(self.now, -(span + pause))
        latest = after(self.now, -(span + uniform(10, 600)))
        day = (self.now - dt.timedelta(days=self.rng.randint(1, HISTORY_DAYS))).astimezone(self.zone).date()
        hour = self.rng.choices(range(24), weights=[1] * 6 + [4] * 16 + [2] * 2)[0]
        moment = dt.datetime.combine(day, dt.time(hour, self.rng.randrange(60)), tzinfo=self.zone)
        return min(moment, latest)

    def note(self, action: str, story: Story, agency: Agency, at: dt.datetime) -> str:
        """The public note of a step (the fix names what was done; a schedule names its day)."""
        if action == "verify":
            return f"Laporan sudah diverifikasi dan diteruskan ke {agency.short_name or agency.name}."
        if action == "schedule":
            day = (at + dt.timedelta(days=self.rng.randint(2, 7))).astimezone(self.zone)
            return f"Penanganan dijadwalkan pada {day:%d-%m-%Y}."
        if action == "fix" or (action == "close" and story.nature == INFO):
            return story.done
        if action == "close":
            return CLOSED_AFTER_FIX
        return self.rng.choice(NOTES[action])

    def data(self, service: Service, text: str, kind: str, requested: dt.datetime) -> services.RequestData:
        area = self.rng.choice(self.kelurahan)
        secret = self.rng.random() < STORIES[service.code].secret_share
        located = self.rng.random() < 0.75  # a map point; the others give an address (all name the kelurahan)
        addressed = not located or self.rng.random() < 0.5
        data = services.RequestData(
            description=text,
            kind=kind,
            area=area,
            address=f"{self.rng.choice(LANDMARKS)}, Kelurahan {area.name}" if addressed else "",
            attributes=self.answers(service.code, requested),
            is_secret=secret,
            is_anonymous=not secret and self.rng.random() < 0.15,
        )
        if located:
            data.lat, data.long = self.point(area)
        if kind == RequestKind.COMPLAINT and self.rng.random() < 0.05:
            data.photo = demo_photo(service.code)
        return data

    def point(self, area: Area) -> tuple[Decimal, Decimal]:
        lat, long = KEMANTREN_CENTRES[area.parent.name if area.parent else ""]
        lat += self.rng.uniform(-0.004, 0.004)
        long += self.rng.uniform(-0.004, 0.004)
        return Decimal(f"{lat:.6f}"), Decimal(f"{long:.6f}")

    def answers(self, code: str, requested: dt.datetime) -> dict[str, Any]:
        """Answers to the service's questions, some left blank as residents do."""
        rng = self.rng
        visit = (requested - dt.timedelta(days=rng.randint(0, 3))).astimezone(self.zone).date()
        drawn: dict[str, Any] = {
            "tiang": str(rng.randint(1, 250)) if rng.random() < 0.4 else "",
            "kondisi": rng.choice(["mati", "mati", "kedip"]),
            "lebar": str(rng.randrange(20, 200, 10)),
            "jenis": rng.sample(["rumah_tangga", "plastik", "puing"], k=rng.randint(1, 2)),
            "dokumen": rng.choice(["ktp", "kk", "akta", "kia"]),
            "kunjungan": visit.isoformat(),
            "layanan": rng.choice(["daftar", "periksa", "obat"]),
            "kasus": str(rng.randint(1, 4)),
            "hewan": rng.choice(["tawon", "tawon", "ular"]),
            "masalah": rng.choice(["liar", "tarif", "karcis"]),
            "rincian": "Rekap per bulan dalam bentuk tabel, bila ada.",
        }
        return {q.code: drawn[q.code] for q in QUESTIONS.get(code, []) if drawn[q.code]}


class Timing:
    """The minutes after submission at which each action happens, from the service's deadlines.

    The coordinator verifies first; the agency's first answer comes within the response time (with the agency's
    share of on-time answers, else late), its resolving step within the resolution time (likewise), with the steps
    between spread over that time. A fixed request may be reopened by its citizen within a few days.
    """

    def __init__(self, rng: random.Random, service: Service, on_time: float) -> None:
        self.rng, self.on_time = rng, on_time
        self.response, self.resolution = float(service.response_minutes), float(service.resolution_minutes)

    def within(self, target: float, on_time: float) -> float:
        if self.rng.random() < on_time:
            return target * self.rng.uniform(0.3, 0.95)
        if self.rng.random() < 0.7:
            return target * self.rng.uniform(1.1, 2.5)
        return min(target * self.rng.uniform(2.5, 12), 2 * DAY)

    def of(self, name: str, actions: list[str]) -> list[float]:
        answer = self.within(self.response, self.on_time)
        # A resolution deadline leaves more room than the first answer's: more of them are met.
        settle = max(self.within(self.resolution, (1 + self.on_time) / 2), answer + self.rng.uniform(30, 240))
        minutes: list[float] = []
        for action in actions:
            if action not in COORDINATOR_ACTIONS:
                break
            minutes.append(self.coordinator(action, name, minutes, answer))
        end = actions.index("reopen") if "reopen" in actions else len(actions)
        last = minutes[-1] if minutes else 0.0
        minutes += self.handling(actions[len(minutes) : end], last, answer, settle)
        return minutes + self.after_reopen(actions[end:], minutes[-1] if minutes else 0.0)

    def coordinator(self, action: str, name: str, before: list[float], answer: float) -> float:
        uniform = self.rng.uniform
        if name in COORDINATOR_ONLY:
            return uniform(20, 240)
        if action == "postpone":
            return answer * uniform(0.1, 0.3)
        if before:
            return before[-1] + uniform(0.5, 3) * DAY  # verified once the citizen added the details asked for
        return answer * uniform(0.15, 0.6)

    def handling(self, steps: list[str], last: float, answer: float, settle: float) -> list[float]:
        """The agency's steps: the first answers; a resolving last step settles; a closure follows a fix."""
        if not steps:
            return []
        uniform = self.rng.uniform
        first = max(answer, last + uniform(5, 30))
        closes_fix = steps[-2:] == ["fix", "close"]
        core = steps[:-1] if closes_fix else steps
        moments = [first]
        if core[-1] in RESOLVING and len(core) > 1:
            end = max(settle, first + uniform(30, 240))
            moments += [first + (end - first) * k / (len(core) - 1) for k in range(1, len(core))]
        else:
            for _step in core[1:]:
                moments.append(moments[-1] + self.resolution * uniform(0.05, 0.3))
        if closes_fix:
            moments.append(moments[-1] + uniform(10, 360))  # closed once the work is documented
        return moments

    def after_reopen(self, steps: list[str], last: float) -> list[float]:
        """The citizen reopens within days of the fix; the agency starts again within hours and fixes it."""
        gaps = {"reopen": (0.3 * DAY, 4.0 * DAY), "start": (60.0, 480.0), "fix": (120.0, 960.0)}
        moments: list[float] = []
        for step in steps:
            last += self.rng.uniform(*gaps[step])
            moments.append(last)
        return moments


class Runner:
    """Writes the plans through the services, every event of every request in time order, then dates the rows."""

    def __init__(self, region: Region, cast: Cast) -> None:
        self.region, self.cast = region, cast
        self.audit_times: list[dt.datetime] = []
        self.update_times: list[dt.datetime] = []

    def run(self, plans: list[Plan]) -> None:
        audit_marker, update_marker = _last_id(AuditEntry), _last_id(RequestUpdate)
        events: list[tuple[dt.datetime, int, int, Step | None]] = [
            (plan.requested, 0, n, None) for n, plan in enumerate(plans)
        ]
        events += [(step.at, 1, n, step) for n, plan in enumerate(plans) for step in plan.steps]
        for _at, _order, n, step in sorted(events, key=lambda e: (e[0], e[1], e[2])):
            if step is None:
                self.submit(plans[n])
            else:
                self.step(plans[n], step)
        self.date(plans, audit_marker, update_marker)

    def submit(self, plan: Plan) -> None:
        plan.request, _new = services.request_submit(
            service=plan.service, data=plan.data, citizen=plan.citizen, actor=plan.citizen
        )
        self.audit_times.append(plan.requested)
        self.update_times.append(plan.requested)

    def step(self, plan: Plan, step: Step) -> None:
        request = plan.request
        assert request is not None
        self.audit_times.append(step.at)
        if step.action == "flag":  # as the overdue job does, without its e-mail
            audit.record(actor=None, action=AuditAction.REQUEST_OVERDUE, target=request, region=self.region)
            return
        self.update_times.append(step.at)
        if step.action == "reroute":
            services.request_reroute(
                request=request, agency=self.cast.bpbd, reason=step.note, actor=self.actor(plan, step)
            )
            return
        services.request_transition(request=request, action=step.action, actor=self.actor(plan, step), note=step.note)

    def actor(self, plan: Plan, step: Step) -> User:
        if step.action in COORDINATOR_ACTIONS or step.action == "reroute":
            return self.cast.coordinator
        if step.action == "reopen":
            return plan.citizen
        assert plan.request is not None
        return self.cast.handlers[plan.request.agency_id]

    def date(self, plans: list[Plan], audit_marker: int, update_marker: int) -> None:
        """Move the rows the services stamped with the real clock back to their planned moments."""
        entries = AuditEntry.objects.filter(
            pk__gt=audit_marker, region=self.region, target_type=ServiceRequest._meta.label_lower
        )
        updates = RequestUpdate.objects.filter(pk__gt=update_marker, region=self.region)
        _restamp(AuditEntry, ["created_at"], _planned(entries, self.audit_times, single=True))
        _restamp(RequestUpdate, ["created_at", "updated_at"], _planned(updates, self.update_times, single=False))
        _restamp(
            ServiceRequest, REQUEST_TIMES, [(plan.request.pk, _request_times(plan)) for plan in plans if plan.request]
        )


REQUEST_TIMES = [
    "requested_at",
    "created_at",
    "updated_at",
    "response_due_at",
    "resolution_due_at",
    "responded_at",
    "resolved_at",
    "overdue_notified_at",
]
Times = list[dt.datetime | None]


def _planned(rows: Any, times: list[dt.datetime], *, single: bool) -> list[tuple[int, Times]]:
    """The rows written by this load, oldest first, each with its planned moment (once per time column)."""
    ids = list(rows.order_by("id").values_list("id", flat=True))
    if len(ids) != len(times):
        raise RuntimeError(f"{rows.model.__name__}: {len(ids)} rows written, {len(times)} planned")
    return [(pk, [at] if single else [at, at]) for pk, at in zip(ids, times, strict=True)]


def _restamp(model: Any, fields: list[str], rows: list[tuple[int, Times]]) -> None:
    """Set the time columns of many rows at once (one prepared UPDATE; bulk_update's CASE per row is slow here)."""
    ops = connection.ops
    columns = ", ".join(f"{ops.quote_name(model._meta.get_field(name).column)} = %s" for name in fields)
    sql = f"UPDATE {ops.quote_name(model._meta.db_table)} SET {columns} WHERE {ops.quote_name('id')} = %s"
    params = [[*(ops.adapt_datetimefield_value(at) for at in times), pk] for pk, times in rows]
    with connection.cursor() as cursor:
        cursor.executemany(sql, params)


def _request_times(plan: Plan) -> Times:
    """The request's times in the order of REQUEST_TIMES, its deadlines computed as request_submit does."""
    state = replay(plan)
    response_due, resolution_due = deadlines(plan.service, plan.requested)
    return [
        plan.requested,
        plan.requested,
        state.updated,
        response_due,
        resolution_due,
        state.responded,
        state.resolved,
        state.flagged,
    ]


def demo_photo(code: str) -> SimpleUploadedFile:
    """A small PNG standing in for a resident's photo (drawn, so the demo needs no image files)."""
    image = Image.new("RGB", (240, 160), (200, 210, 220))
    draw = ImageDraw.Draw(image)
    draw.rectangle((4, 4, 235, 155), outline="black")
    for row, text in enumerate(["FOTO (contoh demo)", code]):
        draw.text((12, 20 + 40 * row), text, fill="black")
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return SimpleUploadedFile("foto.png", buffer.getvalue(), content_type="image/png")
