"""The server helpers: a production environment, free ports, and the workers' memory and CPU read from /proc."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

from django.test import SimpleTestCase

from kotacerdas.bench import server

# A stand-in for the gunicorn master: one child ("worker") that allocates ~40 MB and burns a little CPU.
MASTER = """
import subprocess, sys
child = subprocess.Popen([sys.executable, "-c", "x = bytearray(40_000_000); sum(range(3_000_000)); input()"],
                         stdin=subprocess.PIPE)
print(child.pid, flush=True)
child.wait()
"""

# A master whose first worker burns CPU and exits (recycled), is reaped, and is followed by an idle one.
RECYCLING_MASTER = """
import subprocess, sys
subprocess.run([sys.executable, "-c", "sum(range(20_000_000))"])
child = subprocess.Popen([sys.executable, "-c", "input()"], stdin=subprocess.PIPE)
print(child.pid, flush=True)
child.wait()
"""


class EnvironmentTests(SimpleTestCase):
    def test_it_runs_the_server_as_production_behind_a_tls_proxy_with_the_baseline_views(self) -> None:
        env = server.production_env(
            database_url="sqlite:////tmp/x.sqlite3", var_dir=Path("/tmp/v"), secret_key="k" * 50, port=8123
        )
        self.assertEqual(env["PRODUCTION"], "true")
        self.assertEqual(env["DEBUG"], "false")
        self.assertEqual(env["BEHIND_TLS_PROXY"], "true")
        self.assertEqual(env["KOTACERDAS_BENCH"], "true")
        self.assertEqual(env["GUNICORN_BIND"], "127.0.0.1:8123")
        self.assertEqual(env["DATABASE_URL"], "sqlite:////tmp/x.sqlite3")
        self.assertEqual(env["SECRET_KEY"], "k" * 50)

    def test_it_finds_a_port_nobody_listens_on(self) -> None:
        port = server.free_port()
        with socket.socket() as probe:
            self.assertNotEqual(probe.connect_ex((server.HOST, port)), 0)


class WorkerMeasurementTests(SimpleTestCase):
    def test_it_reads_the_workers_memory_and_cpu(self) -> None:
        with subprocess.Popen([sys.executable, "-c", MASTER], stdout=subprocess.PIPE, stdin=subprocess.PIPE) as master:
            assert master.stdout is not None
            worker = int(master.stdout.readline())
            try:
                time.sleep(0.5)  # the worker has allocated and counted
                live = server.Server(process=master, port=0)
                self.assertEqual(live.worker_pids(), [worker])
                self.assertGreater(live.memory_mb(), 40)
                self.assertGreaterEqual(live.peak_memory_mb(), live.memory_mb())
                self.assertGreater(live.cpu_seconds(), 0)
                self.assertTrue(live.reset_peak_memory())
            finally:
                os.kill(worker, signal.SIGKILL)
                master.kill()

    def test_a_recycled_workers_cpu_time_still_counts(self) -> None:
        command = [sys.executable, "-c", RECYCLING_MASTER]
        with subprocess.Popen(command, stdout=subprocess.PIPE, stdin=subprocess.PIPE) as master:
            assert master.stdout is not None
            worker = int(master.stdout.readline())  # the first worker has exited and been reaped by now
            try:
                live = server.Server(process=master, port=0)
                self.assertEqual(live.worker_pids(), [worker])
                self.assertGreater(live.cpu_seconds(), 0.1)  # summing the one worker alive would give ~0.02 s
            finally:
                os.kill(worker, signal.SIGKILL)
                master.kill()
