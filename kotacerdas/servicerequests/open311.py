"""Open311 GeoReport v2 wire format only: XML and JSON bodies, errors, datetimes, status mapping.

JSON mirrors the XML; every list is a bare JSON array; identifiers and codes are strings; absent
values are null (an empty element in XML); datetimes are ISO 8601 with the region's offset.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import zoneinfo
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any
from xml.etree import ElementTree as ET

from django.http import HttpResponse

SPECIFICATION = "http://wiki.open311.org/GeoReport_v2"
CONTENT_TYPES = {"xml": "text/xml; charset=utf-8", "json": "application/json; charset=utf-8"}
XML_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f]")
XML_DECLARATION = '<?xml version="1.0" encoding="utf-8"?>\n'

# The singular element name of each list, as the specification spells it.
ITEM_TAGS = {
    "services": "service",
    "service_requests": "request",
    "errors": "error",
    "attributes": "attribute",
    "values": "value",
    "endpoints": "endpoint",
    "formats": "format",
    "notes": "note",
    "service_request_updates": "request_update",
}

# FixMyStreet's extended statuses for our internal ones; plain `status` stays open/closed.
EXTENDED_STATUS = {
    "submitted": "OPEN",
    "postponed": "OPEN",
    "open": "OPEN",
    "investigating": "INVESTIGATING",
    "in_progress": "IN_PROGRESS",
    "action_scheduled": "ACTION_SCHEDULED",
    "fixed": "FIXED",
    "closed": "CLOSED",
    "duplicate": "DUPLICATE",
    "not_responsible": "NOT_COUNCILS_RESPONSIBILITY",
    "not_authority": "NOT_COUNCILS_RESPONSIBILITY",
    "no_further_action": "NO_FURTHER_ACTION",
    "archived": "CLOSED",
}
OPEN = {"submitted", "postponed", "open", "investigating", "in_progress", "action_scheduled"}
# The statuses FixMyStreet's sender puts on an update it POSTs (it also sends REOPEN when a citizen reopens).
UPDATE_STATUSES = frozenset({*EXTENDED_STATUS.values(), "INTERNAL_REFERRAL", "REOPEN"})


def plain_status(status: str) -> str:
    return "open" if status in OPEN else "closed"


def timestamp(value: dt.datetime | None, time_zone: str) -> str | None:
    if value is None:
        return None
    return value.astimezone(zoneinfo.ZoneInfo(time_zone)).replace(microsecond=0).isoformat()


def number(value: Decimal | None) -> float | None:
    return None if value is None else float(value)


def respond(payload: Any, root: str, fmt: str, status: int = 200) -> HttpResponse:
    """Serialise `payload` (a list for list roots, else a dict) in the requested format."""
    if fmt == "json":
        body = json.dumps(payload, ensure_ascii=False)
    else:
        body = XML_DECLARATION + ET.tostring(_element(root, payload), encoding="unicode")
    return HttpResponse(body, status=status, content_type=CONTENT_TYPES[fmt])


def error(code: int, description: str, fmt: str) -> HttpResponse:
    return respond([{"code": code, "description": description}], "errors", fmt, status=code)


def _element(tag: str, value: Any) -> ET.Element:
    element = ET.Element(tag)
    if isinstance(value, dict):
        for key, child in value.items():
            element.append(_element(key, child))
    elif isinstance(value, list):
        item_tag = ITEM_TAGS.get(tag, "item")
        for child in value:
            element.append(_element(item_tag, child))
    else:
        element.text = _text(value)
    return element


def _text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    return XML_FORBIDDEN.sub("", str(value))  # characters XML 1.0 cannot carry at all


def service_wire(service: Any, has_attributes: bool) -> dict[str, Any]:
    return {
        "service_code": service.code,
        "service_name": service.name,
        "description": service.description,
        "metadata": has_attributes,
        "type": service.type,
        "keywords": service.keywords,
        "group": service.group,
    }


def definition_wire(service: Any, attributes: list[Any]) -> dict[str, Any]:
    return {
        "service_code": service.code,
        "attributes": [
            {
                "variable": True,
                "code": a.code,
                "datatype": a.datatype,
                "required": a.required,
                "datatype_description": a.datatype_description,
                "order": a.order + 1,
                "description": a.description,
                "values": [{"key": str(v.get("key")), "name": str(v.get("name"))} for v in a.values],
            }
            for a in attributes
        ],
    }


# What the wire needs of a request and of its history, as `values()` names them: lists are built from plain
# rows, not model instances (for a page of 50 with their history, a third of the time).
REQUEST_FIELDS = (
    "id",
    "status",
    "service__name",
    "service__code",
    "description",
    "agency__name",
    "requested_at",
    "updated_at",
    "resolution_due_at",
    "address",
    "address_id",
    "lat",
    "long",
    "photo",
    "media_url",
)
UPDATE_FIELDS = ("request_id", "status", "note", "created_at")


def request_wire(
    request: Mapping[str, Any],
    *,
    time_zone: str,
    media_url: str | None,
    updates: Sequence[Mapping[str, Any]],
    extensions: bool,
) -> dict[str, Any]:
    """One request (a row of REQUEST_FIELDS) as the specification lists its fields, plus `notes` when extensions
    are asked for; `updates` are its public updates (UPDATE_FIELDS), oldest first.

    `status_notes` is the last note that came with a change of status: a comment (same status) is not one.
    """
    changes = [u for i, u in enumerate(updates) if i == 0 or u["status"] != updates[i - 1]["status"]]
    noted = [u for u in changes if u["note"]]
    wire = {
        "service_request_id": str(request["id"]),
        "status": plain_status(request["status"]),
        "status_notes": noted[-1]["note"] if noted else None,
        "service_name": request["service__name"],
        "service_code": request["service__code"],
        "description": request["description"],
        "agency_responsible": request["agency__name"],
        "service_notice": None,
        "requested_datetime": timestamp(request["requested_at"], time_zone),
        "updated_datetime": timestamp(request["updated_at"], time_zone),
        "expected_datetime": timestamp(request["resolution_due_at"], time_zone),
        "address": request["address"] or None,
        "address_id": request["address_id"] or None,
        "zipcode": None,
        "lat": number(request["lat"]),
        "long": number(request["long"]),
        "media_url": media_url,
    }
    if extensions:
        wire["detailed_status"] = EXTENDED_STATUS.get(request["status"], "OPEN")
        wire["notes"] = [
            {
                "datetime": timestamp(u["created_at"], time_zone),
                "description": u["note"],
                "type": EXTENDED_STATUS.get(u["status"]),
            }
            for u in updates
        ]
    return wire


def created_wire(request: Any, account_id: str | None) -> dict[str, Any]:
    """The reply to POST requests by the service's type: realtime gives the id, batch a token, blackbox neither."""
    reply: dict[str, Any] = {}
    if request.service.type == "realtime":
        reply["service_request_id"] = str(request.pk)
    elif request.service.type == "batch":
        reply["token"] = request.token
    return {**reply, "service_notice": None, "account_id": account_id}


def update_wire(update: Any, *, time_zone: str) -> dict[str, Any]:
    return {
        "update_id": str(update.pk),
        "service_request_id": str(update.request_id),
        "status": EXTENDED_STATUS.get(update.status, "OPEN"),
        "updated_datetime": timestamp(update.created_at, time_zone),
        "description": update.note,
        "media_url": None,
    }
