"""The load generator: its statistics on known samples, and a real run against a tiny HTTP server."""

from __future__ import annotations

import asyncio
import math
from collections import Counter
from urllib.parse import parse_qs

from django.test import SimpleTestCase

from kotacerdas.bench.loadgen import Plan, Result, drive, percentile, summarise


class PercentileTests(SimpleTestCase):
    def test_it_takes_the_nearest_rank(self) -> None:
        samples = [float(n) for n in range(1, 101)]
        self.assertEqual(percentile(samples, 50), 50.0)
        self.assertEqual(percentile(samples, 99), 99.0)
        self.assertEqual(percentile(samples, 100), 100.0)
        self.assertEqual(percentile(samples, 1), 1.0)

    def test_it_does_not_depend_on_the_order_of_the_samples(self) -> None:
        self.assertEqual(percentile([3.0, 1.0, 2.0], 50), 2.0)
        self.assertEqual(percentile([10.0, 40.0, 20.0, 30.0], 50), 20.0)
        self.assertEqual(percentile([10.0, 40.0, 20.0, 30.0], 99), 40.0)

    def test_it_gives_the_one_sample_for_every_percentile(self) -> None:
        self.assertEqual(percentile([7.5], 50), 7.5)
        self.assertEqual(percentile([7.5], 99), 7.5)

    def test_it_shows_a_slow_tail_at_p99_but_not_at_p50(self) -> None:
        samples = [0.010] * 98 + [1.0, 2.0]
        self.assertEqual(percentile(samples, 50), 0.010)
        self.assertEqual(percentile(samples, 99), 1.0)

    def test_it_has_no_percentile_of_nothing(self) -> None:
        self.assertTrue(math.isnan(percentile([], 50)))

    def test_it_refuses_a_percentile_outside_0_to_100(self) -> None:
        with self.assertRaises(ValueError):
            percentile([1.0], 0)
        with self.assertRaises(ValueError):
            percentile([1.0], 101)


class SummariseTests(SimpleTestCase):
    def test_it_counts_every_answer_that_is_not_2xx_as_a_failure(self) -> None:
        result = summarise([0.01] * 6, [200, 201, 204, 302, 500, 0], window_s=2.0, received=60, cpu_s=0.5)
        self.assertEqual(result.requests, 6)
        self.assertEqual(result.failures, 3)  # the redirect, the server error and the broken connection
        self.assertEqual(result.statuses, {"0": 1, "200": 1, "201": 1, "204": 1, "302": 1, "500": 1})

    def test_it_reports_rate_and_latencies_in_milliseconds(self) -> None:
        latencies = [0.001 * n for n in range(1, 101)]
        result = summarise(latencies, [200] * 100, window_s=4.0, received=1000, cpu_s=1.0)
        self.assertEqual(result.rate, 25.0)
        self.assertAlmostEqual(result.p50_ms, 50.0)
        self.assertAlmostEqual(result.p99_ms, 99.0)
        self.assertAlmostEqual(result.mean_ms, 50.5)
        self.assertAlmostEqual(result.cpu_fraction, 0.25)


class _Server:
    """A tiny keep-alive HTTP/1.1 server: /ok, /chunked, /close (closes after answering), /fail (503)."""

    def __init__(self) -> None:
        self.bodies: list[str] = []
        self.connections = 0

    async def handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.connections += 1
        try:
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                lines = head.decode().split("\r\n")
                path = lines[0].split()[1]
                length = next(
                    (int(line.split(":")[1]) for line in lines if line.lower().startswith("content-length")), 0
                )
                self.bodies.append((await reader.readexactly(length)).decode())
                writer.write(self.answer(path))
                await writer.drain()
                if path == "/close":
                    break
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        writer.close()

    @staticmethod
    def answer(path: str) -> bytes:
        if path == "/chunked":
            return b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n"
        if path == "/close":
            return b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok"
        if path == "/fail":
            return b"HTTP/1.1 503 Service Unavailable\r\nContent-Length: 4\r\n\r\nbusy"
        return b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"


def run_against_server(**plan: object) -> tuple[Result, _Server]:
    """Start the tiny server on a free port, drive it with the plan, return the result and what the server saw."""
    server = _Server()

    async def main() -> Result:
        listening = await asyncio.start_server(server.handle, "127.0.0.1", 0)
        port = listening.sockets[0].getsockname()[1]
        async with listening:
            return await drive(Plan(host="127.0.0.1", port=port, **plan))  # type: ignore[arg-type]

    return asyncio.run(main()), server


class DriveTests(SimpleTestCase):
    def test_it_keeps_connections_alive_and_measures_only_after_the_warm_up(self) -> None:
        result, server = run_against_server(path="/ok", concurrency=4, warmup_s=0.1, duration_s=0.3)
        self.assertGreater(result.requests, 20)
        self.assertEqual(result.failures, 0)
        self.assertEqual(server.connections, 4)  # one connection per client, kept alive
        self.assertLess(result.requests, len(server.bodies))  # the warm-up's answers are not counted
        self.assertEqual(result.issued, len(server.bodies))
        self.assertGreater(result.cpu_s, 0)
        self.assertAlmostEqual(result.window_s, 0.3)
        self.assertEqual(result.bytes_received, 2 * result.requests)

    def test_it_reads_chunked_answers_whole(self) -> None:
        result, _server = run_against_server(path="/chunked", concurrency=2, warmup_s=0, duration_s=0.2)
        self.assertGreater(result.requests, 5)
        self.assertEqual(result.failures, 0)
        self.assertEqual(result.bytes_received, 11 * result.requests)

    def test_it_reconnects_when_the_server_closes_the_connection(self) -> None:
        result, server = run_against_server(path="/close", concurrency=2, warmup_s=0, duration_s=0.2)
        self.assertGreater(result.requests, 5)
        self.assertEqual(result.failures, 0)
        self.assertGreaterEqual(server.connections, len(server.bodies))

    def test_it_counts_server_errors_as_failures(self) -> None:
        result, _server = run_against_server(path="/fail", concurrency=2, warmup_s=0, duration_s=0.2)
        self.assertGreater(result.requests, 0)
        self.assertEqual(result.failures, result.requests)
        self.assertEqual(set(result.statuses), {"503"})

    def test_it_counts_a_refused_connection_as_a_failure(self) -> None:
        result = asyncio.run(drive(Plan(host="127.0.0.1", port=1, concurrency=1, warmup_s=0, duration_s=0.05)))
        self.assertGreater(result.requests, 0)
        self.assertEqual(result.failures, result.requests)
        self.assertEqual(set(result.statuses), {"0"})

    def test_it_sends_each_id_once_with_a_fresh_key_and_stops_when_the_ids_run_out(self) -> None:
        body = "household={id}&idempotency_key={uuid}&n={n}"
        result, server = run_against_server(
            method="POST", path="/ok", body=body, ids=[11, 12, 13, 14, 15], concurrency=2, warmup_s=0, duration_s=5
        )
        sent = [parse_qs(b) for b in server.bodies]
        self.assertEqual(sorted(int(s["household"][0]) for s in sent), [11, 12, 13, 14, 15])
        self.assertEqual(len({s["idempotency_key"][0] for s in sent}), 5)
        self.assertEqual(sorted(int(s["n"][0]) for s in sent), [0, 1, 2, 3, 4])
        self.assertTrue(result.ran_out)
        self.assertEqual(result.requests, 5)
        self.assertLess(result.window_s, 5)  # the window ends with the last answer, not after 5 s

    def test_it_stops_after_the_requested_number_of_requests(self) -> None:
        result, server = run_against_server(path="/ok", concurrency=1, warmup_s=0, duration_s=60, max_requests=3)
        self.assertEqual(len(server.bodies), 3)
        self.assertEqual(result.requests, 3)
        self.assertFalse(result.ran_out)
        self.assertEqual(Counter(result.statuses), Counter({"200": 3}))
