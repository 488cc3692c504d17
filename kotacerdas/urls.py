"""Top-level URLs: platform pages first, then everything under /<region-slug>/."""

from django.contrib import admin
from django.urls import include, path

from kotacerdas.api.api import api
from kotacerdas.bench import urls as bench_urls
from kotacerdas.core import converters  # noqa: F401  (registers the "pk" converter)

urlpatterns = [
    *bench_urls.mounted(),  # the benchmark's baseline views, only while `kotacerdas bench` runs
    path("", include("kotacerdas.core.urls")),
    path("accounts/", include("kotacerdas.accounts.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("best-practices/", include("kotacerdas.replication.public_urls")),
    path("api/v1/", api.urls),
    path("open311/v2/", include("kotacerdas.servicerequests.open311_urls", namespace="open311-root")),
    path("<slug:region_slug>/", include("kotacerdas.regions.urls")),
    path("<slug:region_slug>/agencies/", include("kotacerdas.agencies.urls")),
    path("<slug:region_slug>/framework/", include("kotacerdas.framework.urls")),
    path("<slug:region_slug>/audit/", include("kotacerdas.audit.urls")),
    path("<slug:region_slug>/planning/", include("kotacerdas.planning.urls")),
    path("<slug:region_slug>/monitoring/", include("kotacerdas.monitoring.urls")),
    path("<slug:region_slug>/open/", include("kotacerdas.monitoring.public_urls")),
    path("<slug:region_slug>/jimpitan/", include("kotacerdas.jimpitan.urls")),
    path("<slug:region_slug>/replication/", include("kotacerdas.replication.urls")),
    path("<slug:region_slug>/services/", include("kotacerdas.servicerequests.urls")),
    path("<slug:region_slug>/open311/v2/", include("kotacerdas.servicerequests.open311_urls")),
]
