"""capabilities_declare: the agency's declared elements are replaced; each change is audited once."""

from __future__ import annotations

from django.utils.translation import gettext

from kotacerdas.agencies.models import Capability
from kotacerdas.agencies.services import ELEMENT_NOT_IN_REGION, AgencyError, CapabilityChoice, capabilities_declare
from kotacerdas.audit.actions import AuditAction
from kotacerdas.audit.models import AuditEntry
from kotacerdas.core.testing import RegionTestCase
from kotacerdas.framework import services as framework
from kotacerdas.framework.models import Dimension, Element

CAPABILITY_ACTIONS = (
    AuditAction.CAPABILITY_DECLARED,
    AuditAction.CAPABILITY_CHANGED,
    AuditAction.CAPABILITY_WITHDRAWN,
)


def element(code: str) -> Element:
    return Element.objects.get(code=code, region=None)


def choice(code: str, note: str = "") -> CapabilityChoice:
    return CapabilityChoice(element=element(code), note=note)


class CapabilitiesDeclareTests(RegionTestCase):
    def declare(self, *choices: CapabilityChoice) -> list[Capability]:
        return capabilities_declare(agency=self.public_works, choices=list(choices), actor=self.operator)

    def entries(self) -> list[AuditEntry]:
        return list(AuditEntry.objects.filter(action__in=CAPABILITY_ACTIONS).order_by("id"))

    def test_it_adds_each_element_with_its_note(self) -> None:
        caps = self.declare(choice("living.harmony", "Penataan M3K"), choice("environment.waste"))
        self.assertEqual(
            {(c.element.code, c.note) for c in caps}, {("living.harmony", "Penataan M3K"), ("environment.waste", "")}
        )
        self.assertTrue(all(c.region == self.region and c.declared_by == self.operator for c in caps))

    def test_it_audits_each_addition_once(self) -> None:
        self.declare(choice("living.harmony", "Penataan M3K"), choice("environment.waste"))
        entries = self.entries()
        self.assertEqual([e.action for e in entries], [AuditAction.CAPABILITY_DECLARED] * 2)
        self.assertEqual(entries[0].after, {"element": "living.harmony", "note": "Penataan M3K"})
        self.assertEqual(entries[0].actor, self.operator)
        self.assertEqual(entries[0].region, self.region)

    def test_it_changes_a_note_and_audits_before_and_after(self) -> None:
        self.declare(choice("living.harmony", "lama"))
        self.declare(choice("living.harmony", "baru"))
        self.assertEqual(Capability.objects.get(agency=self.public_works).note, "baru")
        changed = self.entries()[-1]
        self.assertEqual(changed.action, AuditAction.CAPABILITY_CHANGED)
        self.assertEqual((changed.before, changed.after), ({"note": "lama"}, {"note": "baru"}))

    def test_it_withdraws_an_element_left_out_and_audits_it(self) -> None:
        self.declare(choice("living.harmony", "M3K"), choice("environment.waste"))
        self.declare(choice("environment.waste"))
        codes = list(Capability.objects.filter(agency=self.public_works).values_list("element__code", flat=True))
        self.assertEqual(codes, ["environment.waste"])
        withdrawn = self.entries()[-1]
        self.assertEqual(withdrawn.action, AuditAction.CAPABILITY_WITHDRAWN)
        self.assertEqual(withdrawn.before, {"element": "living.harmony", "note": "M3K"})
        self.assertIsNone(withdrawn.after)

    def test_it_withdraws_everything_when_nothing_is_chosen(self) -> None:
        self.declare(choice("living.harmony"))
        self.assertEqual(self.declare(), [])
        self.assertFalse(Capability.objects.filter(agency=self.public_works).exists())

    def test_it_records_one_entry_per_change_in_a_mixed_declaration(self) -> None:
        self.declare(choice("living.harmony", "a"), choice("environment.waste", "b"))
        last_id = AuditEntry.objects.latest("id").pk
        self.declare(choice("living.harmony", "a2"), choice("living.mobility", "c"))
        actions = sorted(AuditEntry.objects.filter(id__gt=last_id).values_list("action", flat=True))
        expected = [AuditAction.CAPABILITY_CHANGED, AuditAction.CAPABILITY_DECLARED, AuditAction.CAPABILITY_WITHDRAWN]
        self.assertEqual(actions, sorted(expected))

    def test_it_records_nothing_when_nothing_changes(self) -> None:
        self.declare(choice("living.harmony", "M3K"), choice("environment.waste"))
        before = AuditEntry.objects.count()
        self.declare(choice("environment.waste"), choice("living.harmony", "M3K"))
        self.assertEqual(AuditEntry.objects.count(), before)

    def test_it_accepts_an_element_of_the_agencys_own_region(self) -> None:
        own = framework.element_create(
            dimension=Dimension.objects.get(code="society"),
            region=self.region,
            code="society.jimpitan",
            name="Jimpitan",
            name_en="Jimpitan",
            actor=None,
        )
        caps = self.declare(CapabilityChoice(element=own))
        self.assertEqual([c.element for c in caps], [own])

    def test_it_refuses_an_element_of_another_regions_extension(self) -> None:
        foreign = framework.element_create(
            dimension=Dimension.objects.get(code="society"),
            region=self.other_region,
            code="society.ronda",
            name="Ronda",
            name_en="Neighbourhood watch",
            actor=None,
        )
        self.declare(choice("living.harmony"))
        before = AuditEntry.objects.count()
        with self.assertRaises(AgencyError) as caught:
            self.declare(choice("living.harmony"), CapabilityChoice(element=foreign))
        self.assertEqual(caught.exception.message, gettext(ELEMENT_NOT_IN_REGION))
        self.assertEqual(Capability.objects.filter(agency=self.public_works).count(), 1)
        self.assertEqual(AuditEntry.objects.count(), before)
