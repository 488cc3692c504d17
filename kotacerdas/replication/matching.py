"""What an agency does, in words another region understands, and which of its agencies stands for it.

Regions name their agencies differently (Yogyakarta's "Dinas Komunikasi Informatika dan Persandian" is
Musi Rawas's "Dinas Komunikasi Informatika dan Statistik"), so an agency travels in a template by its
special role, its kind and its name, and is matched here by those, never by an id.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, TypeVar

from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

# Name fragments that say what an Indonesian agency does (first match wins).
FUNCTIONS: list[tuple[str, tuple[str, ...], StrOrPromise]] = [
    ("ict", ("komunikasi", "informatika", "kominfo"), _("the ICT agency")),
    ("planning", ("perencanaan", "bappeda"), _("the planning agency")),
    ("public-works", ("pekerjaan umum", "permukiman", "penataan ruang", "dpu"), _("the public works agency")),
    ("health", ("kesehatan", "rsud", "rumah sakit"), _("the health agency")),
    ("education", ("pendidikan",), _("the education agency")),
    ("social", ("sosial",), _("the social affairs agency")),
    ("environment", ("lingkungan hidup",), _("the environment agency")),
    ("transport", ("perhubungan",), _("the transport agency")),
    ("tourism", ("pariwisata",), _("the tourism agency")),
    ("civil-registry", ("kependudukan", "pencatatan sipil"), _("the civil registry")),
    ("licensing", ("penanaman modal", "perizinan", "ptsp"), _("the investment and licensing agency")),
    ("trade", ("perdagangan", "perindustrian", "umkm", "koperasi"), _("the trade and industry agency")),
    ("agriculture", ("pertanian", "pangan"), _("the agriculture and food agency")),
    ("fire", ("kebakaran", "pemadam"), _("the fire service")),
    ("disaster", ("bencana",), _("the disaster management agency")),
    ("inspectorate", ("inspektorat",), _("the inspectorate")),
]
SPECIAL_ROLE_FUNCTION = {"ict": "ict", "planning": "planning", "inspectorate": "inspectorate"}
KIND_LABELS: dict[str, StrOrPromise] = {
    "kemantren": _("a district office (kemantren)"),
    "kecamatan": _("a district office (kecamatan)"),
    "kapanewon": _("a district office (kapanewon)"),
    "kelurahan": _("a village office (kelurahan)"),
    "kalurahan": _("a village office (kalurahan)"),
    "upt": _("a technical unit (UPT)"),
    "satuan": _("a unit (satuan)"),
    "rsud": _("the regional hospital"),
    "sekretariat": _("the regional secretariat"),
}
DISTRICT_KINDS = frozenset({"kemantren", "kecamatan", "kapanewon"})
VILLAGE_KINDS = frozenset({"kelurahan", "kalurahan"})
SIMILAR_ENOUGH = 0.6
T = TypeVar("T")


@dataclass(frozen=True)
class AgencyFacts:
    """What a template says about an agency, or what a region knows of its own."""

    name: str
    short_name: str
    kind: str
    special_role: str


def function_of(facts: AgencyFacts) -> str:
    """A stable code for what the agency does ("ict", "public-works", ...), or "" when its name does not say."""
    if facts.special_role in SPECIAL_ROLE_FUNCTION:
        return SPECIAL_ROLE_FUNCTION[facts.special_role]
    name = f"{facts.name} {facts.short_name}".lower()
    return next((code for code, words, _label in FUNCTIONS if any(w in name for w in words)), "")


def describe(facts: AgencyFacts) -> StrOrPromise:
    """ "the ICT agency", "the public works agency", "a village office (kelurahan)", or the kind's own label."""
    code = function_of(facts)
    if code:
        return next(label for c, _words, label in FUNCTIONS if c == code)
    return KIND_LABELS.get(facts.kind, _("an agency (%(kind)s)") % {"kind": facts.kind})


def _normalised(name: str) -> str:
    words = re.sub(r"[^a-z0-9 ]", " ", name.lower()).split()
    return " ".join(w for w in words if w not in {"dinas", "badan", "kota", "kabupaten", "dan"})


def similarity(a: str, b: str) -> float:
    return difflib.SequenceMatcher(None, _normalised(a), _normalised(b)).ratio()


def _same_level(source: str, target: str) -> bool:
    return source == target or {source, target} <= DISTRICT_KINDS or {source, target} <= VILLAGE_KINDS


def suggest(source: AgencyFacts, candidates: Sequence[tuple[T, AgencyFacts]]) -> T | None:
    """The target agency that most likely stands for `source`, or None when no candidate is convincing.

    1. The same special role (the ICT agency for the ICT agency).
    2. The same name.
    3. The same function read from the name, the most similar name among those.
    4. The same kind (or level: kemantren ~ kecamatan) with a similar enough name.
    """
    if source.special_role:
        match = _first(c for c, facts in candidates if facts.special_role == source.special_role)
        if match is not None:
            return match
    match = _first(c for c, facts in candidates if facts.name.lower() == source.name.lower())
    if match is not None:
        return match
    function = function_of(source)
    if function:
        same = [(c, facts) for c, facts in candidates if function_of(facts) == function]
        if same:
            return max(same, key=lambda pair: similarity(source.name, pair[1].name))[0]
    alike = [(similarity(source.name, f.name), c) for c, f in candidates if _same_level(source.kind, f.kind)]
    best = max(alike, key=lambda pair: pair[0], default=None)
    return best[1] if best is not None and best[0] >= SIMILAR_ENOUGH else None


def _first(items: Iterable[T]) -> T | None:
    return next(iter(items), None)
