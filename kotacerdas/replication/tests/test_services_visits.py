"""visit_record: a benchmarking visit, its delegation by agency, the programmes studied."""

from __future__ import annotations

import datetime as dt
from typing import Any

from kotacerdas.audit.models import AuditEntry
from kotacerdas.core.errors import NotAllowed
from kotacerdas.core.testing import make_agency
from kotacerdas.replication import services
from kotacerdas.replication.models import Visit
from kotacerdas.replication.services import ReplicationError, VisitData
from kotacerdas.replication.tests.factories import ReplicationTestCase


def visit_data(case: Any, **overrides: Any) -> VisitData:
    """kabupatenlain visits kotaraya: ICT and planning agencies, the planning agency heading."""
    values: dict[str, Any] = {
        "host_region": case.region,
        "host_agency": case.diskominfo,
        "visited_on": dt.date(2023, 11, 9),
        "topics": "Enam dimensi; layanan kota pintar.",
        "delegation": [case.target_ict, case.other_agency],
        "head": case.other_agency,
        "programmes": [case.smart_service],
    }
    values.update(overrides)
    return VisitData(**values)


def record_visit(case: Any, **overrides: Any) -> Visit:
    return services.visit_record(
        region=case.other_region, data=visit_data(case, **overrides), actor=case.target_planner
    )


class VisitRecordTests(ReplicationTestCase):
    def test_it_records_the_visit_with_its_delegation_and_an_audit_entry(self) -> None:
        visit = record_visit(self)
        self.assertEqual(
            (visit.region, visit.host_region, visit.host_agency), (self.other_region, self.region, self.diskominfo)
        )
        delegation = [(d.agency, d.is_head) for d in visit.delegation.all()]
        self.assertEqual(delegation, [(self.other_agency, True), (self.target_ict, False)])
        self.assertEqual(list(visit.programmes_studied.all()), [self.smart_service])
        entry = AuditEntry.objects.get(action="replication.visit.recorded", target_id=str(visit.pk))
        self.assertEqual(entry.after["head"], "bappeda")

    def test_it_adds_the_head_to_the_delegation_when_not_ticked(self) -> None:
        visit = record_visit(self, delegation=[self.target_ict], head=self.target_village)
        self.assertEqual(visit.delegation.count(), 2)

    def test_it_refuses_a_visit_to_itself_or_a_host_agency_of_another_region(self) -> None:
        for overrides in (
            {"host_region": self.other_region, "host_agency": self.target_ict},
            {"host_agency": self.target_ict},
        ):
            with self.subTest(overrides=overrides):
                self.assertRefused(
                    ReplicationError, services.VISIT_HOST_INVALID, lambda o=overrides: record_visit(self, **o)
                )

    def test_it_refuses_a_delegation_from_another_region(self) -> None:
        self.assertRefused(
            ReplicationError, services.VISIT_DELEGATION_INVALID, lambda: record_visit(self, head=self.diskominfo)
        )

    def test_it_refuses_programmes_that_are_not_published_programmes_of_the_host(self) -> None:
        from kotacerdas.planning.models import Programme

        Programme.objects.filter(pk=self.riverside.pk).update(is_published=False)
        self.riverside.refresh_from_db()
        self.assertRefused(
            ReplicationError, services.VISIT_PROGRAMME_INVALID, lambda: record_visit(self, programmes=[self.riverside])
        )

    def test_it_refuses_roles_without_the_permission(self) -> None:
        operator = make_agency(self.other_region, "dinas-x")
        from kotacerdas.accounts.roles import Role
        from kotacerdas.core.testing import make_user

        user = make_user("op_x", Role.AGENCY_OPERATOR, self.other_region, agency=operator)
        self.assertRefused(
            NotAllowed, None, lambda: services.visit_record(region=self.other_region, data=visit_data(self), actor=user)
        )
        self.assertFalse(Visit.objects.exists())
