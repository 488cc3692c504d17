"""Load the national framework of "Gerakan Menuju 100 Smart City": six dimensions, eighteen elements."""

from django.db import migrations

# (code, name, name_en, [(element code, name, name_en), ...]) — frozen here so the migration never changes.
FRAMEWORK = [
    ("governance", "Smart Governance", "Smart Governance", [
        ("governance.public-service", "Layanan Publik", "Public service"),
        ("governance.bureaucracy", "Tata Kelola Birokrasi", "Bureaucracy management"),
        ("governance.public-policy", "Kebijakan Publik", "Public policy"),
    ]),
    ("branding", "Smart Branding", "Smart Branding", [
        ("branding.tourism", "Pariwisata", "Tourism branding"),
        ("branding.business", "Bisnis", "Business branding"),
        ("branding.city-appearance", "Wajah Kota", "City appearance"),
    ]),
    ("economy", "Smart Economy", "Smart Economy", [
        ("economy.industry", "Ekosistem Industri", "Industry ecosystem"),
        ("economy.welfare", "Kesejahteraan Rakyat", "People's welfare"),
        ("economy.financial-transactions", "Ekosistem Transaksi Keuangan", "Financial transaction ecosystem"),
    ]),
    ("living", "Smart Living", "Smart Living", [
        ("living.harmony", "Harmonisasi Tata Ruang", "Spatial harmony and lifestyle"),
        ("living.health", "Kesehatan", "Health"),
        ("living.mobility", "Transportasi dan Mobilitas", "Transport and mobility"),
    ]),
    ("society", "Smart Society", "Smart Society", [
        ("society.community", "Interaksi Masyarakat", "Community interaction"),
        ("society.learning", "Ekosistem Belajar", "Learning ecosystem"),
        ("society.security", "Keamanan Masyarakat", "Community security and safety"),
    ]),
    ("environment", "Smart Environment", "Smart Environment", [
        ("environment.protection", "Proteksi Lingkungan", "Environmental protection"),
        ("environment.waste", "Tata Kelola Sampah dan Limbah", "Waste management"),
        ("environment.energy", "Tata Kelola Energi", "Energy management"),
    ]),
]


def load(apps, schema_editor):
    Dimension = apps.get_model("framework", "Dimension")
    Element = apps.get_model("framework", "Element")
    for order, (code, name, name_en, elements) in enumerate(FRAMEWORK, start=1):
        dimension, _ = Dimension.objects.get_or_create(
            code=code, defaults={"name": name, "name_en": name_en, "order": order}
        )
        for element_order, (element_code, element_name, element_name_en) in enumerate(elements, start=1):
            Element.objects.get_or_create(
                code=element_code,
                region=None,
                defaults={
                    "dimension": dimension,
                    "name": element_name,
                    "name_en": element_name_en,
                    "order": element_order,
                },
            )


def unload(apps, schema_editor):
    apps.get_model("framework", "Element").objects.filter(region__isnull=True).delete()
    apps.get_model("framework", "Dimension").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("framework", "0001_initial")]
    operations = [migrations.RunPython(load, unload)]
