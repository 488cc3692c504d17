"""Door tags: a QR code (segno, SVG) of the URL that opens tonight's record form for one house.

The URL carries only the household's opaque tag token; any phone camera app opens it. The SVG has no
style attributes (the CSP forbids inline styles): segno draws with `stroke` and a class the stylesheet sizes.
"""

from __future__ import annotations

import segno
from django.http import HttpRequest
from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe

from kotacerdas.jimpitan.models import Household


def tag_url(request: HttpRequest, household: Household) -> str:
    """The absolute address a door tag encodes."""
    path = reverse("jimpitan:tag", kwargs={"region_slug": household.fund.region.slug, "tag_token": household.tag_token})
    return request.build_absolute_uri(path)


def tag_svg(url: str) -> SafeString:
    """An inline SVG QR code of `url` (error correction M survives a scuffed door tag)."""
    code = segno.make_qr(url, error="m")
    # Built from our own URL only; segno escapes nothing else into the markup.
    return mark_safe(code.svg_inline(scale=1, border=2, omitsize=True, svgclass="qr", lineclass="qr-line"))
