"""Every write of citizen services: citizens, the catalogue and routing, requests and their handling."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import secrets
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.core.mail import send_mail
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from kotacerdas.accounts import services as accounts
from kotacerdas.accounts.models import Membership, User
from kotacerdas.accounts.roles import Perm, Role
from kotacerdas.accounts.selectors import has_perm, is_member
from kotacerdas.agencies.models import Agency
from kotacerdas.audit import services as audit
from kotacerdas.audit.actions import AuditAction
from kotacerdas.core.errors import ApplicationError, NotAllowed
from kotacerdas.core.workflow import REASON_REQUIRED
from kotacerdas.regions.models import Area, Region
from kotacerdas.servicerequests import nik as nik_codec
from kotacerdas.servicerequests.models import (
    AttributeType,
    CitizenProfile,
    DataRequest,
    DataRequestKind,
    DataRequestOutcome,
    RequestKind,
    RequestStatus,
    RequestUpdate,
    RoutingRule,
    Service,
    ServiceAttribute,
    ServiceRequest,
)
from kotacerdas.servicerequests.workflow import REQUEST, RESOLUTION_STATUSES, RESPONSE_ACTIONS


class RequestError(ApplicationError):
    """A refused step of citizen services."""


NOT_PERMITTED = gettext_noop("Your role does not allow this action.")
NIK_TAKEN = gettext_noop("An account with this NIK already exists. Log in with it instead.")
CONTACT_REQUIRED = gettext_noop("Give an e-mail address or a phone number.")
PHONE_INVALID = gettext_noop("Give a phone number such as 081234567890 or +6281234567890.")
USERNAME_TAKEN = gettext_noop("An account with this e-mail or phone already exists.")
CONSENT_REQUIRED = gettext_noop("Agree to the use of your data for this purpose to continue.")
SERVICE_UNKNOWN = gettext_noop("This service is not in the region's catalogue.")
LOCATION_REQUIRED = gettext_noop("Give a location: a map point, an address or the kelurahan/RT.")
LAT_LONG_PAIR = gettext_noop("Give both latitude and longitude, or neither.")
LAT_LONG_RANGE = gettext_noop("Give a latitude between -90 and 90 and a longitude between -180 and 180.")
REQUEST_NOT_SAVED = gettext_noop("The request could not be saved. Send it again.")
DESCRIPTION_TOO_LONG = gettext_noop("The description may have at most 4000 characters.")
DESCRIPTION_HTML = gettext_noop("The description may not contain HTML.")
ATTRIBUTE_REQUIRED = gettext_noop("Answer the question “%(question)s”.")
ATTRIBUTE_INVALID = gettext_noop("The answer to “%(question)s” is not valid.")
AREA_OUTSIDE_REGION = gettext_noop("Choose a kelurahan or RT of this region.")
AGENCY_OUTSIDE_REGION = gettext_noop("Choose an agency of this region.")
SAME_AGENCY = gettext_noop("The request is already with this agency.")
REOPEN_TOO_LATE = gettext_noop("A fixed request can be reopened within %(days)d days only.")
NOT_YOURS = gettext_noop("Only the citizen who sent the request can do this.")
CODE_TAKEN = gettext_noop("This code is already used by another service.")
IDEMPOTENCY_KEY_INVALID = gettext_noop("The idempotency key must be 8 to 64 letters, digits or dashes.")
NIK_REQUIRED = gettext_noop("Add your NIK before you send a request.")
NIK_ON_FILE = gettext_noop("Your NIK is already on file. To change it, ask for a correction.")
NIK_OF_ANOTHER = gettext_noop("Another account already has this NIK.")
NIK_NOT_ON_FILE = gettext_noop("This citizen has no NIK on file yet; they add it themselves.")
NAME_REQUIRED = gettext_noop("Give the full name.")
EMAIL_INVALID = gettext_noop("Give a valid e-mail address.")
DATA_REQUEST_ANSWERED = gettext_noop("This data request has already been answered.")
DATA_REQUEST_OTHER_KIND = gettext_noop("This data request asks for something else.")
NOTHING_CORRECTED = gettext_noop("Nothing was changed. Change a detail, or refuse the request with a reason.")
ANSWER_REQUIRED = gettext_noop("Write the answer the citizen will read.")
CHOICES_REQUIRED = gettext_noop("A choice question needs at least one choice.")
CHOICES_NOT_UNIQUE = gettext_noop("Each choice needs its own key.")
CHOICES_ONLY_FOR_LISTS = gettext_noop("Only a choice question has choices.")
QUESTION_CODE_TAKEN = gettext_noop("Another question of this service already uses this code.")

CONSENT_VERSION = "2026-1"
CONSENT_PURPOSE = gettext_noop(
    "To receive and handle my requests and complaints to the regional government, and to contact me about them."
)
REOPEN_DAYS = 14
PHONE = re.compile(r"(\+62|0)8[0-9]{7,12}")
HTML_TAG = re.compile(r"<[a-zA-Z/!][^>]*>")
IDEMPOTENCY_KEY = re.compile(r"[A-Za-z0-9-]{8,64}")


def _require(actor: Any, perm: Perm, region: Region, agency: Agency | None = None) -> None:
    if not has_perm(actor, perm, region, agency):
        raise NotAllowed(_(NOT_PERMITTED))


def _validated(obj: Any) -> Any:
    try:
        obj.full_clean()
    except ValidationError as error:
        raise RequestError("; ".join(error.messages)) from error
    return obj


# --- citizens -----------------------------------------------------------------------------------


@dataclass
class CitizenData:
    full_name: str
    password: str
    nik: str
    email: str = ""
    phone: str = ""
    consent: bool = False


def _check_citizen(data: CitizenData) -> str:
    """Validate and return the username (the e-mail, else the phone)."""
    if not data.consent:
        raise RequestError(_(CONSENT_REQUIRED), field="consent")
    if not data.email and not data.phone:
        raise RequestError(_(CONTACT_REQUIRED), field="email")
    if data.phone and not PHONE.fullmatch(data.phone):
        raise RequestError(_(PHONE_INVALID), field="phone")
    _check_nik(data.nik)
    username = (data.email or data.phone).lower()
    if User.objects.filter(username=username).exists() or (
        data.phone and User.objects.filter(phone=data.phone).exists()
    ):
        raise RequestError(_(USERNAME_TAKEN), field="email")
    return username


@transaction.atomic
def citizen_register(*, region: Region, data: CitizenData) -> User:
    """Create a citizen's account in a region: NIK encrypted, consent and its purpose recorded."""
    username = _check_citizen(data)
    user = accounts.user_create(
        username=username, password=data.password, full_name=data.full_name.strip(), email=data.email, actor=None
    )
    User.objects.filter(pk=user.pk).update(phone=data.phone)
    user.phone = data.phone
    profile = CitizenProfile(
        user=user, consent_purpose=CONSENT_PURPOSE, consent_version=CONSENT_VERSION, consent_at=timezone.now()
    )
    _set_nik(profile, data.nik)
    profile.save()
    accounts.membership_grant(user=user, role=Role.CITIZEN, region=region, actor=user)
    audit.record(
        actor=user,
        action=AuditAction.CITIZEN_REGISTERED,
        target=user,
        region=region,
        after={"consent_version": CONSENT_VERSION},
    )
    return user


def _check_nik(nik: str, *, owner: User | None = None, taken: str = NIK_TAKEN) -> None:
    """A well-formed NIK that no other account holds (compared through the keyed digest only)."""
    try:
        nik_codec.validate_nik(nik)
    except ValidationError as error:
        raise RequestError(error.messages[0], field="nik") from error
    holders = CitizenProfile.objects.filter(nik_digest=nik_codec.digest(nik))
    if owner is not None:
        holders = holders.exclude(user=owner)
    if holders.exists():
        raise RequestError(_(taken), field="nik")


def _set_nik(profile: CitizenProfile, nik: str) -> None:
    profile.nik_encrypted = nik_codec.encrypt(nik)
    profile.nik_digest = nik_codec.digest(nik)
    profile.nik_last4 = nik[-4:]


def _is_citizen_of(user: User | None, region: Region) -> bool:
    """The user holds the citizen role in the region (staff accounts are not erased or revealed here)."""
    return user is not None and has_perm(user, Perm.REQUEST_SUBMIT, region)


@transaction.atomic
def citizen_nik_add(*, user: User, region: Region, nik: str, consent: bool) -> CitizenProfile:
    """Put the NIK of a citizen whose account has none (made by staff or the demo) on file, with their consent."""
    _require(user, Perm.REQUEST_SUBMIT, region)
    if not consent:
        raise RequestError(_(CONSENT_REQUIRED), field="consent")
    profile = CitizenProfile.objects.select_for_update().filter(user=user).first()
    if profile is not None and profile.nik_encrypted:
        raise RequestError(_(NIK_ON_FILE), field="nik")
    _check_nik(nik)
    profile = profile or CitizenProfile(user=user)
    _set_nik(profile, nik)
    profile.consent_purpose, profile.consent_version = CONSENT_PURPOSE, CONSENT_VERSION
    profile.consent_at = timezone.now()
    try:
        with transaction.atomic():
            profile.save()
    except IntegrityError as error:  # the same NIK put on file by another account at the same moment
        raise RequestError(_(NIK_TAKEN), field="nik") from error
    audit.record(
        actor=user,
        action=AuditAction.CITIZEN_NIK_ADDED,
        target=user,
        region=region,
        after={"consent_version": CONSENT_VERSION},
    )
    return profile


def citizen_export(*, user: User, region: Region) -> dict[str, Any]:
    """Everything the region holds about the citizen, for them to download (their own NIK in full)."""
    profile = CitizenProfile.objects.filter(user=user).first()
    requests = ServiceRequest.objects.for_region(region).filter(citizen=user).select_related("service", "agency")
    with transaction.atomic():
        audit.record(actor=user, action=AuditAction.CITIZEN_DATA_EXPORTED, target=user, region=region)
    return {
        "account": {"username": user.username, "full_name": user.full_name, "email": user.email, "phone": user.phone},
        "nik": nik_codec.decrypt(profile.nik_encrypted) if profile and profile.nik_encrypted else None,
        "consent": _consent(profile),
        "requests": [_request_export(r) for r in requests],
    }


def _consent(profile: CitizenProfile | None) -> dict[str, Any] | None:
    if profile is None:
        return None
    return {
        "purpose": profile.consent_purpose,
        "version": profile.consent_version,
        "at": profile.consent_at.isoformat(),
    }


def _request_export(request: ServiceRequest) -> dict[str, Any]:
    return {
        "id": request.pk,
        "service": request.service.name,
        "agency": request.agency.name,
        "status": request.status,
        "description": request.description,
        "requested_at": request.requested_at.isoformat(),
        "address": request.address,
        "lat": str(request.lat) if request.lat is not None else None,
        "long": str(request.long) if request.long is not None else None,
    }


@transaction.atomic
def citizen_data_request(*, user: User, region: Region, kind: str, message: str) -> DataRequest:
    """Record a citizen's request to correct or delete their data; the coordinator handles it."""
    if not is_member(user, region) or kind not in DataRequestKind.values:
        raise NotAllowed(_(NOT_PERMITTED))
    request = DataRequest.objects.create(region=region, user=user, kind=kind, message=message.strip()[:4000])
    action = (
        AuditAction.CITIZEN_ERASURE_REQUESTED
        if kind == DataRequestKind.ERASURE
        else AuditAction.CITIZEN_CORRECTION_REQUESTED
    )
    audit.record(actor=user, action=action, target=request, region=region, after={"kind": kind})
    return request


@transaction.atomic
def citizen_erase(*, user: User, region: Region, actor: User, response: str = "") -> None:
    """Erase a citizen's personal data (their requests stay, without a reporter); the account is closed."""
    _require(actor, Perm.REQUEST_COORDINATE, region)
    if not _is_citizen_of(user, region):
        raise NotAllowed(_(NOT_PERMITTED))
    CitizenProfile.objects.filter(user=user).update(
        nik_encrypted="", nik_digest=None, nik_last4="", erased_at=timezone.now()
    )
    ServiceRequest.objects.filter(citizen=user).update(
        reporter_name="", reporter_email="", reporter_phone="", updated_at=timezone.now()
    )
    User.objects.filter(pk=user.pk).update(
        full_name="", first_name="", last_name="", email="", phone="", is_active=False, username=f"erased-{user.pk}"
    )
    user.set_unusable_password()
    User.objects.filter(pk=user.pk).update(password=user.password)
    # A correction asked for earlier has nothing left to correct: every open data request ends here.
    DataRequest.objects.filter(user=user, handled_at__isnull=True).update(
        handled_at=timezone.now(), handled_by=actor, outcome=DataRequestOutcome.ERASED, response=response.strip()
    )
    user.refresh_from_db()  # the audit entry names the erased account, not the person
    audit.record(actor=actor, action=AuditAction.CITIZEN_ERASED, target=user, region=region)


@transaction.atomic
def citizen_nik_reveal(*, user: User, region: Region, reason: str, actor: User) -> str:
    """Show a citizen's full NIK to the coordinator, for a stated reason; every such read is audited."""
    _require(actor, Perm.REQUEST_COORDINATE, region)
    profile = CitizenProfile.objects.filter(user=user).first()
    if profile is None or not profile.nik_encrypted or not _is_citizen_of(user, region):
        raise NotAllowed(_(NOT_PERMITTED))
    if not reason.strip():
        raise RequestError(_(REASON_REQUIRED), field="reason")
    audit.record(
        actor=actor,
        action=AuditAction.CITIZEN_RECORD_VIEWED,
        target=user,
        region=region,
        after={"reason": reason.strip()[:500]},
    )
    return nik_codec.decrypt(profile.nik_encrypted)


# --- the coordinator answers data requests -----------------------------------------------------


@dataclass
class Correction:
    """The citizen's details as they should be; an empty NIK leaves the NIK as it is."""

    full_name: str
    email: str = ""
    phone: str = ""
    nik: str = ""


@transaction.atomic
def data_request_correct(
    *, data_request: DataRequest, correction: Correction, response: str, actor: User
) -> DataRequest:
    """Apply a correction the citizen asked for and answer them; the audit names the fields changed, not the values."""
    item, user = _open_data_request(data_request, actor, DataRequestKind.CORRECTION)
    changed = _apply_correction(user, correction)
    if not changed:
        raise RequestError(_(NOTHING_CORRECTED))
    _answer(item, DataRequestOutcome.CORRECTED, response, actor)
    after = {"fields": changed, "data_request": item.pk}
    audit.record(actor=actor, action=AuditAction.CITIZEN_DATA_CORRECTED, target=user, region=item.region, after=after)
    return item


@transaction.atomic
def data_request_erase(*, data_request: DataRequest, response: str, actor: User) -> DataRequest:
    """Carry out a deletion request: erase the citizen's personal data and answer the request."""
    item, user = _open_data_request(data_request, actor, DataRequestKind.ERASURE)
    citizen_erase(user=user, region=item.region, actor=actor, response=response)
    item.refresh_from_db()
    return item


@transaction.atomic
def data_request_refuse(*, data_request: DataRequest, response: str, actor: User) -> DataRequest:
    """Refuse a correction or deletion request, with the reason the citizen will read."""
    item, _user = _open_data_request(data_request, actor, None)
    if not response.strip():
        raise RequestError(_(ANSWER_REQUIRED), field="response")
    _answer(item, DataRequestOutcome.REFUSED, response, actor)
    audit.record(
        actor=actor,
        action=AuditAction.CITIZEN_DATA_REQUEST_REFUSED,
        target=item,
        region=item.region,
        after={"kind": item.kind, "response": item.response},
    )
    return item


def _open_data_request(data_request: DataRequest, actor: User, kind: str | None) -> tuple[DataRequest, User]:
    """The request, locked and still open, of the kind the answer fits, from a citizen of the region."""
    region = data_request.region
    _require(actor, Perm.REQUEST_COORDINATE, region)
    item = DataRequest.objects.select_for_update(of=("self",)).select_related("user").get(pk=data_request.pk)
    item.region = region
    if item.handled_at is not None:
        raise RequestError(_(DATA_REQUEST_ANSWERED))
    if kind is not None and item.kind != kind:
        raise RequestError(_(DATA_REQUEST_OTHER_KIND))
    if item.user is None or not _is_citizen_of(item.user, region):
        raise NotAllowed(_(NOT_PERMITTED))
    return item, item.user


def _answer(item: DataRequest, outcome: str, response: str, actor: User) -> None:
    now = timezone.now()
    answer = response.strip()[:4000]
    DataRequest.objects.filter(pk=item.pk, handled_at__isnull=True).update(
        handled_at=now, handled_by=actor, outcome=outcome, response=answer
    )
    item.handled_at, item.handled_by, item.outcome, item.response = now, actor, outcome, answer


def _apply_correction(user: User, correction: Correction) -> list[str]:
    """Write the corrected account (and the reporter details of the citizen's requests); the names changed."""
    values = _checked_correction(user, correction)
    changed = [name for name, value in values.items() if getattr(user, name) != value]
    if correction.nik and _nik_changes(user, correction.nik):
        changed.append("nik")
    if not changed:
        return []
    values["username"] = _username_after(user, values["email"], values["phone"])
    User.objects.filter(pk=user.pk).update(**values)
    reporter = {f"reporter_{name}": values[name] for name in ("email", "phone") if name in changed}
    if "full_name" in changed:
        reporter["reporter_name"] = values["full_name"]
    if reporter:
        ServiceRequest.objects.filter(citizen=user).update(**reporter, updated_at=timezone.now())
    for name, value in values.items():
        setattr(user, name, value)
    return changed


def _checked_correction(user: User, correction: Correction) -> dict[str, str]:
    full_name, email, phone = correction.full_name.strip(), correction.email.strip().lower(), correction.phone.strip()
    if not full_name:
        raise RequestError(_(NAME_REQUIRED), field="full_name")
    if not email and not phone and (user.email or user.phone):  # an account made without contact may stay so
        raise RequestError(_(CONTACT_REQUIRED), field="email")
    if email:
        try:
            validate_email(email)
        except ValidationError as error:
            raise RequestError(_(EMAIL_INVALID), field="email") from error
    if phone and not PHONE.fullmatch(phone):
        raise RequestError(_(PHONE_INVALID), field="phone")
    if phone and User.objects.filter(phone=phone).exclude(pk=user.pk).exists():
        raise RequestError(_(USERNAME_TAKEN), field="phone")
    return {"full_name": full_name, "email": email, "phone": phone}


def _nik_changes(user: User, nik: str) -> bool:
    """True when the new NIK differs from the one on file (which must exist); it is then put on file."""
    profile = CitizenProfile.objects.select_for_update().filter(user=user).first()
    if profile is None or not profile.nik_encrypted:
        raise RequestError(_(NIK_NOT_ON_FILE), field="nik")
    if profile.nik_digest == nik_codec.digest(nik):
        return False
    _check_nik(nik, owner=user, taken=NIK_OF_ANOTHER)
    _set_nik(profile, nik)
    profile.save(update_fields=["nik_encrypted", "nik_digest", "nik_last4", "updated_at"])
    return True


def _username_after(user: User, email: str, phone: str) -> str:
    """A citizen logs in with the e-mail or phone they signed up with: a corrected one becomes the login."""
    if user.username not in {user.email.lower(), user.phone} - {""}:
        return user.username
    username = email or phone
    if User.objects.filter(username=username).exclude(pk=user.pk).exists():
        raise RequestError(_(USERNAME_TAKEN), field="email" if email else "phone")
    return username


# --- catalogue and routing ----------------------------------------------------------------------

SERVICE_FIELDS = (
    "code",
    "name",
    "description",
    "group",
    "keywords",
    "response_minutes",
    "resolution_minutes",
    "is_active",
)


@transaction.atomic
def service_save(
    *, region: Region, agency: Agency, actor: User, service: Service | None = None, **fields: Any
) -> Service:
    """Add a service to the catalogue or change one."""
    _require(actor, Perm.CATALOGUE_MANAGE, region)
    if agency.region_id != region.pk or (service is not None and service.region_id != region.pk):
        raise RequestError(_(AGENCY_OUTSIDE_REGION), field="agency")
    unknown = set(fields) - set(SERVICE_FIELDS)
    if unknown:
        raise ValueError(f"not a service field: {sorted(unknown)}")
    creating = service is None
    target = service or Service(region=region)
    before = None if creating else {name: getattr(Service.objects.get(pk=target.pk), name) for name in fields}
    target.agency = agency
    for name, value in fields.items():
        setattr(target, name, value)
    taken = Service.objects.for_region(region).filter(code=target.code).exclude(pk=target.pk)
    if target.code and taken.exists():
        raise RequestError(_(CODE_TAKEN), field="code")
    _validated(target)
    try:
        with transaction.atomic():
            target.save()
    except IntegrityError as error:
        raise RequestError(_(CODE_TAKEN), field="code") from error
    action = AuditAction.SERVICE_CREATED if creating else AuditAction.SERVICE_UPDATED
    audit.record(
        actor=actor, action=action, target=target, region=region, before=before, after={**fields, "agency": agency.slug}
    )
    return target


@transaction.atomic
def attribute_add(
    *,
    service: Service,
    code: str,
    datatype: str,
    description: str,
    required: bool = False,
    values: list[dict[str, str]] | None = None,
    datatype_description: str = "",
    actor: User,
) -> ServiceAttribute:
    """Add an extra question to a service."""
    _require(actor, Perm.CATALOGUE_MANAGE, service.region)
    order = ServiceAttribute.objects.filter(service=service).count()
    attribute = ServiceAttribute(
        region=service.region,
        service=service,
        code=code,
        datatype=datatype,
        description=description,
        required=required,
        values=values or [],
        datatype_description=datatype_description,
        order=order,
    )
    _save_attribute(attribute)
    audit.record(
        actor=actor,
        action=AuditAction.SERVICE_UPDATED,
        target=service,
        region=service.region,
        after={"attribute": code, "datatype": datatype, "required": required},
    )
    return attribute


ATTRIBUTE_FIELDS = ("code", "datatype", "description", "required", "values", "datatype_description", "order")
CHOICE_TYPES = frozenset({AttributeType.SINGLE, AttributeType.MULTI})


@transaction.atomic
def attribute_update(*, attribute: ServiceAttribute, actor: User, **fields: Any) -> ServiceAttribute:
    """Change an extra question; answers given earlier stay as they were recorded."""
    service = attribute.service
    _require(actor, Perm.CATALOGUE_MANAGE, service.region)
    unknown = set(fields) - set(ATTRIBUTE_FIELDS)
    if unknown:
        raise ValueError(f"not an attribute field: {sorted(unknown)}")
    before = {name: getattr(attribute, name) for name in fields}
    for name, value in fields.items():
        setattr(attribute, name, value)
    _save_attribute(attribute)
    audit.record(
        actor=actor,
        action=AuditAction.SERVICE_UPDATED,
        target=service,
        region=service.region,
        before={"attribute": before},
        after={"attribute": {name: getattr(attribute, name) for name in fields}},
    )
    return attribute


@transaction.atomic
def attribute_remove(*, attribute: ServiceAttribute, actor: User) -> None:
    """Drop an extra question from the form; answers given earlier stay on their requests."""
    service = attribute.service
    _require(actor, Perm.CATALOGUE_MANAGE, service.region)
    code = attribute.code
    attribute.delete()
    audit.record(
        actor=actor,
        action=AuditAction.SERVICE_UPDATED,
        target=service,
        region=service.region,
        before={"attribute": code},
        after={"attribute": None},
    )


def _save_attribute(attribute: ServiceAttribute) -> None:
    """Choice questions carry their choices (unique, non-empty keys); other questions carry none."""
    values = attribute.values or []
    if attribute.datatype in CHOICE_TYPES:
        keys = [str(v.get("key", "")).strip() if isinstance(v, dict) else "" for v in values]
        if not keys:
            raise RequestError(_(CHOICES_REQUIRED), field="values")
        if "" in keys or len(set(keys)) != len(keys):
            raise RequestError(_(CHOICES_NOT_UNIQUE), field="values")
    elif values:
        raise RequestError(_(CHOICES_ONLY_FOR_LISTS), field="values")
    taken = ServiceAttribute.objects.filter(service=attribute.service, code=attribute.code).exclude(pk=attribute.pk)
    if taken.exists():
        raise RequestError(_(QUESTION_CODE_TAKEN), field="code")
    _validated(attribute)
    try:
        with transaction.atomic():
            attribute.save()
    except IntegrityError as error:  # the same code added at the same moment
        raise RequestError(_(QUESTION_CODE_TAKEN), field="code") from error


@transaction.atomic
def route_set(*, service: Service, area: Area, agency: Agency, actor: User) -> RoutingRule:
    """Route a service in one district or village to an agency."""
    _require(actor, Perm.CATALOGUE_MANAGE, service.region)
    if area.region_id != service.region_id:
        raise RequestError(_(AREA_OUTSIDE_REGION), field="area")
    if agency.region_id != service.region_id:
        raise RequestError(_(AGENCY_OUTSIDE_REGION), field="agency")
    rule, _created = RoutingRule.objects.update_or_create(
        service=service, area=area, defaults={"agency": agency, "region": service.region}
    )
    audit.record(
        actor=actor,
        action=AuditAction.ROUTE_SET,
        target=rule,
        region=service.region,
        after={"service": service.code, "area": area.name, "agency": agency.slug},
    )
    return rule


@transaction.atomic
def route_remove(*, rule: RoutingRule, actor: User) -> None:
    """Drop a routing rule: the area's requests go to the service's own agency (or a rule higher up) again."""
    service = rule.service
    _require(actor, Perm.CATALOGUE_MANAGE, service.region)
    before = {"service": service.code, "area": rule.area.name, "agency": rule.agency.slug}
    audit.record(actor=actor, action=AuditAction.ROUTE_REMOVED, target=rule, region=service.region, before=before)
    rule.delete()


def route_for(service: Service, area: Area | None) -> Agency:
    """The agency responsible for a service in an area: the nearest routing rule up the tree, else the service's."""
    chain = [a.pk for a in area.lineage()] if area is not None else []
    rules = {
        r.area_id: r.agency
        for r in RoutingRule.objects.filter(service=service, area_id__in=chain).select_related("agency")
    }
    for area_id in chain:
        if area_id in rules:
            return rules[area_id]
    return service.agency


def routed_agency_id(service: Service, area: Area | None) -> int:
    """route_for without loading the agency: its id (no query without an area or when its parents are loaded)."""
    if area is None:
        return service.agency_id
    chain = [a.pk for a in area.lineage()]
    rules = dict(RoutingRule.objects.filter(service=service, area_id__in=chain).values_list("area_id", "agency_id"))
    return next((rules[area_id] for area_id in chain if area_id in rules), service.agency_id)


# --- requests -----------------------------------------------------------------------------------


@dataclass
class RequestData:
    """What a request carries, whichever channel it came from (page, Open311, phone retry)."""

    description: str
    kind: str = RequestKind.COMPLAINT
    lat: Decimal | None = None
    long: Decimal | None = None
    address: str = ""
    address_id: str = ""
    area: Area | None = None
    attributes: dict[str, Any] = field(default_factory=dict)
    is_secret: bool = False
    is_anonymous: bool = False
    photo: UploadedFile | None = None
    media_url: str = ""
    reporter_name: str = ""
    reporter_email: str = ""
    reporter_phone: str = ""
    device_id: str = ""
    account_id: str = ""
    idempotency_key: str | None = None


def _check_request(service: Service, data: RequestData) -> dict[str, Any]:
    if len(data.description) > 4000:
        raise RequestError(_(DESCRIPTION_TOO_LONG), field="description")
    if HTML_TAG.search(data.description):
        raise RequestError(_(DESCRIPTION_HTML), field="description")
    if (data.lat is None) != (data.long is None):
        raise RequestError(_(LAT_LONG_PAIR), field="lat")
    if data.lat is not None and data.long is not None and not (abs(data.lat) <= 90 and abs(data.long) <= 180):
        raise RequestError(_(LAT_LONG_RANGE), field="lat")  # the check constraints, before the write
    if data.lat is None and not data.address.strip() and not data.address_id and data.area is None:
        raise RequestError(_(LOCATION_REQUIRED), field="address")
    if data.area is not None and data.area.region_id != service.region_id:
        raise RequestError(_(AREA_OUTSIDE_REGION), field="area")
    if data.idempotency_key is not None and not IDEMPOTENCY_KEY.fullmatch(data.idempotency_key):
        raise RequestError(_(IDEMPOTENCY_KEY_INVALID), field="idempotency_key")
    return _checked_attributes(service, data.attributes)


def _checked_attributes(service: Service, answers: dict[str, Any]) -> dict[str, Any]:
    checked: dict[str, Any] = {}
    for attribute in service.attributes.all():  # prefetched (or known to be none) by an Open311 POST
        value = answers.get(attribute.code)
        if value in (None, "", []):
            if attribute.required:
                raise RequestError(_(ATTRIBUTE_REQUIRED) % {"question": attribute.description}, field=attribute.code)
            continue
        checked[attribute.code] = _attribute_value(attribute, value)
    return checked


def _attribute_value(attribute: ServiceAttribute, value: Any) -> Any:
    keys = {str(v.get("key")) for v in attribute.values}
    invalid = RequestError(_(ATTRIBUTE_INVALID) % {"question": attribute.description}, field=attribute.code)
    if attribute.datatype == AttributeType.NUMBER:
        try:
            number = Decimal(str(value))
        except ArithmeticError as error:
            raise invalid from error
        if not number.is_finite():
            raise invalid
        return str(number)
    if attribute.datatype == AttributeType.DATETIME:
        try:
            return dt.datetime.fromisoformat(str(value)).isoformat()
        except ValueError as error:
            raise invalid from error
    if attribute.datatype == AttributeType.SINGLE:
        if str(value) not in keys:
            raise invalid
        return str(value)
    if attribute.datatype == AttributeType.MULTI:
        values = [str(v) for v in (value if isinstance(value, list) else [value])]
        if not set(values) <= keys:
            raise invalid
        return values
    return str(value)[:4000]


def request_submit(
    *, service: Service, data: RequestData, citizen: User | None, actor: User | None, client: str = ""
) -> tuple[ServiceRequest, bool]:
    """File a request; returns it and whether it was new (a retry with the same idempotency key returns the first).

    `client` names the Open311 application that sent it (the audit entry's actor when no user is).

    1. Check and route with reads only, outside any transaction: on SQLite a write transaction holds the
       database's write lock from its BEGIN, so every read in it makes the other writers wait.
    2. Write the request, its first history entry and its audit entry in one short transaction.
    3. The database's constraints decide races: a key sent twice at once returns the winner's request; any
       other refused write (say, the service deleted meanwhile) is a RequestError, never a server error.
    """
    region = service.region
    if citizen is not None:
        _require(citizen, Perm.REQUEST_SUBMIT, region)
    if not service.is_active:
        raise RequestError(_(SERVICE_UNKNOWN), field="service_code")
    attributes = _check_request(service, data)
    key = _scoped_key(data.idempotency_key, citizen)
    earlier = _request_with_key(region, key)
    if earlier is not None:
        return earlier, False
    request = _new_request(service, data, citizen, attributes, key)
    _store_photo(request)
    try:
        _insert(request, data, citizen=citizen, actor=actor, client=client)
    except IntegrityError as refused:
        _discard_photo(request)
        earlier = _request_with_key(region, key)  # two phones sent the same key at once: the other one won
        if earlier is None:
            raise RequestError(_(REQUEST_NOT_SAVED)) from refused
        return earlier, False
    return request, True


def _request_with_key(region: Region, key: str | None) -> ServiceRequest | None:
    return ServiceRequest.objects.filter(region=region, idempotency_key=key).first() if key else None


def _insert(
    request: ServiceRequest, data: RequestData, *, citizen: User | None, actor: User | None, client: str
) -> None:
    """The short write transaction: the request, its first history entry and its audit entry (no reads)."""
    region = request.region
    after = {
        "service": request.service.code,
        "kind": data.kind,
        "secret": data.is_secret,
        "anonymous": data.is_anonymous,
    }
    with transaction.atomic():
        request.save(force_insert=True)
        RequestUpdate.objects.create(region=region, request=request, status=request.status, note="", actor=citizen)
        audit.record(
            actor=actor or citizen,
            actor_label=f"Open311: {client}" if client else "",
            action=AuditAction.REQUEST_SUBMITTED,
            target=request,
            region=region,
            after=after,
        )


def _store_photo(request: ServiceRequest) -> None:
    """Write the uploaded photo to storage before the transaction (the insert would do it while holding the lock)."""
    photo = request.photo
    if photo and not photo._committed:
        photo.save(photo.name, photo.file, save=False)


def _discard_photo(request: ServiceRequest) -> None:
    """A request that was not saved leaves no stored photo behind."""
    if request.photo and request.photo._committed:
        request.photo.delete(save=False)


def _scoped_key(key: str | None, citizen: User | None) -> str | None:
    """A retry key belongs to its sender: the same key from two citizens names two requests."""
    if not key:
        return None
    sender = f"user:{citizen.pk}" if citizen is not None else "open311"
    return hashlib.sha256(f"{sender}|{key}".encode()).hexdigest()


def _new_request(
    service: Service, data: RequestData, citizen: User | None, attributes: dict[str, Any], key: str | None
) -> ServiceRequest:
    now = timezone.now()
    request = ServiceRequest(
        region=service.region,
        service=service,
        agency_id=routed_agency_id(service, data.area),
        citizen=citizen,
        reporter_name=data.reporter_name or (citizen.full_name if citizen else ""),
        reporter_email=data.reporter_email or (citizen.email if citizen else ""),
        reporter_phone=data.reporter_phone or (citizen.phone if citizen else ""),
        kind=data.kind,
        description=data.description.strip(),
        media_url=data.media_url,
        lat=data.lat,
        long=data.long,
        address=data.address.strip(),
        address_id=data.address_id,
        area=data.area,
        attributes=attributes,
        is_secret=data.is_secret,
        is_anonymous=data.is_anonymous,
        requested_at=now,
        response_due_at=now + dt.timedelta(minutes=service.response_minutes),
        resolution_due_at=now + dt.timedelta(minutes=service.resolution_minutes),
        idempotency_key=key,
        token=secrets.token_urlsafe(16),
        device_id=data.device_id[:100],
        account_id=data.account_id[:100],
    )
    if data.photo is not None:
        request.photo = data.photo
    return _validated_request(request)


# The rows these name were read and checked before (the service, its region, the routed agency, the area, the
# citizen); their foreign keys, the unique token (random, 128 bits) and the check constraints (checked in
# _check_request) are enforced by the database at the insert: full_clean's query for each of them bought
# nothing. An insert the database refuses becomes a RequestError in request_submit.
_CHECKED_BY_THE_DATABASE = ["region", "service", "agency", "citizen", "area"]


def _validated_request(request: ServiceRequest) -> ServiceRequest:
    try:
        request.full_clean(exclude=_CHECKED_BY_THE_DATABASE, validate_unique=False, validate_constraints=False)
    except ValidationError as error:
        raise RequestError("; ".join(error.messages)) from error
    return request


@transaction.atomic
def request_transition(*, request: ServiceRequest, action: str, actor: User, note: str = "") -> ServiceRequest:
    """Verify/dispatch, postpone, refuse, archive, handle or reopen a request; each step has a public note."""
    REQUEST.check_permission(obj=request, action=action, actor=actor)
    if action == "reopen":
        _check_reopen(request, actor)
    changes: dict[str, Any] = {}
    now = timezone.now()
    if action == "verify" and not _rerouted(request):
        changes["agency"] = route_for(request.service, request.area)  # dispatch by today's routing rules
    if action in RESPONSE_ACTIONS and request.responded_at is None:
        changes["responded_at"] = now
    target = REQUEST.transitions[action].target
    if target in RESOLUTION_STATUSES:
        changes["resolved_at"] = now
    if action == "reopen":
        changes["resolved_at"] = None
    REQUEST.apply(obj=request, action=action, actor=actor, note=note, changes=changes)
    RequestUpdate.objects.create(
        region=request.region, request=request, status=request.status, note=note.strip(), actor=actor
    )
    return request


def _rerouted(request: ServiceRequest) -> bool:
    """A request staff sent to an agency by hand keeps that agency when it is verified."""
    return RequestUpdate.objects.filter(request=request, is_public=False).exists()


def _check_reopen(request: ServiceRequest, actor: User) -> None:
    if request.citizen_id != actor.pk:
        raise NotAllowed(_(NOT_YOURS))
    if request.resolved_at and timezone.now() - request.resolved_at > dt.timedelta(days=REOPEN_DAYS):
        raise RequestError(_(REOPEN_TOO_LATE) % {"days": REOPEN_DAYS})


@transaction.atomic
def request_reroute(*, request: ServiceRequest, agency: Agency, reason: str, actor: User) -> ServiceRequest:
    """Send a request to another agency, with the reason (the coordinator, or the agency holding it)."""
    region = request.region
    if not (
        has_perm(actor, Perm.REQUEST_COORDINATE, region) or has_perm(actor, Perm.REQUEST_HANDLE, region, request.agency)
    ):
        raise NotAllowed(_(NOT_PERMITTED))
    if agency.region_id != region.pk:
        raise RequestError(_(AGENCY_OUTSIDE_REGION), field="agency")
    if agency.pk == request.agency_id:
        raise RequestError(_(SAME_AGENCY), field="agency")
    if not reason.strip():
        raise RequestError(_(REASON_REQUIRED), field="reason")
    before = {"agency": request.agency.slug}
    ServiceRequest.objects.filter(pk=request.pk).update(agency=agency, updated_at=timezone.now())
    request.agency = agency
    RequestUpdate.objects.create(
        region=region, request=request, status=request.status, note=reason.strip(), is_public=False, actor=actor
    )
    audit.record(
        actor=actor,
        action=AuditAction.REQUEST_REROUTED,
        target=request,
        region=region,
        before=before,
        after={"agency": agency.slug, "reason": reason.strip()},
    )
    return request


def requests_flag_overdue(*, now: dt.datetime | None = None) -> int:
    """Flag open requests past their response or resolution deadline once, and tell the agency and the coordinator."""
    now = now or timezone.now()
    late = ServiceRequest.objects.filter(
        status__in=[RequestStatus.SUBMITTED, RequestStatus.POSTPONED, *_handling()], overdue_notified_at__isnull=True
    ).filter(_late(now))
    count = 0
    for request in late.select_related("region", "agency", "service").iterator():
        count += _flag_one(request, now)
    return count


def _handling() -> list[str]:
    return [RequestStatus.OPEN, RequestStatus.INVESTIGATING, RequestStatus.IN_PROGRESS, RequestStatus.ACTION_SCHEDULED]


def _late(now: dt.datetime) -> Q:
    return Q(responded_at__isnull=True, response_due_at__lt=now) | Q(
        resolved_at__isnull=True, resolution_due_at__lt=now
    )


@transaction.atomic
def _flag_one(request: ServiceRequest, now: dt.datetime) -> int:
    if (
        ServiceRequest.objects.filter(pk=request.pk, overdue_notified_at__isnull=True).update(overdue_notified_at=now)
        != 1
    ):
        return 0
    audit.record(actor=None, action=AuditAction.REQUEST_OVERDUE, target=request, region=request.region)
    recipients = _overdue_recipients(request)
    if recipients:
        subject = _("Overdue request #%(id)s: %(service)s") % {"id": request.pk, "service": request.service.name}
        body = _("Request #%(id)s to %(agency)s is past its deadline.") % {
            "id": request.pk,
            "agency": request.agency.name,
        }
        transaction.on_commit(lambda: send_mail(subject, body, None, recipients, fail_silently=True))
    return 1


def _overdue_recipients(request: ServiceRequest) -> list[str]:
    """The handling agency's staff and the region's coordinators (Diskominfo) with an e-mail address."""
    memberships = Membership.objects.active().filter(region=request.region).select_related("user")
    chosen = [
        m.user.email
        for m in memberships
        if m.user.email and (m.agency_id == request.agency_id or m.role == Role.DISKOMINFO_OFFICER)
    ]
    return sorted(set(chosen))


# --- public comments ----------------------------------------------------------------------------

COMMENT_REQUIRED = gettext_noop("Write the comment.")


@transaction.atomic
def request_comment(
    *, request: ServiceRequest, note: str, actor: User | None, via: str, details: dict[str, str] | None = None
) -> RequestUpdate:
    """Add a public comment to a request's history; its status stays (the handling agency owns it).

    `actor` is None when a keyed Open311 client forwards the comment (`via` names the client); a user must be
    the citizen who sent the request or staff handling it.
    """
    if actor is None and request.is_secret:
        raise NotAllowed(_(NOT_PERMITTED))  # a client sees only public requests
    if actor is not None and not (
        request.citizen_id == actor.pk
        or has_perm(actor, Perm.REQUEST_COORDINATE, request.region)
        or has_perm(actor, Perm.REQUEST_HANDLE, request.region, request.agency)
    ):
        raise NotAllowed(_(NOT_PERMITTED))
    text = note.strip()
    if not text:
        raise RequestError(_(COMMENT_REQUIRED), field="description")
    if len(text) > 4000:
        raise RequestError(_(DESCRIPTION_TOO_LONG), field="description")
    if HTML_TAG.search(text):
        raise RequestError(_(DESCRIPTION_HTML), field="description")
    update = RequestUpdate.objects.create(
        region=request.region, request=request, status=request.status, note=text, actor=actor
    )
    # A comment is an update of the request (Open311's updated_datetime; the public page's copy).
    ServiceRequest.objects.filter(pk=request.pk).update(updated_at=update.created_at)
    request.updated_at = update.created_at
    audit.record(
        actor=actor,
        action=AuditAction.REQUEST_COMMENTED,
        target=request,
        region=request.region,
        after={"update": update.pk, "via": via, **(details or {})},
    )
    return update
