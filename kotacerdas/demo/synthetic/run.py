"""The generator: replace any previous synthetic set, build every region, rebuild the summary tables.

Everything happens in one transaction: the database holds either the previous synthetic set or the new
one, never half of one. The big tables' secondary indexes (and, on PostgreSQL, their foreign keys) are
dropped for the load and built again inside the same transaction; their cost is part of the time measured.
"""

from __future__ import annotations

import io
import random
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass, field
from typing import TypeVar

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection, transaction
from django.utils import timezone
from tqdm import tqdm

from kotacerdas.demo.synthetic import jimpitan, names, programmes, regions, requests
from kotacerdas.demo.synthetic.bulk import Loader, Table, checks_deferred, tuned_for_loading
from kotacerdas.demo.synthetic.context import Run
from kotacerdas.demo.synthetic.plan import Plan, slug
from kotacerdas.demo.synthetic.replace import delete_synthetic
from kotacerdas.framework.models import Dimension, Element
from kotacerdas.jimpitan.models import Collection, LedgerEntry, Shift
from kotacerdas.monitoring.summaries import refresh_region
from kotacerdas.regions.models import Region
from kotacerdas.servicerequests.models import RequestUpdate, ServiceRequest

T = TypeVar("T")
# The tables loaded with their secondary indexes dropped (at full size each holds 300,000 rows or more);
# on PostgreSQL every table written into also loses its foreign keys for the load (SQLite switches them off).
BIG_TABLES = [Collection, RequestUpdate, ServiceRequest, Shift, LedgerEntry]
# Below this many collections, checking keys and updating indexes row by row is cheap enough. PostgreSQL's
# per-row key checks (queued until commit) cost more than SQLite's index updates, hence its lower threshold.
DEFER_FROM_COLLECTIONS = {"postgresql": 50_000, "sqlite": 500_000}
# The summary tables of one region, rebuilt after its rows are in. A room that adds a summary table adds its
# rebuild here, or the builder counts it while generating (the jimpitan roll-up, FundMonth: see jimpitan.py,
# checked against `fund_months_rebuild` by the tests).
SUMMARY_REBUILDS: list[Callable[[Region], None]] = [refresh_region]


@dataclass(frozen=True)
class GenerationSummary:
    """What a run made, how long it took, and how the benchmark gets in (region, key, accounts)."""

    size: float
    seed: int
    vendor: str
    regions: list[str]
    replaced_regions: int
    rows: dict[str, int]
    seconds: float
    phases: dict[str, float] = field(default_factory=dict)
    bench_region: str = ""
    bench_fund_id: int | None = None
    open311_key: str = requests.BENCH_OPEN311_KEY
    password: str = ""
    accounts: dict[str, str] = field(default_factory=dict)  # purpose → username in the bench region

    @property
    def total_rows(self) -> int:
        return sum(self.rows.values())

    def line(self) -> str:
        replaced = f"; replaced {self.replaced_regions} earlier synthetic regions" if self.replaced_regions else ""
        regions = f"{len(self.regions)} synthetic region{'' if len(self.regions) == 1 else 's'}"
        return (
            f"{regions}, {self.total_rows:,} rows in {self.seconds:.1f} s "
            f"on {self.vendor} (size {self.size:g}, seed {self.seed}){replaced}."
        )


def generate(
    *, size: float, seed: int = 1, progress: bool = True, defer_indexes: bool | None = None
) -> GenerationSummary:
    """Build the synthetic national data set of the given size (1.0 = 514 regions), replacing an earlier one."""
    plan = Plan.for_size(size)
    threshold = DEFER_FROM_COLLECTIONS.get(connection.vendor, 0)
    defer = plan.expected_collections >= threshold if defer_indexes is None else defer_indexes
    _write_receipt_placeholder()
    phases: dict[str, float] = {}
    started = time.monotonic()
    relaxed = checks_deferred(foreign_keys=Table.defined, indexes=BIG_TABLES) if defer else nullcontext()
    with tuned_for_loading(), transaction.atomic():
        run = _start(plan, seed)
        with _phase(phases, "load"), relaxed:
            with _phase(phases, "replace"):
                replaced = delete_synthetic(empty_whole_tables=defer)
            with _phase(phases, "rows"):
                bench_fund = _build_all(run, progress)
        with _phase(phases, "checks"):
            run.loader.check_foreign_keys()
        with _phase(phases, "summaries"):
            _rebuild_summaries(plan, progress)
        run.loader.reset_sequences()
    with _phase(phases, "analyze"):
        run.loader.analyze()
    phases["keys and indexes"] = phases.pop("load") - phases["rows"] - phases["replace"]
    return _summary(run, seed, replaced, bench_fund, time.monotonic() - started, phases)


@contextmanager
def _phase(phases: dict[str, float], name: str) -> Iterator[None]:
    started = time.monotonic()
    yield
    phases[name] = time.monotonic() - started


def _start(plan: Plan, seed: int) -> Run:
    dimensions = list(Dimension.objects.order_by("order").values_list("pk", "code"))
    elements: dict[int, list[int]] = {pk: [] for pk, _code in dimensions}
    for pk, dimension in Element.objects.filter(region__isnull=True).order_by("order").values_list("pk", "dimension"):
        elements[dimension].append(pk)
    return Run(
        loader=Loader(),
        plan=plan,
        rng=random.Random(seed),
        pool=names.NamePool.build(seed),
        now=timezone.now().replace(tzinfo=None, microsecond=0),
        password=make_password(settings.DEMO_PASSWORD),
        dimensions=dimensions,
        elements=elements,
    )


def _build_all(run: Run, progress: bool) -> int | None:
    keys = jimpitan.Keys(run.rng.getrandbits(64))
    bench_fund = None
    for number in _bar(range(1, run.plan.regions + 1), progress, "regions", run.plan.regions):
        region = regions.build_region(run, number)
        regions.build_tree(run, region)
        regions.build_agencies(run, region)
        regions.build_citizens(run, region)
        programmes.build_programmes(run, region)
        services = requests.build_services(run, region)
        requests.build_requests(run, region, services)
        bench_fund = jimpitan.build_funds(run, region, keys) or bench_fund
    return bench_fund


def _rebuild_summaries(plan: Plan, progress: bool) -> None:
    generated = Region.objects.filter(slug__in=[slug(n) for n in range(1, plan.regions + 1)]).order_by("slug")
    for region in _bar(list(generated), progress, "summaries", plan.regions):
        for rebuild in SUMMARY_REBUILDS:
            rebuild(region)


def _bar(items: Iterable[T], progress: bool, label: str, total: int) -> Iterable[T]:
    return tqdm(items, desc=label, total=total, unit="region", disable=not progress, mininterval=1.0)


def _write_receipt_placeholder() -> None:
    """One small receipt photo for the generated expenses (the cash book page links each expense to it)."""
    if default_storage.exists(jimpitan.RECEIPT):
        return
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (64, 64), (240, 236, 220)).save(buffer, format="JPEG")
    default_storage.save(jimpitan.RECEIPT, ContentFile(buffer.getvalue()))


def _summary(
    run: Run, seed: int, replaced: int, bench_fund: int | None, seconds: float, phases: dict[str, float]
) -> GenerationSummary:
    first = slug(1)
    return GenerationSummary(
        size=run.plan.size,
        seed=seed,
        vendor=connection.vendor,
        regions=[slug(n) for n in range(1, run.plan.regions + 1)],
        replaced_regions=replaced,
        rows=dict(run.loader.counts),
        seconds=seconds,
        phases=phases,
        bench_region=first,
        bench_fund_id=bench_fund,
        password=settings.DEMO_PASSWORD,
        accounts={
            "planner": f"{first}.bappeda",
            "coordinator": f"{first}.diskominfo",
            "leader": f"{first}.pimpinan",
            "citizen": f"{first}.warga-001",
            "ronda": f"{first}.ronda-uji",
            "treasurer": f"{first}.bendahara-uji",
        },
    )
