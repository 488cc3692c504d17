"""The runner's reading of how evenly the workers shared a scenario's work."""

from __future__ import annotations

from django.test import SimpleTestCase

from kotacerdas.bench.runner import busiest_share, uneven_share


class BusiestShareTests(SimpleTestCase):
    def test_it_gives_the_busiest_workers_share_of_the_cpu_used_between_two_readings(self) -> None:
        before = {10: 1.0, 11: 2.0, 12: 3.0, 13: 4.0}
        after = {10: 1.5, 11: 2.5, 12: 3.5, 13: 4.5}
        self.assertAlmostEqual(busiest_share(before, after), 0.25)
        self.assertAlmostEqual(busiest_share(before, {10: 7.0, 11: 2.5, 12: 3.5, 13: 4.5}), 6.0 / 7.5)

    def test_a_worker_started_between_the_readings_counts_with_all_its_time(self) -> None:
        self.assertAlmostEqual(busiest_share({10: 1.0, 11: 1.0}, {10: 2.0, 11: 2.0, 14: 2.0}), 2.0 / 4.0)

    def test_no_work_is_no_share(self) -> None:
        self.assertEqual(busiest_share({10: 1.0}, {10: 1.0}), 0.0)
        self.assertEqual(busiest_share({}, {}), 0.0)

    def test_an_even_split_is_never_noted_however_many_workers(self) -> None:
        self.assertEqual(uneven_share(4), 0.5)
        self.assertEqual(uneven_share(2), 0.75)  # 50 % each is even for two
        self.assertGreater(uneven_share(1), 1.0)  # a lone worker does everything
        for workers in (2, 3, 4, 8):
            self.assertGreater(uneven_share(workers), 1 / workers)
