"""The benchmark's baseline URLs under /_bench/, mounted only when settings.BENCH_VIEWS is true."""

from django.conf import settings
from django.urls import URLResolver, include, path

from kotacerdas.bench import views

app_name = "bench"

urlpatterns = [
    path("hello/", views.hello, name="hello"),
    path("insert/", views.insert, name="insert"),
]


def mounted() -> list[URLResolver]:
    """The /_bench/ include when KOTACERDAS_BENCH is set (only `kotacerdas bench` sets it, for its server), else none.

    It goes before the region patterns: "_bench" would otherwise be taken for a region's slug.
    """
    return [path("_bench/", include("kotacerdas.bench.urls"))] if settings.BENCH_VIEWS else []
