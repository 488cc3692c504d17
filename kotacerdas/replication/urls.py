from django.urls import path

from kotacerdas.replication import views

app_name = "replication"

urlpatterns = [
    path("", views.replication_home, name="home"),
    path("programmes/<pk:programme_id>/offer/", views.offer_edit, name="offer"),
    path("programmes/<pk:programme_id>/withdraw/", views.offer_withdraw, name="withdraw"),
    path("export/", views.export_page, name="export"),
    path("export/template.json", views.export_download, name="export_download"),
    path("imports/", views.import_list, name="imports"),
    path("imports/new/", views.import_new, name="import_new"),
    path("imports/<pk:import_id>/", views.import_detail, name="import"),
    path("visits/", views.visit_list, name="visits"),
    path("visits/new/", views.visit_new, name="visit_new"),
    path("visits/<pk:visit_id>/", views.visit_detail, name="visit"),
]
