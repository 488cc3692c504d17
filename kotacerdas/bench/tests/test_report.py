"""The benchmark's table, its verdicts on the targets of issue #8 and its section in BENCHMARKS.md."""

from __future__ import annotations

import math
import os
import subprocess
import tempfile
from pathlib import Path

from django.test import SimpleTestCase

from kotacerdas.bench import report
from kotacerdas.bench.report import Report, Row


def rows() -> list[Row]:
    return report.with_ratios(
        [
            Row("hello", rate=1000.0, p50_ms=5.0, p99_ms=20.0, requests=10_000, failures=0),
            Row("insert", rate=500.0, p50_ms=10.0, p99_ms=40.0, requests=5_000, failures=0),
            Row("list", rate=450.0, p50_ms=12.0, p99_ms=45.0, requests=4_500, failures=0),
            Row("page", rate=300.0, p50_ms=20.0, p99_ms=80.0, requests=3_000, failures=0),
            Row("board", rate=200.0, p50_ms=30.0, p99_ms=90.0, requests=2_000, failures=2, note="answers: 500×2"),
            Row("collect", rate=350.0, p50_ms=15.0, p99_ms=60.0, requests=3_500, failures=0),
        ],
        ("hello",),
    )


class TableTests(SimpleTestCase):
    def test_it_gives_each_rate_as_a_share_of_hello_world(self) -> None:
        ratios = {row.name: row.ratio for row in rows()}
        self.assertEqual(ratios["hello"], 1.0)
        self.assertEqual(ratios["list"], 0.45)
        self.assertEqual(ratios["board"], 0.2)

    def test_it_has_no_ratio_without_a_baseline(self) -> None:
        (row,) = report.with_ratios([Row("x", rate=5.0, p50_ms=1.0, p99_ms=1.0, requests=5, failures=0)], ("hello",))
        self.assertTrue(math.isnan(row.ratio))

    def test_a_baseline_run_twice_counts_with_the_mean_of_its_runs(self) -> None:
        table = [
            Row("hello", rate=1000.0, p50_ms=5.0, p99_ms=20.0, requests=10_000, failures=0),
            Row("list", rate=450.0, p50_ms=12.0, p99_ms=45.0, requests=4_500, failures=0),
            Row("hello again", rate=800.0, p50_ms=6.0, p99_ms=22.0, requests=8_000, failures=0),
        ]
        ratios = {row.name: row.ratio for row in report.with_ratios(table, ("hello", "hello again"))}
        self.assertEqual(ratios, {"hello": 1000 / 900, "list": 0.5, "hello again": 800 / 900})

    def test_it_prints_one_line_per_scenario_with_errors_out_of_requests(self) -> None:
        lines = report.table(rows()).splitlines()
        self.assertEqual(len(lines), 2 + 6)
        self.assertIn("| scenario", lines[0])
        self.assertIn("× hello", lines[0])
        self.assertIn("CPU ms/req", lines[0])
        board = next(line for line in lines if line.startswith("| board"))
        self.assertIn("2/2000", board)
        self.assertIn("0.20", board)
        self.assertIn("answers: 500×2", board)
        self.assertEqual(len({len(line) for line in lines}), 1)  # aligned columns

    def test_a_scenario_with_a_failure_or_no_answer_fails_the_report(self) -> None:
        table = rows()
        self.assertTrue(Report("t", table).failed)
        table[4].failures = 0
        self.assertFalse(Report("t", table).failed)
        table[4].requests = 0
        self.assertTrue(Report("t", table).failed)


class VerdictTests(SimpleTestCase):
    def test_it_judges_reads_dashboard_and_writes_against_the_issues_targets(self) -> None:
        by_name = {row.name: row for row in rows()}
        lines = report.judge(
            by_name, reads=["list", "page"], dashboard="board", write="collect", baseline_write=("insert",)
        )
        self.assertEqual(
            lines,
            [
                "met: list: 45% of hello-world (≥ 40 %), p99 45.0 ms (≤ 50)",
                "NOT met: page: 30% of hello-world (≥ 40 %), p99 80.0 ms (≤ 50)",
                "NOT met: board: 20% of hello-world (≥ 25 %)",
                "met: collect: 70.0% of the bare INSERT's rate (≥ 60 %)",
            ],
        )

    def test_the_collection_is_judged_against_the_mean_of_the_inserts_on_both_sides_of_it(self) -> None:
        by_name = {row.name: row for row in rows()}
        by_name["insert again"] = Row("insert again", rate=700.0, p50_ms=9.0, p99_ms=30.0, requests=7_000, failures=0)
        write = report.judge(
            by_name,
            reads=[],
            dashboard="board",
            write="collect",
            baseline_write=("insert", "insert again"),
        )[-1]
        self.assertEqual(write, "NOT met: collect: 58.3% of the bare INSERT's rate (≥ 60 %)")  # 350 / 600

    def test_it_judges_the_dashboard_speedup_and_says_when_the_numbers_differ(self) -> None:
        self.assertTrue(report.judge_dashboard_speedup(25.0, True).startswith("met:"))
        differs = report.judge_dashboard_speedup(25.0, False)
        self.assertIn("DIFFERENT numbers", differs)
        self.assertTrue(report.judge_dashboard_speedup(12.0, True).startswith("NOT met:"))

    def test_it_judges_the_export_at_a_million_rows(self) -> None:
        line = report.judge_export(2.0, 120.0, 100_000)
        self.assertEqual(
            line,
            "met: CSV export: 100,000 rows in 2.0 s, so 1,000,000 rows in 20 s (≤ 60 s); "
            "server worker peak 120 MB (≤ 200 MB)",
        )
        self.assertTrue(report.judge_export(2.0, 250.0, 100_000).startswith("NOT met:"))  # memory
        self.assertTrue(report.judge_export(0.5, 110.0, 3_000).startswith("NOT met:"))  # 167 s for a million


class RecordTests(SimpleTestCase):
    def test_it_appends_a_dated_section_and_keeps_what_was_there(self) -> None:
        with tempfile.TemporaryDirectory() as directory:
            path = Path(directory) / "BENCHMARKS.md"
            path.write_text("# Benchmarks\n\n## Data generation\n\nkept\n")
            result = Report("2026-11-28 20:00 WIB — full run", rows(), {"machine": "2 cores"}, ["met: x"])
            report.record(result, path)
            text = path.read_text()
        self.assertTrue(text.startswith("# Benchmarks\n\n## Data generation\n\nkept\n\n## 2026-11-28 20:00 WIB"))
        self.assertIn("- machine: 2 cores", text)
        self.assertIn("| hello", text)
        self.assertIn("- met: x", text)


class CommitTests(SimpleTestCase):
    """The commit a run names: uncommitted changes count, except BENCHMARKS.md (an earlier run's table)."""

    def test_it_names_uncommitted_changes_but_not_the_benchmarks_file(self) -> None:
        with tempfile.TemporaryDirectory() as directory:
            repo = Path(directory)

            def git(*args: str) -> None:
                subprocess.run(["git", "-C", directory, *args], check=True, capture_output=True)

            git("init", "-q")
            (repo / "BENCHMARKS.md").write_text("# Benchmarks\n")
            (repo / "code.py").write_text("x = 1\n")
            git("add", ".")
            git("-c", "user.name=t", "-c", "user.email=t@example.invalid", "commit", "-qm", "first")
            previous = os.getcwd()
            os.chdir(directory)
            try:
                self.assertNotIn("uncommitted", report.commit())
                (repo / "BENCHMARKS.md").write_text("# Benchmarks\n\n## a run\n")
                self.assertNotIn("uncommitted", report.commit())
                (repo / "code.py").write_text("x = 2\n")
                self.assertTrue(report.commit().endswith("(with uncommitted changes)"))
            finally:
                os.chdir(previous)
