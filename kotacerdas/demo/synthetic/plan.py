"""How big the synthetic data set is: size 1.0 is the national scale (514 regions), everything scales with it.

At full size: 514 regions, 160 RT each (82,240), 39 agencies each (20,046), 195 programmes each
(100,230), 1,000,244 service requests and two jimpitan funds of 30 houses collected on about 90 % of
365 nights each (about 10.1 million collections). Requests follow the size of the place, as population
does (Zipf): the first region is the metropolis with about 147,000, the smallest have a few hundred.
A size below 1/514 keeps one region and shrinks what is inside it.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

from kotacerdas.demo.synthetic import names

NATIONAL_REGIONS = 514
MAX_SIZE = 1.9  # region codes run out above this (99 regions in each of 10 synthetic provinces)

DISTRICTS = 10
VILLAGES_PER_DISTRICT = 4
RW_PER_VILLAGE = 2
RT_PER_RW = 2
TOP_PROGRAMMES = 65
CHILDREN_PER_PROGRAMME = 2
REQUESTS = 1946  # per region on average
MIN_REQUESTS = 50  # even the smallest regency hears from some residents
SERVICES = 10
CITIZENS = 20
FUNDS = 2
HOUSEHOLDS = 30
NIGHTS = 365
COLLECTION_RATE = 0.9  # share of house-nights on which the ronda finds the jimpitan
BENCH_HOUSEHOLDS = 2_000  # the load-test fund of the first region (no history, open all day)
PERIOD_YEARS = 3


@dataclass(frozen=True)
class Plan:
    """The shape of one generated region, and how many regions there are."""

    size: float
    regions: int
    districts: int
    top_programmes: int
    requests: int
    funds: int
    nights: int
    bench_households: int

    @classmethod
    def for_size(cls, size: float) -> Plan:
        if not 0 < size <= MAX_SIZE:
            raise ValueError(f"size must be above 0 and at most {MAX_SIZE}")
        regions = max(1, round(NATIONAL_REGIONS * size))
        scale = NATIONAL_REGIONS * size / regions  # about 1, except below one region's worth
        return cls(
            size=size,
            regions=regions,
            districts=max(1, round(DISTRICTS * scale)),
            top_programmes=max(3, round(TOP_PROGRAMMES * scale)),
            requests=max(10, round(REQUESTS * scale)),
            funds=FUNDS if scale >= 0.5 else 1,
            nights=max(7, round(NIGHTS * min(scale, 1.0) * (FUNDS if scale < 0.5 else 1))),
            bench_households=max(50, round(BENCH_HOUSEHOLDS * size)),
        )

    @cached_property
    def requests_by_region(self) -> list[int]:
        """Requests of each region (index 0 is region 1): a floor for all, the rest shared by rank, 1/n.

        The shares are rounded by largest remainder, so they add up to exactly `regions × requests`.
        """
        total = self.regions * self.requests
        floor = min(MIN_REQUESTS, self.requests)
        weights = [1 / n for n in range(1, self.regions + 1)]
        spread = total - floor * self.regions
        exact = [spread * w / sum(weights) for w in weights]
        counts = [floor + int(x) for x in exact]
        by_remainder = sorted(range(self.regions), key=lambda i: int(exact[i]) - exact[i])
        for i in by_remainder[: total - sum(counts)]:
            counts[i] += 1
        return counts

    @property
    def villages(self) -> int:
        return self.districts * VILLAGES_PER_DISTRICT

    @property
    def rt(self) -> int:
        return self.villages * RW_PER_VILLAGE * RT_PER_RW

    @property
    def areas(self) -> int:
        """Districts, villages, RW and RT of one region."""
        return self.districts + self.villages + self.villages * RW_PER_VILLAGE + self.rt

    @property
    def agencies(self) -> int:
        """The perangkat daerah plus one office per district."""
        return len(names.AGENCIES) + self.districts

    @property
    def programmes(self) -> int:
        return self.top_programmes * (1 + CHILDREN_PER_PROGRAMME)

    @property
    def expected_collections(self) -> int:
        """About how many collections all regions get (the ronda misses some houses at random)."""
        return round(self.regions * self.funds * HOUSEHOLDS * self.nights * COLLECTION_RATE)

    def totals(self) -> dict[str, int]:
        """The exact national counts of the rows whose number does not depend on chance."""
        return {
            "regions": self.regions,
            "areas": self.regions * self.areas,
            "rt": self.regions * self.rt,
            "agencies": self.regions * self.agencies,
            "programmes": self.regions * self.programmes,
            "service_requests": self.regions * self.requests,
            "funds": self.regions * self.funds + 1,  # the load-test fund
            "shifts": self.regions * self.funds * self.nights,
        }


def slug(number: int) -> str:
    return f"{names.SLUG_PREFIX}{number:04d}"


def code(number: int) -> str:
    """A Kemendagri-format code no real region has: "provinces" 01–10 (real codes start at 11)."""
    province, seat = divmod(number - 1, 99)
    return f"{province + 1:02d}.{seat + 1:02d}"
