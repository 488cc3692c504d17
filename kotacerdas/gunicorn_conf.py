"""The production server's configuration: `gunicorn -c python:kotacerdas.gunicorn_conf kotacerdas.wsgi`.

`kotacerdas bench` starts the server with this same file, so the numbers in BENCHMARKS.md are those
of the recommended configuration. Chosen by measurement on 2 cores (see README, Production, and
BENCHMARKS.md): threaded workers, because they keep connections alive and overlap database waits.
"""

from __future__ import annotations

import os

from kotacerdas.core.env import env_int, env_str

bind = env_str("GUNICORN_BIND", "127.0.0.1:8000")
# One process per core (docs DESIGN: "one app process per core"). Measured on 2 cores, full data, three alternating
# rounds each against 4 workers (2026-11-29, BENCHMARKS.md): the dashboard +10-43 %, the jimpitan collection
# +21-50 % on PostgreSQL and -3 to +33 % on SQLite, reads equal or better; hello-world and the bare INSERT a
# little lower. Fewer processes switch less between each other and PostgreSQL's backends (half as many
# connections).
workers = env_int("WEB_CONCURRENCY", os.cpu_count() or 1)
worker_class = env_str("GUNICORN_WORKER_CLASS", "gthread")
threads = env_int("GUNICORN_THREADS", 4)
# Gunicorn's default of 1,000 connections per worker lets whichever worker accepts first keep most keep-alive
# connections of a burst for their whole life (a TLS proxy's upstream connections too): then one worker (one core,
# the GIL) serves them all. Seen on 2 cores: hello-world 2,164/s instead of ~4,400/s; the SQLite collection 240/s
# in one run and 627/s in the next, same code. A cap of 2 x threads (at most `threads` of them idle in keep-alive)
# spreads them: in the capped runs of 2026-11-29 no worker did more than 53 % of a scenario's work (the 100 % notes
# of two capped runs were workers recycled mid-scenario), the SQLite collection 481-560/s over three runs and reads
# 1,170-1,800/s; one morning run saw the reconnections cost PostgreSQL reads 5-20 %, not seen since. Predictable
# beats sometimes faster.
# GUNICORN_WORKER_CONNECTIONS sets another cap (1000 for gunicorn's own).
worker_connections = env_int("GUNICORN_WORKER_CONNECTIONS", 2 * threads)
keepalive = env_int("GUNICORN_KEEPALIVE", 5)
timeout = env_int("GUNICORN_TIMEOUT", 60)
graceful_timeout = 30
# Import the application once in the master (kotacerdas/wsgi.py also imports every view): workers start
# warm and share its memory pages.
preload_app = True
# Recycle a worker now and then, so that slow memory growth cannot take the machine down.
max_requests = env_int("GUNICORN_MAX_REQUESTS", 20_000)
max_requests_jitter = max_requests // 10
accesslog = env_str("GUNICORN_ACCESS_LOG") or None  # the TLS proxy in front logs requests
errorlog = "-"
loglevel = env_str("GUNICORN_LOG_LEVEL", "warning")


def pre_fork(server: object, worker: object) -> None:
    """A worker must never inherit the master's database connection (none is expected; close any)."""
    from django.db import connections

    connections.close_all()
