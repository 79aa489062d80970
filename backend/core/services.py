from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models

from backend.core.models import AuditEvent


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
