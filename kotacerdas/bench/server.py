"""The production server as a subprocess: gunicorn with kotacerdas/gunicorn_conf.py on 127.0.0.1:<free port>."""

from __future__ import annotations

import contextlib
import http.client
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

HOST = "127.0.0.1"
CONFIG = "python:kotacerdas.gunicorn_conf"
READY_TIMEOUT_S = 60.0
PROXY_HEADERS = {"X-Forwarded-Proto": "https"}  # as the TLS proxy in front of production sends it


class ServerFailed(Exception):
    """The server did not come up, or died."""


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((HOST, 0))
        return int(probe.getsockname()[1])


def production_env(*, database_url: str, var_dir: Path, secret_key: str, port: int) -> dict[str, str]:
    """The environment of a production deployment behind a TLS proxy, plus the benchmark's baseline views.

    The secret key is the bench process's own, so the sessions it wrote are valid in the server.
    """
    env = dict(os.environ)
    env.update(
        PRODUCTION="true",
        DEBUG="false",
        SECRET_KEY=secret_key,
        ALLOWED_HOSTS=HOST,
        BEHIND_TLS_PROXY="true",
        KOTACERDAS_BENCH="true",
        KOTACERDAS_VAR_DIR=str(var_dir),
        DATABASE_URL=database_url,
        GUNICORN_BIND=f"{HOST}:{port}",
        DJANGO_SETTINGS_MODULE="kotacerdas.settings",
    )
    return env


def collect_static(env: Mapping[str, str]) -> subprocess.Popen[bytes]:
    """Start collectstatic for the production storage (hashed, compressed files) in the server's var dir."""
    command = [sys.executable, "-m", "kotacerdas", "collectstatic", "--noinput", "-v0"]
    return subprocess.Popen(command, env=dict(env), stdout=subprocess.DEVNULL)


@dataclass
class Server:
    process: subprocess.Popen[bytes]
    port: int

    def worker_pids(self) -> list[int]:
        """The worker processes (children of the gunicorn master)."""
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        try:
            return [int(pid) for pid in children.read_text().split()]
        except OSError:
            return []

    def reset_peak_memory(self) -> bool:
        """Reset each worker's peak resident size (Linux clear_refs); False when the system does not allow it."""
        done = True
        for pid in self.worker_pids():
            try:
                Path(f"/proc/{pid}/clear_refs").write_text("5")
            except OSError:
                done = False
        return done

    def peak_memory_mb(self) -> float:
        """The largest peak resident size (VmHWM) among the workers, in MB."""
        peaks = [_status_kb(pid, "VmHWM") for pid in self.worker_pids()]
        return max(peaks, default=0) / 1024

    def cpu_seconds(self) -> float:
        """CPU time used so far by the workers (user + system, every thread), those already recycled included.

        A worker that served its `max_requests` has exited; the master reaped it, so its CPU time is in the
        master's children's time (cutime, cstime) and not lost from the sum.
        """
        live = sum(_cpu_seconds(pid) for pid in self.worker_pids())
        return live + _cpu_seconds(self.process.pid, reaped_children=True)

    def cpu_by_worker(self) -> dict[int, float]:
        """Each live worker's CPU time so far (user + system, every thread), by process id."""
        return {pid: _cpu_seconds(pid) for pid in self.worker_pids()}

    def memory_mb(self) -> float:
        """The largest current resident size (VmRSS) among the workers, in MB."""
        return max((_status_kb(pid, "VmRSS") for pid in self.worker_pids()), default=0) / 1024


def _cpu_seconds(pid: int, *, reaped_children: bool = False) -> float:
    """A process's own CPU time, or with `reaped_children` that of its children that exited and were reaped."""
    try:
        # The fields after the command's closing parenthesis: utime and stime are the 12th and 13th of them,
        # cutime and cstime (children waited for) the 14th and 15th.
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return 0.0
    first = 13 if reaped_children else 11
    return (int(fields[first]) + int(fields[first + 1])) / os.sysconf("SC_CLK_TCK")


def _status_kb(pid: int, field: str) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


@contextmanager
def running(env: Mapping[str, str], port: int, log: Path) -> Iterator[Server]:
    """Start gunicorn, wait until /healthz answers 200, stop it on the way out."""
    command = [sys.executable, "-m", "gunicorn", "-c", CONFIG, "kotacerdas.wsgi:application"]
    with log.open("wb") as log_file:
        process = subprocess.Popen(command, env=dict(env), stdout=log_file, stderr=subprocess.STDOUT)
        server = Server(process=process, port=port)
        try:
            _wait_ready(server, log)
            yield server
        finally:
            _stop(server)


def _wait_ready(server: Server, log: Path) -> None:
    deadline = time.monotonic() + READY_TIMEOUT_S
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise ServerFailed(f"gunicorn exited with {server.process.returncode}:\n{_tail(log)}")
        if _healthy(server.port):
            return
        time.sleep(0.2)
    raise ServerFailed(f"gunicorn did not answer within {READY_TIMEOUT_S:.0f} s:\n{_tail(log)}")


def _healthy(port: int) -> bool:
    connection = http.client.HTTPConnection(HOST, port, timeout=5)
    try:
        connection.request("GET", "/healthz", headers=PROXY_HEADERS)
        return connection.getresponse().status == 200
    except OSError:
        return False
    finally:
        connection.close()


def _stop(server: Server) -> None:
    """Kill the master, then its workers: the run is over and nothing is in flight.

    A graceful stop of gthread workers takes 5–15 s (each waits for its thread pool); killing the
    master first means no worker is started again in its place.
    """
    workers = server.worker_pids()
    if server.process.poll() is None:
        server.process.kill()
        server.process.wait()
    for pid in workers:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)


def _tail(log: Path, lines: int = 30) -> str:
    try:
        return "\n".join(log.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return ""
