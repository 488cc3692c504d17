"""{% url %} with its answers kept per process: the same text as Django's tag, and a new URLconf is obeyed."""

from __future__ import annotations

from django.template import Context, Engine, Template
from django.test import SimpleTestCase, override_settings
from django.urls import NoReverseMatch, path, reverse

from kotacerdas.core.templatetags import memo_url
from kotacerdas.regions.views import region_home

urlpatterns = [path("elsewhere/<slug:region_slug>/", region_home, name="home")]


def rendered(source: str, **context: object) -> str:
    """Through the project's template engine, where the kept {% url %} is a builtin."""
    return Template(source, engine=Engine.get_default()).render(Context(context))


def djangos(source: str, **context: object) -> str:
    """Through an engine with Django's own tag only."""
    return Engine().from_string(source).render(Context(context))


class MemoUrlTests(SimpleTestCase):
    def test_the_project_uses_the_kept_tag(self) -> None:
        self.assertIn("kotacerdas.core.templatetags.memo_url", Engine.get_default().builtins)

    def test_it_writes_what_djangos_tag_writes(self) -> None:
        cases = [
            ("{% url 'core:home' %}", {}),
            ("{% url 'regions:home' slug %}", {"slug": "yogyakarta"}),
            ("{% url 'regions:area_detail' slug 7 %}", {"slug": "yogyakarta"}),
            ("{% url 'regions:area_detail' region_slug=slug area_id=n %}", {"slug": "musirawas", "n": 12}),
            ("{% url 'regions:home' slug as link %}[{{ link }}]", {"slug": "yogyakarta"}),
        ]
        for source, context in cases:
            with self.subTest(source):
                self.assertEqual(rendered(source, **context), djangos(source, **context))
                self.assertEqual(rendered(source, **context), djangos(source, **context))  # the kept answer

    def test_an_argument_that_is_not_plain_text_or_a_number_is_reversed_each_time(self) -> None:
        memo_url._reverse.cache_clear()

        class Slug:
            def __str__(self) -> str:
                return "yogyakarta"

        self.assertEqual(rendered("{% url 'regions:home' s %}", s=Slug()), "/yogyakarta/")
        self.assertEqual(memo_url._reverse.cache_info().currsize, 0)

    def test_an_unknown_view_still_fails_as_djangos_does(self) -> None:
        with self.assertRaises(NoReverseMatch):
            rendered("{% url 'nowhere' %}")

    def test_another_urlconf_gets_its_own_answers(self) -> None:
        source = "{% url 'home' slug %}"
        with override_settings(ROOT_URLCONF=__name__):
            self.assertEqual(rendered(source, slug="bantul"), "/elsewhere/bantul/")
        with self.assertRaises(NoReverseMatch):
            rendered(source, slug="bantul")
        self.assertEqual(reverse("regions:home", args=["bantul"]), "/bantul/")
