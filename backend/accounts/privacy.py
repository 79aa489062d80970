"""Personal data (RGPD): a person downloads everything the platform holds about them,
and may ask for its erasure.

``backend`` stands left of every app (DESIGN.md), so it cannot read their tables: each
app registers a ``PrivacySection`` from its ``AppConfig.ready`` — what it exports of a
person, and how it anonymises them. Erasure keeps what the law or the other members
need intact (the time ledger, fund movements, the share register line under the
membership number, ballots, vote results): only what identifies the person goes.
"""

import csv
import io
import json
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import rules
from django.contrib.contenttypes.models import ContentType
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models, transaction
from django.db.models import Value
from django.db.models.functions import Replace
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from backend.accounts.models import ERASED_EMAIL_DOMAIN, User
from backend.core.errors import ApplicationError
from backend.core.locks import lock_row
from backend.core.models import AuditEvent, IdempotencyRecord
from backend.core.permissions import COORDINATE
from backend.core.services import audit_record

Rows = list[dict[str, Any]]
Exporter = Callable[[User], dict[str, Rows]]
Eraser = Callable[[User], dict[str, int]]

ARCHIVE_VERSION = 1


class PrivacyError(ApplicationError):
    pass


@dataclass(frozen=True)
class PrivacySection:
    """One app's part: ``export`` returns {table name: rows}; ``erase`` anonymises the
    person's rows and returns {what: how many}. Both run inside the caller's transaction."""

    name: str
    export: Exporter
    erase: Eraser | None = None
    order: int = 100


_SECTIONS: dict[str, PrivacySection] = {}


def privacy_section_register(section: PrivacySection) -> None:
    """Add or replace a section (apps call it from their AppConfig.ready)."""
    _SECTIONS[section.name] = section


def privacy_sections() -> list[PrivacySection]:
    return sorted(_SECTIONS.values(), key=lambda s: (s.order, s.name))


def erased_email(user_pk: int) -> str:
    return f"erased-{user_pk}@{ERASED_EMAIL_DOMAIN}"


def audit_scrub(model: type[models.Model], pks) -> int:
    """Rewrite the label of audit events about these objects (it may hold a name): the
    event itself — who, what, when, the object's id — stays."""
    pks = [str(pk) for pk in pks]
    if not pks:
        return 0
    return AuditEvent.objects.filter(
        target_type=ContentType.objects.get_for_model(model), target_id__in=pks
    ).update(target_repr=f"{model._meta.model_name} #erased")


# ---------------------------------------------------------------- export


def personal_data_collect(*, user: User) -> dict[str, dict[str, Rows]]:
    """Everything the apps hold about ``user``: {section: {table: rows}}."""
    return {section.name: section.export(user) for section in privacy_sections()}


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, dict | list):
        return json.dumps(value, cls=DjangoJSONEncoder, ensure_ascii=False)
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _csv_of(rows: Rows) -> str:
    columns: list[str] = []
    for row in rows:
        columns.extend(key for key in row if key not in columns)
    out = io.StringIO()
    out.write("\ufeff")  # spreadsheet programs then read UTF-8 correctly
    writer = csv.writer(out)
    writer.writerow(columns)
    for row in rows:
        writer.writerow([_cell(row.get(column)) for column in columns])
    return out.getvalue()


_README = _(
    "Terreau: the personal data the platform holds about you, on {date}.\n\n"
    "data.json holds everything in one file; each folder holds the same data as CSV "
    "tables, one per kind of record. Ballots of secret votes are not linked to you: "
    "only the fact that you voted is listed. Amounts of money are in cents, durations "
    "in minutes.\n"
)


def _export_audit(*, actor: User, user: User, data: dict, fmt: str) -> None:
    counts = {table: len(rows) for tables in data.values() for table, rows in tables.items()}
    audit_record(actor=actor, action="privacy.export", target=user, data={"format": fmt, **counts})


@transaction.atomic
def personal_data_document(*, actor: User, user: User) -> dict[str, Any]:
    """The person's data as one JSON-ready document, audited."""
    _check_may_act(actor=actor, user=user)
    data = personal_data_collect(user=user)
    _export_audit(actor=actor, user=user, data=data, fmt="json")
    return {"version": ARCHIVE_VERSION, "exported_at": timezone.now(), "user_id": user.pk, **data}


@transaction.atomic
def personal_data_archive(*, actor: User, user: User) -> bytes:
    """The person's data as a zip (``data.json`` and one CSV per table), audited."""
    _check_may_act(actor=actor, user=user)
    data = personal_data_collect(user=user)
    now = timezone.now()
    document = {"version": ARCHIVE_VERSION, "exported_at": now, "user_id": user.pk, **data}
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("README.txt", str(_README).format(date=now.date().isoformat()))
        archive.writestr(
            "data.json",
            json.dumps(document, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2),
        )
        for section, tables in data.items():
            for table, rows in tables.items():
                archive.writestr(f"{section}/{table}.csv", _csv_of(rows))
    _export_audit(actor=actor, user=user, data=data, fmt="zip")
    return buffer.getvalue()


# ---------------------------------------------------------------- erasure


@dataclass
class ErasureOutcome:
    user: User
    already_erased: bool = False
    counts: dict[str, int] = field(default_factory=dict)


def _check_may_act(*, actor: User, user: User) -> None:
    if actor is None or not actor.is_authenticated:
        raise PrivacyError(_("Log in first."), code="not_authenticated", status_code=401)
    if not actor.has_perm("accounts.manage_personal_data", user):
        raise PrivacyError(
            _("Only the person or a coordinator may do this."),
            code="permission_denied",
            status_code=403,
        )


def _account_export(user: User) -> dict[str, Rows]:
    from allauth.account.models import EmailAddress

    account = {
        "id": user.pk,
        "email": user.email,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "language": user.language,
        "date_joined": user.date_joined,
        "last_login": user.last_login,
        "is_active": user.is_active,
        "is_coordinator": rules.has_perm(COORDINATE, user),  # the rule: no model-backend query
    }
    addresses = [
        {"email": e.email, "verified": e.verified, "primary": e.primary}
        for e in EmailAddress.objects.filter(user=user).order_by("id")
    ]
    activity = [
        {
            "when": e.created_at,
            "action": e.action,
            "object_type": e.target_type.model if e.target_type_id else "",
            "object_id": e.target_id,
            "object": e.target_repr,
        }
        for e in AuditEvent.objects.filter(actor=user)
        .select_related("target_type")
        .order_by("created_at", "id")
    ]
    return {"account": [account], "email_addresses": addresses, "activity": activity}


def _account_erase(user: User) -> dict[str, int]:
    from allauth.account.models import EmailAddress
    from allauth.mfa.models import Authenticator
    from rest_framework.authtoken.models import Token

    counts = {
        "email_addresses": EmailAddress.objects.filter(user=user).delete()[0],
        "authenticators": Authenticator.objects.filter(user=user).delete()[0],
        "tokens": Token.objects.filter(user=user).delete()[0],
        "idempotency_records": IdempotencyRecord.objects.filter(user=user).delete()[0],
    }
    full_name = user.get_full_name()
    if len(full_name) >= 5:
        # Labels of other objects that spelt the name (an account, a membership…).
        counts["audit_names"] = AuditEvent.objects.filter(target_repr__contains=full_name).update(
            target_repr=Replace("target_repr", Value(full_name), Value("—"))
        )
    user.groups.clear()
    user.user_permissions.clear()
    user.email = erased_email(user.pk)
    user.first_name = ""
    user.last_name = ""
    user.is_active = False
    user.is_staff = False
    user.is_superuser = False
    # An unusable password also changes the session hash: open sessions end at once.
    user.set_unusable_password()
    user.save(
        update_fields=[
            "email",
            "first_name",
            "last_name",
            "is_active",
            "is_staff",
            "is_superuser",
            "password",
        ]
    )
    counts["audit_labels"] = audit_scrub(User, [user.pk])
    return counts


privacy_section_register(
    PrivacySection(name="account", export=_account_export, erase=_account_erase, order=0)
)


@transaction.atomic
def personal_data_erase(
    *, actor: User, user: User, password: str | None = None, reason: str = ""
) -> ErasureOutcome:
    """Anonymise the person everywhere; the account can no longer log in.

    The person confirms with their password; a coordinator acting for someone gives a
    reason. Running it twice changes nothing more (the second call reports it)."""
    _check_may_act(actor=actor, user=user)
    acting_for_self = actor.pk == user.pk
    if acting_for_self:
        if not password or not user.check_password(password):
            raise PrivacyError(
                _("The password is not correct."),
                code="wrong_password",
                errors={"password": [str(_("The password is not correct."))]},
            )
    else:
        if not reason.strip():
            raise PrivacyError(
                _("Give the reason for this erasure."),
                code="reason_required",
                errors={"reason": [str(_("This field is required."))]},
            )
        if not actor.has_perm("accounts.erase_account", user):
            raise PrivacyError(
                _("Only a superuser may erase a coordinator's account."),
                code="protected_account",
                status_code=403,
            )
    # The person's row lock serialises two erasures (a double click, a retry).
    locked = lock_row(User, user.pk)
    if locked.is_erased:
        return ErasureOutcome(user=locked, already_erased=True)
    counts: dict[str, int] = {}
    # The apps first, the account last: they may still match the person's e-mail.
    for section in reversed(privacy_sections()):
        if section.erase is not None:
            for what, number in section.erase(locked).items():
                counts[f"{section.name}.{what}"] = number
    audit_record(
        actor=actor,
        action="privacy.erase",
        target=locked,
        data={"by": "self" if acting_for_self else "coordinator", "reason": reason, **counts},
    )
    return ErasureOutcome(user=locked, counts=counts)
