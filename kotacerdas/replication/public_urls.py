from django.urls import path

from kotacerdas.replication import public_views

app_name = "catalogue"

urlpatterns = [
    path("", public_views.catalogue_home, name="home"),
    # Before the region pages: these names are not region slugs.
    path("template-format/", public_views.template_format, name="format"),
    path("template-schema.json", public_views.template_schema, name="schema"),
    path("<slug:region_slug>/", public_views.region_catalogue, name="region"),
    path("<slug:region_slug>/template.json", public_views.region_template, name="template"),
]
