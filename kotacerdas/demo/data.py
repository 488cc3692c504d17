"""Demo data with real names (../shared/DOMAIN.md §7). Nothing here is an official figure.

Agency names marked `confirmed=False` are the usual names of such offices, not yet checked against
the region's own list. RW and RT numbers under Patangpuluhan are illustrative.
"""

from __future__ import annotations

YOGYAKARTA = {
    "name": "Kota Yogyakarta",
    "kind": "kota",
    "code": "34.71",
    "slug": "yogyakarta",
    "jurisdiction": "jogjakota.go.id",
    "time_zone": "Asia/Jakarta",
    "district_kind": "kemantren",
    "village_kind": "kelurahan",
    "province": "Daerah Istimewa Yogyakarta",
    "seat": "Yogyakarta",
}

YOGYAKARTA_KEMANTREN: dict[str, list[str]] = {
    "Mantrijeron": ["Mantrijeron", "Gedongkiwo", "Suryodiningratan"],
    "Kraton": ["Panembahan", "Kadipaten", "Patehan"],
    "Mergangsan": ["Wirogunan", "Brontokusuman", "Keparakan"],
    "Umbulharjo": ["Semaki", "Muja Muju", "Tahunan", "Sorosutan", "Pandeyan", "Warungboto", "Giwangan"],
    "Kotagede": ["Prenggan", "Purbayan", "Rejowinangun"],
    "Gondokusuman": ["Baciro", "Demangan", "Kotabaru", "Klitren", "Terban"],
    "Danurejan": ["Bausasran", "Suryatmajan", "Tegalpanggung"],
    "Pakualaman": ["Gunungketur", "Purwokinanti"],
    "Gondomanan": ["Ngupasan", "Prawirodirjan"],
    "Ngampilan": ["Ngampilan", "Notoprajan"],
    "Wirobrajan": ["Patangpuluhan", "Wirobrajan", "Pakuncen"],
    "Gedongtengen": ["Pringgokusuman", "Sosromenduran"],
    "Jetis": ["Bumijo", "Cokrodiningratan", "Gowongan"],
    "Tegalrejo": ["Bener", "Karangwaru", "Kricak", "Tegalrejo"],
}

# Illustrative RW/RT numbering below Kelurahan Patangpuluhan.
PATANGPULUHAN_RW_RT: dict[str, list[str]] = {
    "RW 01": ["RT 01", "RT 02", "RT 03"],
    "RW 02": ["RT 04", "RT 05", "RT 06"],
    "RW 03": ["RT 07", "RT 08"],
}

# (slug, name, short name, kind, special role, confirmed in sources)
YOGYAKARTA_AGENCIES: list[tuple[str, str, str, str, str, bool]] = [
    ("diskominfosan", "Dinas Komunikasi Informatika dan Persandian", "Diskominfosan", "dinas", "ict", True),
    ("bappeda", "Badan Perencanaan Pembangunan Daerah", "Bappeda", "badan", "planning", True),
    ("inspektorat", "Inspektorat Kota Yogyakarta", "Inspektorat", "inspektorat", "inspectorate", True),
    ("dpupkp", "Dinas Pekerjaan Umum Perumahan dan Kawasan Permukiman", "DPUPKP", "dinas", "", True),
    ("dpmpp", "Dinas Penanaman Modal dan Perizinan", "DPMPP", "dinas", "", True),
    ("dinsosnakertrans", "Dinas Sosial Tenaga Kerja dan Transmigrasi", "Dinsosnakertrans", "dinas", "", True),
    ("disdukcapil", "Dinas Kependudukan dan Pencatatan Sipil", "Disdukcapil", "dinas", "", True),
    ("dispertangan", "Dinas Pertanian dan Pangan", "Dispertangan", "dinas", "", True),
    (
        "dp3ap2kb",
        "Dinas Pemberdayaan Perempuan, Perlindungan Anak, Pengendalian Penduduk dan Keluarga Berencana",
        "DP3AP2KB",
        "dinas",
        "",
        True,
    ),
    ("disperindag", "Dinas Perindustrian dan Perdagangan", "Disperindag", "dinas", "", True),
    ("dinas-kebakaran", "Dinas Kebakaran", "Damkar", "dinas", "", True),
    ("bpbd", "Badan Penanggulangan Bencana Daerah", "BPBD", "badan", "", True),
    ("rsud", "RSUD Kota Yogyakarta", "RSUD", "rsud", "", True),
    ("dinkes", "Dinas Kesehatan", "Dinkes", "dinas", "", False),
    ("dlh", "Dinas Lingkungan Hidup", "DLH", "dinas", "", False),
    ("dishub", "Dinas Perhubungan", "Dishub", "dinas", "", False),
    ("dinpar", "Dinas Pariwisata", "Dinpar", "dinas", "", False),
    ("satpol-pp", "Satuan Polisi Pamong Praja", "Satpol PP", "satuan", "", False),
]

# The street-lighting unit, part of DPUPKP.
YOGYAKARTA_UNITS = [("upt-pju", "UPT Penerangan Jalan Umum", "UPT PJU", "upt", "dpupkp")]

# Demo declarations (what each agency says it can support), with a note in the agency's words.
YOGYAKARTA_CAPABILITIES: dict[str, list[tuple[str, str]]] = {
    "diskominfosan": [
        ("governance.public-service", "Jogja Smart Service (JSS): satu aplikasi untuk layanan semua OPD."),
        ("governance.bureaucracy", "Aplikasi perkantoran dan tanda tangan elektronik."),
        ("society.community", "Kanal aduan warga dan media sosial pemerintah."),
    ],
    "bappeda": [("governance.public-policy", "Perencanaan dan evaluasi program Smart City.")],
    "dpupkp": [
        ("living.harmony", "Penataan permukiman kumuh tepi sungai (M3K)."),
        ("environment.waste", "IPAL komunal di bawah jalan inspeksi."),
    ],
    "dpmpp": [("governance.public-service", "Perizinan daring."), ("economy.industry", "Layanan investasi.")],
    "dinsosnakertrans": [("economy.welfare", "Data terpadu kesejahteraan sosial.")],
    "disperindag": [("branding.business", "Promosi produk UMKM."), ("economy.industry", "Pembinaan industri kecil.")],
    "dinkes": [("living.health", "Layanan puskesmas dan data kesehatan.")],
    "dishub": [("living.mobility", "Informasi lalu lintas dan parkir.")],
    "dlh": [("environment.protection", "Pemantauan kualitas air sungai."), ("environment.waste", "Bank sampah.")],
    "dinpar": [("branding.tourism", "Promosi wisata kota."), ("branding.city-appearance", "Penataan kawasan wisata.")],
    "bpbd": [("society.security", "Peringatan dini bencana.")],
    "kelurahan-patangpuluhan": [
        ("society.learning", "Pelatihan pemrograman untuk remaja di Balai RW (program CSR)."),
        ("society.security", "Jimpitan ronda digital."),
    ],
}

MUSI_RAWAS = {
    "name": "Kabupaten Musi Rawas",
    "kind": "kabupaten",
    "code": "16.05",
    "slug": "musirawas",
    "jurisdiction": "musirawaskab.go.id",
    "time_zone": "Asia/Jakarta",
    "district_kind": "kecamatan",
    "village_kind": "desa",
    "province": "Sumatera Selatan",
    "seat": "Muara Beliti",
}

MUSI_RAWAS_KECAMATAN = [
    "STL Ulu Terawas",
    "Selangit",
    "Sumber Harta",
    "Tugumulyo",
    "Purwodadi",
    "Muara Beliti",
    "Tiang Pumpung Kepungut",
    "Jayaloka",
    "Suka Karya",
    "Muara Kelingi",
    "BTS Ulu",
    "Tuah Negeri",
    "Muara Lakitan",
    "Megang Sakti",
]

MUSI_RAWAS_AGENCIES: list[tuple[str, str, str, str, str, bool]] = [
    ("diskominfostat", "Dinas Komunikasi Informatika dan Statistik", "Diskominfo", "dinas", "ict", True),
    ("bappeda", "Badan Perencanaan Pembangunan Daerah", "Bappeda", "badan", "planning", True),
    ("inspektorat", "Inspektorat Kabupaten Musi Rawas", "Inspektorat", "inspektorat", "inspectorate", True),
]

# (username, full name, role, region slug, agency slug or "", area path or "")
DEMO_ACCOUNTS: list[tuple[str, str, str, str, str, str]] = [
    ("admin.platform", "Admin Platform", "platform_admin", "", "", ""),
    ("bappeda.yogyakarta", "Perencana Bappeda Yogyakarta", "bappeda_planner", "yogyakarta", "bappeda", ""),
    (
        "diskominfo.yogyakarta",
        "Petugas Diskominfosan Yogyakarta",
        "diskominfo_officer",
        "yogyakarta",
        "diskominfosan",
        "",
    ),
    ("inspektorat.yogyakarta", "Auditor Inspektorat Yogyakarta", "inspector", "yogyakarta", "inspektorat", ""),
    ("walikota.yogyakarta", "Pimpinan Kota Yogyakarta", "leadership", "yogyakarta", "", ""),
    ("dpupkp.yogyakarta", "Operator DPUPKP", "agency_operator", "yogyakarta", "dpupkp", ""),
    ("kepala-dpupkp.yogyakarta", "Kepala DPUPKP", "agency_head", "yogyakarta", "dpupkp", ""),
    (
        "operator-dinsos.yogyakarta",
        "Operator Dinsosnakertrans",
        "agency_operator",
        "yogyakarta",
        "dinsosnakertrans",
        "",
    ),
    (
        "operator-patangpuluhan.yogyakarta",
        "Operator Kelurahan Patangpuluhan",
        "agency_operator",
        "yogyakarta",
        "kelurahan-patangpuluhan",
        "",
    ),
    ("operator-dishub.yogyakarta", "Operator Dinas Perhubungan", "agency_operator", "yogyakarta", "dishub", ""),
    ("operator-disperindag.yogyakarta", "Operator Disperindag", "agency_operator", "yogyakarta", "disperindag", ""),
    ("operator-pju.yogyakarta", "Operator UPT PJU", "agency_operator", "yogyakarta", "upt-pju", ""),
    ("operator-dlh.yogyakarta", "Operator Dinas Lingkungan Hidup", "agency_operator", "yogyakarta", "dlh", ""),
    ("warga.yogyakarta", "Warga Yogyakarta", "citizen", "yogyakarta", "", ""),
    ("bendahara.yogyakarta", "Bendahara RT 01 Patangpuluhan", "rt_treasurer", "yogyakarta", "", "RW 01/RT 01"),
    ("ronda.yogyakarta", "Anggota Ronda RT 01 Patangpuluhan", "ronda_member", "yogyakarta", "", "RW 01/RT 01"),
    ("asesor.yogyakarta", "Asesor Evaluasi Smart City", "assessor", "yogyakarta", "", ""),
    ("bappeda.musirawas", "Perencana Bappeda Musi Rawas", "bappeda_planner", "musirawas", "bappeda", ""),
    ("diskominfo.musirawas", "Petugas Diskominfo Musi Rawas", "diskominfo_officer", "musirawas", "diskominfostat", ""),
    ("inspektorat.musirawas", "Auditor Inspektorat Musi Rawas", "inspector", "musirawas", "inspektorat", ""),
    ("bupati.musirawas", "Pimpinan Kabupaten Musi Rawas", "leadership", "musirawas", "", ""),
]
