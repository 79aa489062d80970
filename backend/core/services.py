import datetime
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.utils.translation import gettext as _

from backend.core.errors import ApplicationError
from backend.core.models import AuditEvent, DigestFrequency, DigestPreference


def audit_record(
    *, actor, action: str, target: models.Model | None = None, data: dict[str, Any] | None = None
) -> AuditEvent:
    """Append one audit row; call it inside the service's transaction."""
    return AuditEvent.objects.create(
        actor=actor if actor is not None and actor.is_authenticated else None,
        action=action,
        target_type=ContentType.objects.get_for_model(target) if target is not None else None,
        target_id=str(target.pk) if target is not None else "",
        target_repr=str(target)[:255] if target is not None else "",
        data=data or {},
    )


@transaction.atomic
def digest_preference_set(*, actor, user, frequency: str) -> DigestPreference:
    if frequency not in DigestFrequency.values:
        raise ApplicationError(_("Unknown digest frequency."), code="invalid")
    preference, _created = DigestPreference.objects.update_or_create(
        user=user, defaults={"frequency": frequency}
    )
    audit_record(actor=actor, action="digest.preference", target=preference,
                 data={"frequency": frequency})  # fmt: skip
    return preference


def digest_send(*, user, frequency: str, now: datetime.datetime) -> bool:
    """Compose and enqueue this person's digest for the period of ``now``; False when it
    is empty or was enqueued already (the outbox key names the person and the period)."""
    from backend.core.digest import (
        digest_compose,
        period_key,
        period_since,
        unsubscribe_url,
    )
    from backend.core.outbox import email_user

    sections = digest_compose(user=user, since=period_since(frequency, now), until=now)
    if not sections:
        return False
    url = unsubscribe_url(user)
    with transaction.atomic():
        sent = email_user(
            user=user,
            template_prefix="core/email/digest",
            context={"sections": sections, "frequency": frequency, "unsubscribe_url": url},
            key=f"digest:{user.pk}:{period_key(frequency, now)}",
            headers={
                "List-Unsubscribe": f"<{url}>",
                "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            },
        )
    return sent is not None
