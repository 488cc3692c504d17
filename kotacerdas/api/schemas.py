"""Typed shapes of the API's answers and inputs."""

from __future__ import annotations

from ninja import Field, Schema


class RegionOut(Schema):
    slug: str
    name: str
    kind: str
    code: str
    time_zone: str
    jurisdiction: str
    district_kind: str
    village_kind: str


class AreaOut(Schema):
    id: int
    parent_id: int | None
    level: int
    kind: str
    name: str
    code: str


class AgencyOut(Schema):
    slug: str
    name: str
    short_name: str
    kind: str
    special_role: str
    parent_slug: str | None = Field(None, alias="parent.slug")
    area_id: int | None


class ElementOut(Schema):
    code: str
    name: str
    name_en: str
    regional: bool


class DimensionOut(Schema):
    code: str
    name: str
    name_en: str
    elements: list[ElementOut]


class CapabilityOut(Schema):
    element: str
    note: str


class CapabilityIn(Schema):
    element: str = Field(..., min_length=1, max_length=60, description="Element code, e.g. society.learning")
    note: str = Field("", max_length=500)


class MeOut(Schema):
    username: str
    full_name: str
    memberships: list[MembershipOut]


class MembershipOut(Schema):
    role: str
    region: str | None
    agency: str | None
    area_id: int | None


class ErrorOut(Schema):
    detail: str


MeOut.model_rebuild()


class ProgrammeOut(Schema):
    id: int
    title: str
    kind: str
    status: str
    horizon: str
    dimension: str = Field(..., alias="dimension.code")
    lead_agency: str = Field(..., alias="lead_agency.slug")
    parent_id: int | None
    budget: int
    funding_source: str
    is_published: bool


class ProposalOut(Schema):
    id: int
    round_id: int
    title: str
    agency: str
    dimension: str
    horizon: str
    budget: int
    funding_source: str
    status: str
