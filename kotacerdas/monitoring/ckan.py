"""The one door to a CKAN open-data portal (the software behind Satu Data Indonesia): its action API.

Wire format and HTTP only: `POST <portal>/api/3/action/<action>` with a JSON body (or multipart/form-data
when a file is uploaded), the region's API token in the `Authorization` header, and CKAN's envelope
`{"success": true, "result": ...}` / `{"success": false, "error": {"__type": ..., "message": ...}}` back.
This is the room's only outbound network call; tests run it against a local fake portal.
"""

from __future__ import annotations

import http.client
import json
import urllib.error
import urllib.request
import uuid
from dataclasses import dataclass
from typing import Any

TIMEOUT_SECONDS = 20
MAX_ANSWER_BYTES = 2 * 1024 * 1024


class CkanError(Exception):
    """The portal refused or could not be reached; `message` is safe to show (it never holds the token)."""

    def __init__(self, message: str, *, kind: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.kind = kind


@dataclass(frozen=True)
class Upload:
    """One file for a resource of the package."""

    name: str
    description: str
    format: str
    filename: str
    content: bytes
    mimetype: str


class CkanClient:
    """The handful of actions Kota Cerdas needs: package_show, package_create, resource_create, resource_update."""

    def __init__(self, base_url: str, api_token: str, *, timeout: float = TIMEOUT_SECONDS) -> None:
        self.base_url = base_url.rstrip("/")
        self.api_token = api_token
        self.timeout = timeout

    def package_show(self, name: str) -> dict[str, Any] | None:
        """The package with this name, or None when the portal has none."""
        try:
            return dict(self._call("package_show", {"id": name}))
        except CkanError as error:
            if error.kind == "Not Found Error":
                return None
            raise

    def package_create(self, *, name: str, title: str, owner_org: str, notes: str) -> dict[str, Any]:
        payload = {"name": name, "title": title, "owner_org": owner_org, "notes": notes}
        return dict(self._call("package_create", payload))

    def resource_create(self, *, package_id: str, upload: Upload) -> dict[str, Any]:
        return dict(self._call("resource_create", {"package_id": package_id, **_fields(upload)}, upload))

    def resource_update(self, *, resource_id: str, upload: Upload) -> dict[str, Any]:
        return dict(self._call("resource_update", {"id": resource_id, **_fields(upload)}, upload))

    # --- the wire ---------------------------------------------------------------------------------

    def _call(self, action: str, payload: dict[str, str], upload: Upload | None = None) -> Any:
        body, content_type = (
            _multipart(payload, upload) if upload else (json.dumps(payload).encode(), "application/json")
        )
        request = urllib.request.Request(
            f"{self.base_url}/api/3/action/{action}",
            data=body,
            method="POST",
            headers={"Authorization": self.api_token, "Content-Type": content_type, "Accept": "application/json"},
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as answer:
                return _result(answer.read(MAX_ANSWER_BYTES), action)
        except urllib.error.HTTPError as error:
            with error:
                return _result(error.read(MAX_ANSWER_BYTES), action, status=error.code)
        except (OSError, http.client.HTTPException, ValueError) as error:  # timeouts, DNS, TLS, resets, bad URLs
            reason = getattr(error, "reason", error)
            raise CkanError(f"{action}: the portal cannot be reached ({reason})", kind="unreachable") from error


def _fields(upload: Upload) -> dict[str, str]:
    return {"name": upload.name, "description": upload.description, "format": upload.format}


def _result(raw: bytes, action: str, *, status: int = 200) -> Any:
    """CKAN's `result`, or a CkanError with its message (a non-CKAN answer says so)."""
    try:
        envelope = json.loads(raw)
    except ValueError:
        raise CkanError(f"{action}: the portal did not answer like CKAN (HTTP {status})", kind="protocol") from None
    if not isinstance(envelope, dict) or "success" not in envelope:
        raise CkanError(f"{action}: the portal did not answer like CKAN (HTTP {status})", kind="protocol")
    if envelope["success"] is True and status < 400:
        return envelope.get("result")
    error = envelope.get("error") or {}
    kind = str(error.get("__type", "")) if isinstance(error, dict) else ""
    detail = _describe(error)
    raise CkanError(f"{action}: {kind or 'error'} (HTTP {status}){': ' + detail if detail else ''}", kind=kind)


def _describe(error: Any) -> str:
    """CKAN's error dict as one short line: its message, or its field errors."""
    if not isinstance(error, dict):
        return ""
    if error.get("message"):
        return str(error["message"])[:300]
    fields = {k: v for k, v in error.items() if k != "__type"}
    return "; ".join(f"{k}: {' '.join(map(str, v)) if isinstance(v, list) else v}" for k, v in fields.items())[:300]


def _multipart(payload: dict[str, str], upload: Upload) -> tuple[bytes, str]:
    """The form fields and the file as multipart/form-data (the file goes in CKAN's `upload` field)."""
    boundary = f"kotacerdas-{uuid.uuid4().hex}"
    parts: list[bytes] = []
    for key, value in payload.items():
        parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{key}"\r\n\r\n{value}\r\n'.encode())
    head = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="upload"; filename="{upload.filename}"\r\n'
        f"Content-Type: {upload.mimetype}\r\n\r\n"
    )
    parts.append(head.encode() + upload.content + b"\r\n")
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"
