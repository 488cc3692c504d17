"""Words for the synthetic data set: Indonesian names from Faker (id_ID) and a small vocabulary of local government.

Region names are plainly synthetic ("Kabupaten Sintetis 0001"); everything inside them is invented and
claims nothing about a real region. Person names come from Faker; they are pooled once per run, because
calling Faker per row would cost more than writing the row.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from faker import Faker

SLUG_PREFIX = "gen-"
PROVINCE_NAME = "Provinsi Sintetis {number:02d}"
REGION_NAME = {"kota": "Kota Sintetis {number:04d}", "kabupaten": "Kabupaten Sintetis {number:04d}"}

# (slug, name, short name, kind, special role): the usual perangkat daerah of a kota/kabupaten.
AGENCIES: list[tuple[str, str, str, str, str]] = [
    ("bappeda", "Badan Perencanaan Pembangunan Daerah", "Bappeda", "badan", "planning"),
    ("diskominfo", "Dinas Komunikasi dan Informatika", "Diskominfo", "dinas", "ict"),
    ("inspektorat", "Inspektorat Daerah", "Inspektorat", "inspektorat", "inspectorate"),
    ("setda", "Sekretariat Daerah", "Setda", "sekretariat", ""),
    ("disdik", "Dinas Pendidikan", "Disdik", "dinas", ""),
    ("dinkes", "Dinas Kesehatan", "Dinkes", "dinas", ""),
    ("dpupr", "Dinas Pekerjaan Umum dan Penataan Ruang", "DPUPR", "dinas", ""),
    ("dinsos", "Dinas Sosial", "Dinsos", "dinas", ""),
    ("disdukcapil", "Dinas Kependudukan dan Pencatatan Sipil", "Disdukcapil", "dinas", ""),
    ("dlh", "Dinas Lingkungan Hidup", "DLH", "dinas", ""),
    ("dishub", "Dinas Perhubungan", "Dishub", "dinas", ""),
    ("satpolpp", "Satuan Polisi Pamong Praja", "Satpol PP", "satuan", ""),
    ("dpmptsp", "Dinas Penanaman Modal dan Pelayanan Terpadu Satu Pintu", "DPMPTSP", "dinas", ""),
    ("disperindag", "Dinas Perindustrian dan Perdagangan", "Disperindag", "dinas", ""),
    ("diskopukm", "Dinas Koperasi dan Usaha Mikro", "Diskop UKM", "dinas", ""),
    ("dispar", "Dinas Pariwisata", "Dispar", "dinas", ""),
    ("disbud", "Dinas Kebudayaan", "Disbud", "dinas", ""),
    ("dispora", "Dinas Pemuda dan Olahraga", "Dispora", "dinas", ""),
    ("disperkim", "Dinas Perumahan dan Kawasan Permukiman", "Disperkim", "dinas", ""),
    ("dpkp", "Dinas Pertanian dan Ketahanan Pangan", "DPKP", "dinas", ""),
    ("disnaker", "Dinas Tenaga Kerja", "Disnaker", "dinas", ""),
    ("dp3ap2kb", "Dinas Pemberdayaan Perempuan, Perlindungan Anak dan Keluarga Berencana", "DP3AP2KB", "dinas", ""),
    ("dispusip", "Dinas Perpustakaan dan Kearsipan", "Dispusip", "dinas", ""),
    ("bpbd", "Badan Penanggulangan Bencana Daerah", "BPBD", "badan", ""),
    ("bpkad", "Badan Pengelolaan Keuangan dan Aset Daerah", "BPKAD", "badan", ""),
    ("bapenda", "Badan Pendapatan Daerah", "Bapenda", "badan", ""),
    ("bkpsdm", "Badan Kepegawaian dan Pengembangan SDM", "BKPSDM", "badan", ""),
    ("rsud", "Rumah Sakit Umum Daerah", "RSUD", "rsud", ""),
    ("damkar", "Dinas Pemadam Kebakaran dan Penyelamatan", "Damkar", "dinas", ""),
]

# (code, name, group, owning agency slug, response minutes, resolution minutes)
SERVICES: list[tuple[str, str, str, str, int, int]] = [
    ("PJU-01", "Lampu penerangan jalan umum mati", "Infrastruktur", "dishub", 120, 24 * 60),
    ("JALAN-01", "Jalan atau trotoar rusak", "Infrastruktur", "dpupr", 120, 7 * 24 * 60),
    ("DRAINASE-01", "Saluran air tersumbat atau banjir", "Infrastruktur", "dpupr", 120, 3 * 24 * 60),
    ("SAMPAH-01", "Sampah menumpuk", "Lingkungan", "dlh", 120, 2 * 24 * 60),
    ("POHON-01", "Pohon tumbang atau rawan tumbang", "Lingkungan", "dlh", 60, 24 * 60),
    ("ADMINDUK-01", "Informasi layanan kependudukan", "Administrasi kependudukan", "disdukcapil", 120, 3 * 24 * 60),
    ("KESEHATAN-01", "Pengaduan layanan puskesmas", "Kesehatan", "dinkes", 240, 5 * 24 * 60),
    ("SEKOLAH-01", "Pengaduan layanan sekolah", "Pendidikan", "disdik", 240, 7 * 24 * 60),
    ("BANSOS-01", "Bantuan sosial belum diterima", "Sosial", "dinsos", 240, 14 * 24 * 60),
    ("KETERTIBAN-01", "Gangguan ketertiban umum", "Ketertiban", "satpolpp", 60, 24 * 60),
    ("PERIZINAN-01", "Informasi perizinan usaha", "Perizinan", "dpmptsp", 240, 5 * 24 * 60),
    ("KEBAKARAN-01", "Sarang tawon atau hewan berbahaya", "Penyelamatan", "damkar", 30, 12 * 60),
]

REQUEST_TEXTS: dict[str, list[str]] = {
    "PJU-01": ["Lampu jalan mati sejak kemarin malam.", "Lampu jalan berkedip terus, jalan jadi gelap."],
    "JALAN-01": ["Ada lubang besar di jalan, berbahaya untuk motor.", "Trotoar amblas di depan toko."],
    "DRAINASE-01": ["Selokan tersumbat sampah, air meluap saat hujan.", "Genangan air tidak surut sejak dua hari."],
    "SAMPAH-01": ["Sampah menumpuk di pinggir jalan dekat jembatan.", "Depo sampah penuh dan belum diangkut."],
    "POHON-01": ["Dahan pohon besar hampir patah di atas jalan.", "Pohon tumbang menutup sebagian jalan."],
    "ADMINDUK-01": ["Bagaimana syarat mengurus KTP yang hilang?", "Akta kelahiran anak belum jadi."],
    "KESEHATAN-01": ["Antrean di puskesmas sangat lama.", "Obat di puskesmas sering kosong."],
    "SEKOLAH-01": ["Atap kelas bocor saat hujan.", "Pungutan di sekolah tidak jelas dasarnya."],
    "BANSOS-01": ["Bantuan sosial bulan ini belum diterima.", "Nama kami tidak ada di daftar penerima."],
    "KETERTIBAN-01": ["Parkir liar menutup jalan kampung.", "Pedagang berjualan di atas trotoar."],
    "PERIZINAN-01": ["Bagaimana cara mengurus NIB untuk usaha kecil?", "Izin usaha kami belum ada kabar."],
    "KEBAKARAN-01": ["Ada sarang tawon besar di pohon dekat sekolah.", "Ular masuk ke rumah warga."],
}
VERIFY_NOTES = ["Diteruskan ke OPD terkait.", "Laporan sudah diverifikasi dan diteruskan."]
HANDLING_NOTES = {
    "postponed": "Menunggu kelengkapan informasi dari pelapor.",
    "not_authority": "Bukan kewenangan pemerintah daerah; silakan hubungi instansi terkait.",
    "archived": "Laporan tidak dapat ditindaklanjuti dan diarsipkan.",
    "action_scheduled": "Perbaikan dijadwalkan minggu ini.",
    "fixed": "Sudah ditangani oleh petugas di lapangan.",
    "closed": "Laporan ditutup.",
    "duplicate": "Laporan yang sama sudah ditangani.",
    "not_responsible": "Bukan tanggung jawab OPD ini.",
    "no_further_action": "Tidak ada tindak lanjut lebih jauh.",
}

# Programme titles: an action and a subject per smart dimension.
PROGRAMME_SUBJECTS: dict[str, list[str]] = {
    "governance": ["layanan perizinan daring", "satu data daerah", "pengaduan warga", "arsip digital", "e-budgeting"],
    "branding": ["promosi wisata desa", "festival budaya", "pasar UMKM", "wajah kota", "kampung tematik"],
    "economy": ["pembayaran nontunai pasar", "inkubator usaha", "koperasi digital", "sentra industri kecil"],
    "living": ["puskesmas keliling", "transportasi umum", "penataan kawasan kumuh", "telemedisin", "ruang publik"],
    "society": ["literasi digital", "perpustakaan keliling", "ronda berbasis aplikasi", "sekolah ramah anak"],
    "environment": ["bank sampah", "penerangan jalan hemat energi", "ruang terbuka hijau", "pemantauan banjir"],
}
# Which agencies usually lead a programme of each smart dimension.
PROGRAMME_LEADS: dict[str, list[str]] = {
    "governance": ["diskominfo", "setda", "dpmptsp", "bkpsdm", "bpkad", "bapenda", "disdukcapil"],
    "branding": ["dispar", "disbud", "disperindag", "diskopukm"],
    "economy": ["disperindag", "diskopukm", "dpmptsp", "dpkp", "disnaker", "bapenda"],
    "living": ["dinkes", "rsud", "dishub", "dpupr", "disperkim", "damkar", "bpbd"],
    "society": ["disdik", "dinsos", "dispusip", "dispora", "dp3ap2kb", "satpolpp"],
    "environment": ["dlh", "dpupr", "bpbd", "disperkim"],
}
PROGRAMME_ACTIONS = ["Penguatan", "Pengembangan", "Digitalisasi", "Perluasan", "Penataan", "Peningkatan"]
ACTIVITY_ACTIONS = ["Sosialisasi", "Pengadaan perangkat", "Pelatihan petugas", "Uji coba", "Pendampingan"]
INDICATOR_UNITS = {"unit": ["lokasi", "unit", "kelompok", "orang"], "nominal": ["rupiah"], "percentage": ["%"]}
EXPENSES = ["Beli baterai senter", "Konsumsi ronda", "Perbaikan kentongan", "Beli jas hujan ronda", "Bensin patroli"]

DISTRICT_ROOTS = ["Suka", "Mekar", "Karang", "Sumber", "Tanjung", "Sido", "Margo", "Banyu", "Giri", "Wono", "Tirto"]
DISTRICT_ENDINGS = ["maju", "jaya", "mulya", "rejo", "asri", "sari", "makmur", "harjo", "agung", "indah", "luhur"]
COMPASS = ["", " Utara", " Selatan", " Timur", " Barat", " Tengah"]


@dataclass
class NamePool:
    """Pools drawn once from Faker, then picked from with the run's random generator."""

    people: list[str]
    streets: list[str]

    @classmethod
    def build(cls, seed: int, size: int = 4000) -> NamePool:
        fake = Faker("id_ID")
        fake.seed_instance(seed)
        people = [f"{fake.first_name()} {fake.last_name()}" for _ in range(size)]
        streets = [f"Jl. {fake.last_name()}" for _ in range(size // 4)]
        return cls(people=people, streets=streets)

    def person(self, rng: random.Random) -> str:
        return rng.choice(self.people)

    def address(self, rng: random.Random) -> str:
        return f"{rng.choice(self.streets)} No. {rng.randint(1, 250)}"


def place_name(rng: random.Random, taken: set[str]) -> str:
    """An invented place name ("Sukamaju Timur"), unique among `taken`."""
    for _attempt in range(50):
        name = rng.choice(DISTRICT_ROOTS) + rng.choice(DISTRICT_ENDINGS) + rng.choice(COMPASS)
        if name not in taken:
            break
    else:
        name = f"{name} {len(taken)}"  # the vocabulary is used up: number the name
    taken.add(name)
    return name
