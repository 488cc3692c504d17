"""The synthetic national data set behind `kotacerdas generate` and the benchmark (issue 8)."""

from kotacerdas.demo.synthetic.plan import Plan
from kotacerdas.demo.synthetic.requests import BENCH_OPEN311_KEY
from kotacerdas.demo.synthetic.run import GenerationSummary, generate

__all__ = ["BENCH_OPEN311_KEY", "GenerationSummary", "Plan", "generate"]
