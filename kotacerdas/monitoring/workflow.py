"""The progress report's workflow: draft → submitted → returned / approved (approved by Bappeda)."""

from __future__ import annotations

from kotacerdas.accounts.roles import Perm
from kotacerdas.audit.actions import AuditAction as A
from kotacerdas.core.workflow import StateMachine, Transition
from kotacerdas.monitoring.models import ProgressReport, ReportStatus

R = ReportStatus

REPORT = StateMachine(
    model=ProgressReport,
    scope_agency=lambda report: report.programme.lead_agency,
    transitions={
        "submit": Transition(frozenset({R.DRAFT, R.RETURNED}), R.SUBMITTED, Perm.PROGRAMME_RUN, A.REPORT_SUBMITTED),
        "return": Transition(
            frozenset({R.SUBMITTED}), R.RETURNED, Perm.REPORT_APPROVE, A.REPORT_RETURNED, needs_note=True
        ),
        "approve": Transition(frozenset({R.SUBMITTED}), R.APPROVED, Perm.REPORT_APPROVE, A.REPORT_APPROVED),
    },
)
