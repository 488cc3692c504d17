"""WSGI entry point (gunicorn kotacerdas.wsgi)."""

import os

from django.core.wsgi import get_wsgi_application
from django.urls import get_resolver

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kotacerdas.settings")

application = get_wsgi_application()

# Import every view now (the URL configuration imports them all): with gunicorn's preload_app the
# workers are forked with them loaded, instead of each paying seconds for it on its first request.
get_resolver().url_patterns  # noqa: B018
