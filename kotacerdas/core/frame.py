"""The page frame of a busy logged-in page, rendered once per viewer and page and kept.

`base.html` around a page's content (header, language switch, navigation, footer) costs about as much CPU to
render as a cached dashboard itself: a dozen translations, URLs and template blocks. For one viewer on one
page it changes only with what its key names: the region (and its name), the language, the viewer (and the
name shown for them), the links the viewer's permissions show, the path and the title. A page served through
`framed()` renders the frame once for that key, with a placeholder where the content goes and another for the
CSRF token, and afterwards only fills them in: the content and any messages of this request, and this
visitor's own token.

Only the content is rendered on every view; the permissions behind the navigation links are computed on every
view (they are part of the key), so a role granted or revoked shows at once.
"""

from __future__ import annotations

import hashlib

from django.contrib.messages import get_messages
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

from kotacerdas.core.context_processors import site
from kotacerdas.core.pagecache import CSRF_PLACEHOLDER

FRAME_SECONDS = 600  # bounds what the key does not name (a template changed by a deploy restarts the processes)
CONTENT_MARKER = "<!--kc-frame-content-->"
_NAV_FLAGS = ("region_staff", "region_dashboard", "region_jimpitan")


def framed(request: HttpRequest, content: SafeString, *, title: str) -> HttpResponse:
    """The page: `content` (HTML the view rendered) and this request's messages inside the viewer's kept frame."""
    flags = site(request)
    before, after = _frame(request, title=title, flags=flags)
    stored = list(get_messages(request))
    messages = render_to_string("core/_messages.html", {"messages": stored}) if stored else ""
    token = get_token(request)
    body = "".join([before.replace(CSRF_PLACEHOLDER, token), messages, content, after.replace(CSRF_PLACEHOLDER, token)])
    return HttpResponse(body)


def _frame(request: HttpRequest, *, title: str, flags: dict[str, object]) -> tuple[str, str]:
    key = _key(request, title=title, flags=flags)
    kept: tuple[str, str] | None = cache.get(key)
    if kept is None:
        marker = mark_safe(CONTENT_MARKER)  # a constant of ours
        context = {"frame_title": title, "messages": (), "csrf_token": CSRF_PLACEHOLDER, "frame_marker": marker}
        page = render_to_string("core/frame.html", context, request=request)
        before, _, after = page.partition(CONTENT_MARKER)
        kept = (before, after)
        cache.set(key, kept, FRAME_SECONDS)
    return kept


def _key(request: HttpRequest, *, title: str, flags: dict[str, object]) -> str:
    region = flags["region"]
    user = request.user
    parts = [
        f"{region.pk}:{region.slug}:{region.name}" if region is not None else "-",  # type: ignore[attr-defined]
        get_language() or "",
        f"{user.pk}:{user.display_name}" if user.is_authenticated else "-",
        "".join(str(int(bool(flags[name]))) for name in _NAV_FLAGS),
        request.get_full_path(),
        title,
    ]
    digest = hashlib.blake2b("\n".join(parts).encode(), digest_size=24).hexdigest()
    return f"kc:frame:{digest}"
