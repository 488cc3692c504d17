"""The replication template: a versioned JSON file of a region's programme set ("kotacerdas-template").

The format is documented for people in templates/replication/template_format.md (served at
/best-practices/template-format/) and for machines as a JSON Schema (/best-practices/template-schema.json,
generated from the classes below).
This module only knows the wire format: reading a file into a `Template` (or a clear error) and writing one.
It never touches the database.
"""

from __future__ import annotations

import json
from typing import Annotated, Any, Literal

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from pydantic import BaseModel, ConfigDict, Field, StringConstraints, ValidationError

from kotacerdas.core.errors import ApplicationError

FORMAT: Literal["kotacerdas-template"] = "kotacerdas-template"
VERSION: Literal[1] = 1
MAX_TEMPLATE_BYTES = 2 * 1024 * 1024

NOT_JSON = gettext_noop("The file is not a JSON document.")
TOO_LARGE = gettext_noop("The file is larger than 2 MB; a template is much smaller.")
NOT_A_TEMPLATE = gettext_noop("This is not a Kota Cerdas template (its “format” is not “kotacerdas-template”).")
UNKNOWN_VERSION = gettext_noop("This template has version %(version)s; this platform reads version %(supported)s only.")
WRONG_SHAPE = gettext_noop("The template is malformed at %(where)s: %(problem)s")
DANGLING_REFERENCE = gettext_noop("The template names %(what)s “%(key)s” in %(where)s but does not describe it.")
DUPLICATE_KEY = gettext_noop("The template describes %(what)s “%(key)s” twice.")
ELEMENT_OUTSIDE_DIMENSION = gettext_noop("Programme “%(code)s”: element “%(element)s” is not of its dimension.")


class TemplateError(ApplicationError):
    """The file cannot be read as a template (wrong format, version or shape)."""


Code = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9-]{0,39}$")]
Key = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9-]{0,39}$")]
ElementCode = Annotated[str, StringConstraints(min_length=1, max_length=60)]
ServiceCode = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,39}$")]
Clock = Annotated[str, StringConstraints(pattern=r"^([01][0-9]|2[0-3]):[0-5][0-9]$")]
Amount = Annotated[str, StringConstraints(pattern=r"^-?[0-9]{1,16}(\.[0-9]{1,2})?$")]


Text12 = Annotated[str, StringConstraints(max_length=12)]
Text40 = Annotated[str, StringConstraints(max_length=40)]
Text50 = Annotated[str, StringConstraints(max_length=50)]
Text100 = Annotated[str, StringConstraints(max_length=100)]
Text160 = Annotated[str, StringConstraints(max_length=160)]
Text200 = Annotated[str, StringConstraints(max_length=200)]
Text300 = Annotated[str, StringConstraints(max_length=300)]
Text4000 = Annotated[str, StringConstraints(max_length=4000)]
Text10000 = Annotated[str, StringConstraints(max_length=10000)]
Name100 = Annotated[str, StringConstraints(min_length=1, max_length=100)]
Name120 = Annotated[str, StringConstraints(min_length=1, max_length=120)]
Name160 = Annotated[str, StringConstraints(min_length=1, max_length=160)]
Name200 = Annotated[str, StringConstraints(min_length=1, max_length=200)]
Name300 = Annotated[str, StringConstraints(min_length=1, max_length=300)]
Name1000 = Annotated[str, StringConstraints(min_length=1, max_length=1000)]
Name4000 = Annotated[str, StringConstraints(min_length=1, max_length=4000)]
Name10000 = Annotated[str, StringConstraints(min_length=1, max_length=10000)]


class Entry(BaseModel):
    """Every part of the template: strict types, no unknown keys."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


class Source(Entry):
    """Where the template came from (left out when two templates are compared)."""

    region: Name120
    region_slug: Text50
    region_kind: Text12
    exported_at: Text40


class DimensionEntry(Entry):
    code: Code
    name: Name160
    name_en: Text160


class ElementEntry(Entry):
    code: ElementCode
    dimension: Code
    name: Name160
    name_en: Text160


class AgencyEntry(Entry):
    """An agency of the source region, by kind, special role and name: never by an id."""

    key: Key
    name: Name200
    short_name: Text40
    kind: Literal[
        "sekretariat", "dinas", "badan", "kantor", "inspektorat", "satuan", "rsud", "upt",
        "kemantren", "kecamatan", "kapanewon", "kelurahan", "kalurahan", "other",
    ]  # fmt: skip
    special_role: Literal["", "planning", "ict", "inspectorate"]


class ChoiceEntry(Entry):
    key: Name100
    name: Name200


class ServiceAttributeEntry(Entry):
    code: ServiceCode
    datatype: Literal["string", "number", "datetime", "text", "singlevaluelist", "multivaluelist"]
    required: bool
    description: Name300
    datatype_description: Text300
    values: list[ChoiceEntry] = Field(max_length=100)


class ServiceEntry(Entry):
    """A service catalogue entry a programme uses (no requests, no routing to places of the source)."""

    code: ServiceCode
    name: Name200
    description: Text4000
    group: Text100
    keywords: Text300
    type: Literal["realtime", "batch", "blackbox"]
    response_minutes: int = Field(ge=1, le=60 * 24 * 60)
    resolution_minutes: int = Field(ge=1, le=60 * 24 * 365)
    agency: Key
    attributes: list[ServiceAttributeEntry] = Field(max_length=50)


class TargetEntry(Entry):
    """A suggested target: a number (as text, two decimals at most) or a qualitative text."""

    value: Amount | None
    text: Text300


class IndicatorEntry(Entry):
    """What to measure; the source's baseline and actuals are left out."""

    title: Name200
    measure: Literal["unit", "percentage", "nominal", "qualitative"]
    unit: Text40
    direction: Literal["ascending", "descending"]
    suggested_target: TargetEntry | None


class MilestoneEntry(Entry):
    """A step of the programme, as days after the programme's start (negative: before it)."""

    title: Name200
    after_days: int = Field(ge=-36500, le=36500)


class SupporterEntry(Entry):
    agency: Key
    role: Text200


class ApplicationEntry(Entry):
    """An application the programme needs from the ICT agency (digitalisation)."""

    name: Text200
    needs: Name4000


class PartEntry(Entry):
    """A sub-programme or activity, with its own parts (activities under a sub-programme)."""

    title: Name200
    kind: Literal["sub_programme", "activity"]
    description: Text10000
    weight: int | None = Field(ge=0, le=32767)
    lead_agency: Key
    indicators: list[IndicatorEntry] = Field(max_length=100)
    milestones: list[MilestoneEntry] = Field(max_length=100)
    parts: list[PartEntry] = Field(max_length=100)


class JimpitanEntry(Entry):
    """The jimpitan scheme defaults a programme recommends (whole rupiah; times in the region's local time)."""

    scheme: Literal["nightly", "monthly"]
    nightly_amount: int = Field(ge=0, le=100_000)
    monthly_tariff: int = Field(ge=0, le=10_000_000)
    payment: Literal["cash", "prepaid"]
    watch_start: Clock
    watch_end: Clock
    rw_share_percent: int = Field(ge=0, le=100)
    rotation: Literal["weekly", "cycle"]


class ProgrammeEntry(Entry):
    code: Code
    title: Name200
    description: Name10000
    dimension: Code
    elements: list[ElementCode] = Field(min_length=1, max_length=18)
    horizon: Literal["quick_win", "short", "medium", "long"]
    beneficiaries: Name300
    funding_source: Literal["apbd", "apbn", "csr", "other"]
    what_it_delivers: Name1000
    lead_agency: Key
    contact_agency: Key
    supporting_agencies: list[SupporterEntry] = Field(max_length=50)
    parts: list[PartEntry] = Field(max_length=100)
    indicators: list[IndicatorEntry] = Field(max_length=100)
    milestones: list[MilestoneEntry] = Field(max_length=100)
    applications: list[ApplicationEntry] = Field(max_length=20)
    services: list[ServiceCode] = Field(max_length=200)
    jimpitan: JimpitanEntry | None


class Template(Entry):
    format: Literal["kotacerdas-template"]
    version: Literal[1]
    source: Source
    dimensions: list[DimensionEntry] = Field(max_length=20)
    elements: list[ElementEntry] = Field(max_length=500)
    agencies: list[AgencyEntry] = Field(max_length=500)
    services: list[ServiceEntry] = Field(max_length=500)
    programmes: list[ProgrammeEntry] = Field(min_length=1, max_length=200)

    def comparable(self) -> dict[str, Any]:
        """Everything but the source block: what must survive a round trip unchanged."""
        return self.model_dump(mode="json", exclude={"source"})

    def agency(self, key: str) -> AgencyEntry:
        return next(a for a in self.agencies if a.key == key)

    def services_of(self, programme: ProgrammeEntry) -> list[ServiceEntry]:
        return [s for s in self.services if s.code in programme.services]


# --- reading ------------------------------------------------------------------------------------


def parse(raw: bytes | str) -> Template:
    """Read a template file: size, JSON, format and version first, then the shape, then the cross-references."""
    if len(raw) > MAX_TEMPLATE_BYTES:
        raise TemplateError(_(TOO_LARGE))
    try:
        data = json.loads(raw)
    except (ValueError, RecursionError) as error:
        raise TemplateError(_(NOT_JSON)) from error
    return from_data(data)


def from_data(data: Any) -> Template:
    """Validate already-decoded JSON (e.g. a template stored in the database)."""
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise TemplateError(_(NOT_A_TEMPLATE))
    if data.get("version") != VERSION:
        shown = json.dumps(data.get("version"))[:20]
        raise TemplateError(_(UNKNOWN_VERSION) % {"version": shown, "supported": VERSION})
    try:
        template = Template.model_validate(data)
    except ValidationError as error:
        raise TemplateError(_shape_problem(error)) from error
    _check_references(template)
    return template


def _shape_problem(error: ValidationError) -> str:
    first = error.errors(include_url=False)[0]
    where = ".".join(str(part) for part in first["loc"]) or "/"
    return _(WRONG_SHAPE) % {"where": where, "problem": first["msg"]}


def _unique(what: str, keys: list[str]) -> set[str]:
    seen: set[str] = set()
    for key in keys:
        if key in seen:
            raise TemplateError(_(DUPLICATE_KEY) % {"what": what, "key": key})
        seen.add(key)
    return seen


def _must_know(known: set[str], what: str, key: str, where: str) -> None:
    if key not in known:
        raise TemplateError(_(DANGLING_REFERENCE) % {"what": what, "key": key, "where": where})


def _check_references(template: Template) -> None:
    """Every key a programme names is described once in the template."""
    agencies = _unique("agency", [a.key for a in template.agencies])
    services = _unique("service", [s.code for s in template.services])
    dimensions = _unique("dimension", [d.code for d in template.dimensions])
    element_dimension = {e.code: e.dimension for e in template.elements}
    _unique("element", [e.code for e in template.elements])
    _unique("programme", [p.code for p in template.programmes])
    for element in template.elements:
        _must_know(dimensions, "dimension", element.dimension, f"element {element.code}")
    for service in template.services:
        _must_know(agencies, "agency", service.agency, f"service {service.code}")
    for programme in template.programmes:
        _check_programme(programme, agencies, services, dimensions, element_dimension)


def _check_programme(
    programme: ProgrammeEntry,
    agencies: set[str],
    services: set[str],
    dimensions: set[str],
    element_dimension: dict[str, str],
) -> None:
    where = f"programme {programme.code}"
    _must_know(dimensions, "dimension", programme.dimension, where)
    for code in programme.elements:
        _must_know(set(element_dimension), "element", code, where)
        if element_dimension[code] != programme.dimension:
            raise TemplateError(_(ELEMENT_OUTSIDE_DIMENSION) % {"code": programme.code, "element": code})
    for key in agency_keys(programme):
        _must_know(agencies, "agency", key, where)
    for code in programme.services:
        _must_know(services, "service", code, where)


def agency_keys(programme: ProgrammeEntry) -> list[str]:
    """The agency keys a programme names, in the order the exporter meets them."""
    keys = [programme.lead_agency, programme.contact_agency, *(s.agency for s in programme.supporting_agencies)]
    keys.extend(_part_agency_keys(programme.parts))
    return keys


def _part_agency_keys(parts: list[PartEntry]) -> list[str]:
    keys: list[str] = []
    for part in parts:
        keys.append(part.lead_agency)
        keys.extend(_part_agency_keys(part.parts))
    return keys


# --- writing ------------------------------------------------------------------------------------


def dumps(template: Template) -> str:
    """The file's text: stable key order, UTF-8 (Indonesian names stay readable), indented."""
    return json.dumps(template.model_dump(mode="json"), ensure_ascii=False, indent=2)


def json_schema() -> dict[str, Any]:
    """The JSON Schema of version 1, for other systems that write templates."""
    schema = Template.model_json_schema()
    schema["$id"] = "kotacerdas-template-v1"
    return schema
