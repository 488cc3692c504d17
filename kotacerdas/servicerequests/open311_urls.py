"""Open311 GeoReport v2 under /open311/v2/ and /<region>/open311/v2/; the format is the path suffix (.xml or .json).

The last pattern takes every other path, so that a client never gets a web page: the endpoint's own URL
describes it (discovery) and anything else is an Open311 404.
"""

from django.urls import re_path

from kotacerdas.servicerequests import open311_views as views

app_name = "open311"

FMT = r"\.(?P<fmt>xml|json)$"

urlpatterns = [
    re_path(r"^discovery" + FMT, views.discovery, name="discovery"),
    re_path(r"^services" + FMT, views.service_list, name="services"),
    re_path(
        r"^services/(?P<service_code>[A-Za-z0-9][A-Za-z0-9_.-]{0,39}?)" + FMT, views.service_definition, name="service"
    ),
    re_path(r"^requests" + FMT, views.requests, name="requests"),
    re_path(r"^requests/(?P<service_request_id>[0-9]{1,18})" + FMT, views.request_detail, name="request"),
    re_path(r"^tokens/(?P<open311_token>[A-Za-z0-9_-]{1,64})" + FMT, views.token_detail, name="token"),
    re_path(r"^servicerequestupdates" + FMT, views.request_updates, name="updates"),
    re_path(r"^", views.fallback, name="fallback"),
]
