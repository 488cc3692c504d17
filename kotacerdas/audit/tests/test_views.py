"""The audit log page: for the inspector and Diskominfo, newest first, in keyset pages."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from kotacerdas.audit.actions import AuditAction
from kotacerdas.audit.models import AuditEntry
from kotacerdas.audit.selectors import PAGE_SIZE
from kotacerdas.core.testing import RegionTestCase, make_agency


class AuditListTests(RegionTestCase):
    def url(self) -> str:
        return reverse("audit:list", kwargs={"region_slug": self.region.slug})

    def get(self, user: Any = None, **params: str) -> Any:
        self.client.force_login(user or self.inspector)
        return self.client.get(self.url(), params)

    def add_entries(self, count: int, action: str = AuditAction.AGENCY_UPDATED) -> None:
        entries = [
            AuditEntry(
                region=self.region, action=action, target_type="agencies.agency", target_id="1", target_label=f"E{n}"
            )
            for n in range(count)
        ]
        AuditEntry.objects.bulk_create(entries)

    def ids(self, response: Any) -> list[int]:
        return [entry.pk for entry in response.context["entries"]]

    def test_it_shows_the_regions_entries_newest_first_to_the_inspector(self) -> None:
        response = self.get()
        self.assertEqual(response.status_code, 200)
        expected = list(AuditEntry.objects.filter(region=self.region).order_by("-id").values_list("id", flat=True))
        self.assertEqual(self.ids(response), expected)
        self.assertIsNone(response.context["next_cursor"])

    def test_it_shows_the_log_to_the_diskominfo_officer(self) -> None:
        self.assertEqual(self.get(self.officer).status_code, 200)

    def test_it_never_shows_another_regions_entries(self) -> None:
        foreign = make_agency(self.other_region, "dishub-lain")
        entry = AuditEntry.objects.get(action=AuditAction.AGENCY_CREATED, target_id=str(foreign.pk))
        self.assertNotIn(entry.pk, self.ids(self.get()))

    def test_it_pages_with_a_before_cursor(self) -> None:
        self.add_entries(PAGE_SIZE + 5)
        total = AuditEntry.objects.filter(region=self.region).count()
        first = self.get()
        self.assertEqual(len(first.context["entries"]), PAGE_SIZE)
        cursor = first.context["next_cursor"]
        self.assertEqual(cursor, self.ids(first)[-1])
        self.assertContains(first, f"?before={cursor}")
        second = self.get(before=str(cursor))
        self.assertEqual(len(second.context["entries"]), total - PAGE_SIZE)
        self.assertLess(max(self.ids(second)), min(self.ids(first)))

    def test_it_ignores_a_non_numeric_cursor(self) -> None:
        for cursor in ("abc", "-5", "1.5", "", "1e3"):
            with self.subTest(cursor=cursor):
                response = self.get(before=cursor)
                self.assertEqual(response.status_code, 200)
                self.assertEqual(self.ids(response), self.ids(self.get()))

    def test_it_ignores_a_cursor_of_unicode_digits(self) -> None:
        self.client.raise_request_exception = False
        self.assertEqual(self.get(before="²").status_code, 200)

    def test_it_shows_everything_for_a_cursor_beyond_any_id(self) -> None:
        response = self.get(before="9" * 30)
        self.assertEqual(response.status_code, 200)
        self.assertEqual(self.ids(response), self.ids(self.get()))

    def test_it_filters_by_action(self) -> None:
        self.add_entries(3, action=AuditAction.CAPABILITY_DECLARED)
        response = self.get(action=AuditAction.CAPABILITY_DECLARED)
        self.assertEqual(len(response.context["entries"]), 3)
        self.assertEqual(response.context["action"], AuditAction.CAPABILITY_DECLARED)

    def test_it_keeps_the_action_filter_on_the_next_page_link(self) -> None:
        self.add_entries(PAGE_SIZE + 1, action=AuditAction.CAPABILITY_DECLARED)
        response = self.get(action=AuditAction.CAPABILITY_DECLARED)
        self.assertContains(response, f"&amp;action={AuditAction.CAPABILITY_DECLARED}")

    def test_it_ignores_an_unknown_action(self) -> None:
        response = self.get(action="planning.everything.deleted")
        self.assertEqual(response.context["action"], "")
        self.assertEqual(self.ids(response), self.ids(self.get()))

    def test_it_refuses_a_planner(self) -> None:
        self.assertEqual(self.get(self.planner).status_code, 403)

    def test_it_refuses_an_agency_operator(self) -> None:
        self.assertEqual(self.get(self.operator).status_code, 403)

    def test_it_hides_the_log_from_staff_of_another_region(self) -> None:
        self.assertEqual(self.get(self.outsider).status_code, 404)

    def test_it_pins_the_query_count_whatever_the_number_of_entries(self) -> None:
        self.client.force_login(self.inspector)
        with self.assertNumQueries(3):
            self.client.get(self.url())
        self.add_entries(PAGE_SIZE * 2)
        with self.assertNumQueries(3):
            response = self.client.get(self.url())
        self.assertEqual(len(response.context["entries"]), PAGE_SIZE)
