import logging
from datetime import timedelta

from celery import shared_task
from django.db.models import CharField, Exists, OuterRef, Value
from django.db.models.functions import Cast, Concat
from django.utils import timezone

from backend.core.models import OutboxEmail
from marketplace.models import Contribution, ContributionStatus
from marketplace.services.contributions import contribution_receipt_send
from marketplace.services.funds import funds_integrity_problems

logger = logging.getLogger(__name__)


@shared_task(acks_late=True)
def contribution_receipt_email(contribution_id: int) -> bool:
    # The outbox key ``receipt:<id>`` makes it safe to run twice.
    return contribution_receipt_send(contribution_id=contribution_id)


@shared_task
def contribution_receipts_catch_up() -> int:
    """Queue receipts that never were (payments recorded before the outbox existed):
    every paid contribution gets its receipt in the end."""
    cutoff = timezone.now() - timedelta(minutes=15)
    queued = OutboxEmail.objects.filter(
        key=Concat(Value("receipt:"), Cast(OuterRef("pk"), CharField()))
    )
    ids = list(
        Contribution.objects.filter(
            status__in=[ContributionStatus.PAID, ContributionStatus.REFUNDED],
            receipt_number__isnull=False,
            paid_at__lt=cutoff,
        )
        .exclude(email="")
        .exclude(Exists(queued))
        .values_list("pk", flat=True)[:500]
    )
    for pk in ids:
        contribution_receipt_email.delay(pk)
    return len(ids)


@shared_task
def funds_check_periodic() -> int:
    """The nightly version of ``manage.py funds_check``: logs every difference."""
    problems = funds_integrity_problems()
    for problem in problems:
        logger.error("funds_check: %s", problem)
    return len(problems)
