"""Top-level URLs: platform pages first, then everything under /<region-slug>/."""

from django.contrib import admin
from django.urls import include, path

from kotacerdas.api.api import api
from kotacerdas.bench import urls as bench_urls
from kotacerdas.core import converters  # noqa: F401  (registers the "pk" converter)
from kotacerdas.core import views as core_views

# Everything under /<region-slug>/: the slug is matched once, then each room by its fixed prefix
# (one include per room under the slug made every region page match the slug once per room before it).
region_urlpatterns = [
    # The busiest first (Django tries them in order): public requests and their API, results, dashboard, jimpitan.
    path("services/", include("kotacerdas.servicerequests.urls")),
    path("open311/v2/", include("kotacerdas.servicerequests.open311_urls")),
    path("open/", include("kotacerdas.monitoring.public_urls")),
    path("monitoring/", include("kotacerdas.monitoring.urls")),
    path("jimpitan/", include("kotacerdas.jimpitan.urls")),
    path("", include("kotacerdas.regions.urls")),
    path("agencies/", include("kotacerdas.agencies.urls")),
    path("framework/", include("kotacerdas.framework.urls")),
    path("audit/", include("kotacerdas.audit.urls")),
    path("planning/", include("kotacerdas.planning.urls")),
    path("replication/", include("kotacerdas.replication.urls")),
]

urlpatterns = [
    *bench_urls.mounted(),  # the benchmark's baseline views, only while `kotacerdas bench` runs
    path("", include("kotacerdas.core.urls")),
    path("accounts/", include("kotacerdas.accounts.urls")),
    path("i18n/setlang/", core_views.set_language, name="set_language"),
    path("admin/", admin.site.urls),
    path("best-practices/", include("kotacerdas.replication.public_urls")),
    path("api/v1/", api.urls),
    path("open311/v2/", include("kotacerdas.servicerequests.open311_urls", namespace="open311-root")),
    path("<slug:region_slug>/", include(region_urlpatterns)),
]
