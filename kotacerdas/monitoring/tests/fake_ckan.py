"""A small CKAN portal for the tests: the action API's wire format over real HTTP on 127.0.0.1, kept in memory.

It answers the four actions the adapter uses the way CKAN 2.10 does (envelope, error types, status codes),
checks the API token, and keeps every uploaded file, so tests read what a real portal would have received.
"""

from __future__ import annotations

import json
import re
import threading
import uuid
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.parser import BytesParser
from email.policy import HTTP
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any

TOKEN = "ckan-token-kota-cerdas-uji"
ORGANIZATION = "diskominfo-kotaraya"
NAME = re.compile(r"[a-z0-9_-]{2,100}")


@dataclass
class Resource:
    id: str
    package_id: str
    name: str
    format: str
    description: str
    filename: str
    content: bytes


@dataclass
class Package:
    id: str
    name: str
    title: str
    owner_org: str
    notes: str
    resources: list[Resource] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        resources = [{"id": r.id, "name": r.name, "format": r.format} for r in self.resources]
        return {"id": self.id, "name": self.name, "title": self.title, "owner_org": self.owner_org,
                "notes": self.notes, "resources": resources}  # fmt: skip


class FakeCkan:
    """Start with `with FakeCkan() as portal:`; `portal.url` is its address, `portal.packages` what it holds."""

    def __init__(self, *, broken: bool = False) -> None:
        self.packages: dict[str, Package] = {}
        self.calls: list[str] = []
        self.authorizations: list[str] = []
        self.broken = broken  # answer like a proxy's error page instead of CKAN
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _handler_for(self))
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    def __enter__(self) -> FakeCkan:
        self._thread.start()
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None, tb: TracebackType | None) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join()

    def resource(self, package: str, name: str) -> Resource:
        return next(r for r in self.packages[package].resources if r.name == name)

    # --- the actions ----------------------------------------------------------------------------

    def answer(self, action: str, fields: dict[str, str], files: dict[str, tuple[str, bytes]]) -> tuple[int, Any]:
        actions = {
            "package_show": self.package_show,
            "package_create": self.package_create,
            "resource_create": self.resource_create,
            "resource_update": self.resource_update,
        }
        if action not in actions:
            return 400, {"__type": "Bad request", "message": f"Action name not known: {action}"}
        return actions[action](fields, files)

    def package_show(self, fields: dict[str, str], files: dict[str, tuple[str, bytes]]) -> tuple[int, Any]:
        package = self._package(fields.get("id", ""))
        return (200, package.as_dict()) if package else (404, {"__type": "Not Found Error", "message": "Not found"})

    def package_create(self, fields: dict[str, str], files: dict[str, tuple[str, bytes]]) -> tuple[int, Any]:
        name = fields.get("name", "")
        if fields.get("owner_org") != ORGANIZATION:
            return 409, {"__type": "Validation Error", "owner_org": ["Organization does not exist"]}
        if not NAME.fullmatch(name) or name in self.packages:
            return 409, {"__type": "Validation Error", "name": ["That URL is already in use."]}
        package = Package(str(uuid.uuid4()), name, fields["title"], fields["owner_org"], fields.get("notes", ""))
        self.packages[name] = package
        return 200, package.as_dict()

    def resource_create(self, fields: dict[str, str], files: dict[str, tuple[str, bytes]]) -> tuple[int, Any]:
        package = self._package(fields.get("package_id", ""))
        if package is None:
            return 404, {"__type": "Not Found Error", "message": "Not found: Package was not found."}
        filename, content = files["upload"]
        resource = Resource(str(uuid.uuid4()), package.id, fields["name"], fields["format"],
                            fields.get("description", ""), filename, content)  # fmt: skip
        package.resources.append(resource)
        return 200, {"id": resource.id, "name": resource.name}

    def resource_update(self, fields: dict[str, str], files: dict[str, tuple[str, bytes]]) -> tuple[int, Any]:
        for package in self.packages.values():
            for resource in package.resources:
                if resource.id == fields.get("id"):
                    resource.filename, resource.content = files["upload"]
                    resource.description = fields.get("description", "")
                    return 200, {"id": resource.id, "name": resource.name}
        return 404, {"__type": "Not Found Error", "message": "Resource was not found."}

    def _package(self, key: str) -> Package | None:
        return self.packages.get(key) or next((p for p in self.packages.values() if p.id == key), None)


def _handler_for(portal: FakeCkan) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            action = self.path.removeprefix("/api/3/action/")
            body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            portal.calls.append(action)
            portal.authorizations.append(self.headers.get("Authorization", ""))
            if portal.broken:
                self._send(502, b"<html><body>Bad gateway</body></html>", "text/html")
                return
            if self.headers.get("Authorization") != TOKEN:
                self._reply(403, {"__type": "Authorization Error", "message": "Access denied"})
                return
            fields, files = _parse(self.headers.get("Content-Type", ""), body)
            self._reply(*portal.answer(action, fields, files))

        def _reply(self, status: int, result: Any) -> None:
            ok = status < 400
            envelope = {"help": "fake", "success": ok, ("result" if ok else "error"): result}
            self._send(status, json.dumps(envelope).encode(), "application/json")

        def _send(self, status: int, body: bytes, content_type: str) -> None:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: Any) -> None:
            """Quiet: the tests read `portal.calls` instead."""

    return Handler


def _parse(content_type: str, body: bytes) -> tuple[dict[str, str], dict[str, tuple[str, bytes]]]:
    """The JSON body, or the fields and files of a multipart/form-data body."""
    if content_type.startswith("application/json"):
        return {k: str(v) for k, v in json.loads(body).items()}, {}
    message = BytesParser(policy=HTTP).parsebytes(f"Content-Type: {content_type}\r\n\r\n".encode() + body)
    assert isinstance(message, EmailMessage)
    fields: dict[str, str] = {}
    files: dict[str, tuple[str, bytes]] = {}
    for part in message.iter_parts():
        assert isinstance(part, EmailMessage)
        name = str(part.get_param("name", header="content-disposition"))
        payload = part.get_payload(decode=True)
        assert isinstance(payload, bytes)
        if part.get_filename():
            files[name] = (str(part.get_filename()), payload)
        else:
            fields[name] = payload.decode()
    return fields, files
