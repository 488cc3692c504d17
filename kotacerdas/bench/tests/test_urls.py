"""The baseline views exist only while a benchmark runs; when mounted they answer as the bench expects."""

from __future__ import annotations

from django.test import Client, TestCase, override_settings
from django.urls import URLResolver, resolve

from kotacerdas.bench import urls as bench_urls
from kotacerdas.bench.models import BenchRow


class GatingTests(TestCase):
    def test_it_does_not_serve_the_baseline_views_in_a_normal_deployment(self) -> None:
        self.assertEqual(bench_urls.mounted(), [])
        self.assertEqual(self.client.get("/_bench/hello/").status_code, 404)
        self.assertEqual(self.client.post("/_bench/insert/", {"note": "x"}).status_code, 404)
        self.assertFalse(BenchRow.objects.exists())

    @override_settings(BENCH_VIEWS=True)
    def test_it_mounts_them_under_bench_when_the_benchmark_asks(self) -> None:
        (mounted,) = bench_urls.mounted()
        self.assertIsInstance(mounted, URLResolver)
        self.assertEqual(str(mounted.pattern), "_bench/")
        self.assertEqual(mounted.namespace, "bench")


@override_settings(ROOT_URLCONF="kotacerdas.bench.urls")
class BaselineViewTests(TestCase):
    def test_it_says_hello_without_touching_the_database(self) -> None:
        with self.assertNumQueries(0):
            response = self.client.get("/hello/")
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.content, b"Hello, world")
        self.assertEqual(resolve("/hello/").view_name, "hello")

    def test_it_inserts_one_row_per_post_without_a_csrf_token(self) -> None:
        client = Client(enforce_csrf_checks=True)
        response = client.post("/insert/", {"note": "n" * 60})
        self.assertEqual(response.status_code, 201)
        row = BenchRow.objects.get()
        self.assertEqual(response.json(), {"id": row.pk})
        self.assertEqual(row.note, "n" * 40)  # cut to the column's length, never an error

    def test_it_refuses_the_wrong_method(self) -> None:
        self.assertEqual(self.client.get("/insert/").status_code, 405)
        self.assertEqual(self.client.post("/hello/").status_code, 405)
        self.assertFalse(BenchRow.objects.exists())
