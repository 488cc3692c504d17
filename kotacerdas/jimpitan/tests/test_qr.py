"""Door tags: an SVG QR code (segno) of the tag URL, no personal data, no inline styles; one sheet per RT."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import segno
from django.test import SimpleTestCase
from django.urls import reverse

from kotacerdas.jimpitan import qr
from kotacerdas.jimpitan.tests.factories import JimpitanTestCase

SVG = re.compile(r"<svg\b.*?</svg>", re.S)
SVG_NS = "{http://www.w3.org/2000/svg}"


class TagSvgTests(SimpleTestCase):
    def test_it_is_valid_svg_without_style_attributes(self) -> None:
        svg = qr.tag_svg("http://testserver/kotaraya/jimpitan/tag/abc/")
        root = ET.fromstring(svg.replace("<svg ", '<svg xmlns="http://www.w3.org/2000/svg" ', 1))
        self.assertEqual(root.tag, f"{SVG_NS}svg")
        self.assertEqual(root.get("class"), "qr")
        self.assertTrue(all("style" not in el.attrib for el in root.iter()))
        self.assertNotIn("<style", svg)

    def test_it_encodes_exactly_the_url(self) -> None:
        url = "http://testserver/kotaraya/jimpitan/tag/abc/"
        expected = segno.make_qr(url, error="m")
        self.assertEqual(
            qr.tag_svg(url), expected.svg_inline(scale=1, border=2, omitsize=True, svgclass="qr", lineclass="qr-line")
        )
        self.assertNotEqual(qr.tag_svg(url), qr.tag_svg(url + "x"))


class TagSheetTests(JimpitanTestCase):
    def test_it_prints_one_tag_per_house_living_here_encoding_its_scan_url(self) -> None:
        self.client.force_login(self.treasurer)
        response = self.client.get(reverse("jimpitan:tag_sheet", args=[self.region.slug, self.fund.pk]))
        page = response.content.decode()
        svgs = SVG.findall(page)
        self.assertEqual(len(svgs), 3)
        tag_url = "http://testserver" + reverse("jimpitan:tag", args=[self.region.slug, self.house1.tag_token])
        self.assertEqual(svgs[0], str(qr.tag_svg(tag_url)))
        self.assertNotIn("Sutrisno", page)  # the tags name the house, not the people
        self.assertNotIn('style="', page)

    def test_the_scan_url_is_short_and_opaque(self) -> None:
        url = reverse("jimpitan:tag", args=[self.region.slug, self.house1.tag_token])
        self.assertRegex(url, r"^/kotaraya/jimpitan/tag/[A-Za-z0-9_-]{16}/$")
