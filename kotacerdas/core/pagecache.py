"""Shared copies of public pages for visitors without a session: rendered once, checked by a stamp.

A public page (a service request, the Open311 list, a region's published results) is the same for every
visitor who has not logged in. Such a visitor gets a copy kept in Django's cache under the page's host, path
and language and a *stamp*: a value read from the database that changes whenever what the page shows changes
(a request's `updated_at`, the time the region's summaries were rebuilt). The stamp comes from the database,
so every server process sees a change (within the second below) even when each keeps its own cache; `MAX_AGE`
bounds what a stamp does not cover (an agency renamed). Logged-in visitors, and visitors carrying any cookie
other than the language and CSRF ones (a session, a message), always get the page rendered for them.

Reading the stamp is the one query such a page makes; on PostgreSQL the round trip costs as much as the rest of
the answer. So each process keeps a page's stamp for `settings.SHARED_COPY_STAMP_SECONDS` (default 1; 0 reads it
on every request): a change shows to visitors without a session within that time, and at once to anyone logged
in (they never get a shared copy). The per-process cache holds at most `STAMPS_KEPT` pages' stamps.

A public page needs no CSRF token (the language switch does without: core.views.set_language), so its copy is
the same bytes for every visitor and answers `If-None-Match`. A page that does carry a token (a form of its
own) is kept with a placeholder in its place, and each visitor gets their own token when the copy is served.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse, HttpResponseNotModified
from django.middleware.csrf import get_token
from django.utils.cache import patch_vary_headers

MAX_AGE = 60  # seconds a copy may live at most
MAX_SIZE = 256 * 1024  # a bigger page (an Open311 list of 1000) is rendered each time rather than kept
CSRF_PLACEHOLDER = "kc-shared-copy-csrf-token-placeholder"
_PLACEHOLDER_BYTES = CSRF_PLACEHOLDER.encode()
_SHARED_ATTRIBUTE = "_kc_shared_copy"
STAMPS_KEPT = 10_000  # pages whose stamp a process keeps; past that it starts again from none
_stamps: dict[tuple[str, str, str], tuple[float, Any]] = {}  # (scheme, host, full path) -> (read at, stamp)
_clock = time.monotonic
_HEADERS_KEPT = ("Content-Type", "Content-Disposition", "Access-Control-Allow-Origin", "Vary")


@dataclass(frozen=True)
class Copy:
    """What is kept of a rendered page: its body and the headers that belong to the page, not the visitor."""

    content: bytes
    headers: tuple[tuple[str, str], ...]

    @property
    def has_token(self) -> bool:
        return _PLACEHOLDER_BYTES in self.content


def shared_copy(request: HttpRequest, *, stamp: Callable[[], Any], render: Callable[[], HttpResponse]) -> HttpResponse:
    """The page for this visitor: the shared copy when they may have it, else `render()`.

    `stamp()` is read only for a visitor who may share; None means the page has nothing to share (the object
    is missing or not public): it is rendered. A copy without a CSRF token also answers `If-None-Match`.
    """
    if not may_share(request):
        return render()
    current = _recent_stamp(request, stamp)
    if current is None:
        return render()
    key = _key(request, current)
    etag = f'"{key[-32:]}"'
    if etag in request.headers.get("If-None-Match", ""):
        return _not_modified(etag)
    copy = cache.get(key)
    if copy is None:
        setattr(request, _SHARED_ATTRIBUTE, True)
        try:
            response = render()
        finally:
            delattr(request, _SHARED_ATTRIBUTE)
        copy = _keepable(response)
        if copy is None:
            return response
        cache.set(key, copy, MAX_AGE)
    return _served(request, copy, etag)


def may_share(request: HttpRequest) -> bool:
    """A GET or HEAD from a visitor with no cookie but the language and CSRF ones (so: no session)."""
    if request.method not in ("GET", "HEAD"):
        return False
    return not set(request.COOKIES) - {settings.CSRF_COOKIE_NAME, settings.LANGUAGE_COOKIE_NAME}


def _recent_stamp(request: HttpRequest, stamp: Callable[[], Any]) -> Any:
    """The page's stamp as this process read it less than SHARED_COPY_STAMP_SECONDS ago, else read now."""
    seconds = settings.SHARED_COPY_STAMP_SECONDS
    if not seconds:
        return stamp()
    page = (request.scheme or "", request.get_host(), request.get_full_path())
    now = _clock()
    kept = _stamps.get(page)
    if kept is not None and now - kept[0] < seconds:
        return kept[1]
    current = stamp()
    if len(_stamps) >= STAMPS_KEPT:
        _stamps.clear()
    _stamps[page] = (now, current)
    return current


def csrf_placeholder(request: HttpRequest) -> dict[str, Any]:
    """Context processor: while a shared copy renders, `{% csrf_token %}` writes the placeholder."""
    return {"csrf_token": CSRF_PLACEHOLDER} if getattr(request, _SHARED_ATTRIBUTE, False) else {}


def _key(request: HttpRequest, stamp: Any) -> str:
    language = getattr(request, "LANGUAGE_CODE", settings.LANGUAGE_CODE)
    named = "\n".join([request.scheme or "", request.get_host(), request.get_full_path(), language, str(stamp)])
    return "kc:page:" + hashlib.blake2b(named.encode(), digest_size=24).hexdigest()


def _keepable(response: HttpResponse) -> Copy | None:
    """A plain 200 that set no cookie may be shared (unless too big); anything else is this visitor's alone."""
    if response.status_code != 200 or response.streaming or response.cookies or len(response.content) > MAX_SIZE:
        return None
    headers = tuple((name, response[name]) for name in _HEADERS_KEPT if response.has_header(name))
    return Copy(content=response.content, headers=headers)


def _served(request: HttpRequest, copy: Copy, etag: str) -> HttpResponse:
    content = copy.content
    if copy.has_token:
        content = content.replace(_PLACEHOLDER_BYTES, get_token(request).encode())
    response = HttpResponse(content)
    for name, value in copy.headers:
        response[name] = value
    if not copy.has_token:
        response["ETag"] = etag
    patch_vary_headers(response, ["Cookie"])
    return response


def _not_modified(etag: str) -> HttpResponse:
    response = HttpResponseNotModified()
    response["ETag"] = etag
    patch_vary_headers(response, ["Cookie"])
    return response
