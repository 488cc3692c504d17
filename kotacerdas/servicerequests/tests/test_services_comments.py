"""request_comment: a public comment on a request by its citizen, the staff handling it or a keyed Open311 client."""

from __future__ import annotations

from kotacerdas.accounts.roles import Role
from kotacerdas.audit.actions import AuditAction
from kotacerdas.audit.models import AuditEntry
from kotacerdas.core.errors import NotAllowed
from kotacerdas.core.testing import make_user
from kotacerdas.servicerequests import services
from kotacerdas.servicerequests.models import RequestUpdate
from kotacerdas.servicerequests.services import (
    COMMENT_REQUIRED,
    DESCRIPTION_HTML,
    DESCRIPTION_TOO_LONG,
    NOT_PERMITTED,
    RequestError,
)
from kotacerdas.servicerequests.tests.factories import ServiceRequestTestCase, audit_actions


class RequestCommentTests(ServiceRequestTestCase):
    def test_it_adds_a_public_comment_and_keeps_the_status(self) -> None:
        request = self.advance(self.submit(), "verify", "investigate")
        update = services.request_comment(request=request, note="  Masih mati.  ", actor=self.citizen, via="web")
        self.assertEqual(
            (update.request, update.note, update.status, update.is_public, update.actor),
            (request, "Masih mati.", "investigating", True, self.citizen),
        )
        request.refresh_from_db()
        self.assertEqual(request.status, "investigating")
        self.assertEqual(audit_actions(request)[-1], AuditAction.REQUEST_COMMENTED)
        entry = AuditEntry.objects.latest("id")
        self.assertEqual((entry.actor, entry.after), (self.citizen, {"update": update.pk, "via": "web"}))

    def test_it_lets_the_coordinator_and_the_handling_agency_comment(self) -> None:
        request = self.advance(self.submit(), "verify")
        for actor in (self.officer, self.operator):
            with self.subTest(actor=actor.username):
                update = services.request_comment(request=request, note="Sudah dicek.", actor=actor, via="web")
                self.assertEqual(update.actor, actor)

    def test_it_takes_a_comment_a_keyed_client_forwards(self) -> None:
        request = self.submit()
        details = {"client": "Aplikasi warga", "status": "OPEN"}
        update = services.request_comment(request=request, note="Masih.", actor=None, via="open311", details=details)
        self.assertIsNone(update.actor)
        entry = AuditEntry.objects.latest("id")
        self.assertEqual((entry.actor, entry.actor_label), (None, "system"))
        self.assertEqual(entry.after, {"update": update.pk, "via": "open311", **details})

    def test_it_refuses_anyone_else(self) -> None:
        request = self.advance(self.submit(), "verify")
        neighbour = make_user("tetangga", Role.CITIZEN, self.region)
        for actor in (neighbour, self.planner, self.outsider, self.inspector):
            with self.subTest(actor=actor.username):
                self.assertRefused(
                    NotAllowed,
                    NOT_PERMITTED,
                    lambda a=actor: services.request_comment(request=request, note="x", actor=a, via="web"),
                )
        self.assertEqual(RequestUpdate.objects.filter(request=request).count(), 2)

    def test_it_refuses_a_client_comment_on_a_secret_request(self) -> None:
        secret = self.submit(is_secret=True)
        self.assertRefused(
            NotAllowed,
            NOT_PERMITTED,
            lambda: services.request_comment(request=secret, note="x", actor=None, via="open311"),
        )
        services.request_comment(request=secret, note="Tambahan.", actor=self.citizen, via="web")  # its own citizen may

    def test_it_refuses_an_empty_long_or_html_comment(self) -> None:
        request = self.submit()
        for note, message in (
            ("  ", COMMENT_REQUIRED),
            ("a" * 4001, DESCRIPTION_TOO_LONG),
            ("<i>x</i>", DESCRIPTION_HTML),
        ):
            with self.subTest(message=message):
                self.assertRefused(
                    RequestError,
                    message,
                    lambda n=note: services.request_comment(request=request, note=n, actor=self.citizen, via="web"),
                )
        self.assertEqual(RequestUpdate.objects.filter(request=request).count(), 1)
        self.assertNotIn(AuditAction.REQUEST_COMMENTED, audit_actions(request))
