import logging

from celery import shared_task

from marketplace.selectors.ledger import ledger_integrity_problems

logger = logging.getLogger(__name__)


@shared_task
def ledger_check_periodic() -> int:
    """The nightly version of ``manage.py ledger_check``: logs every difference."""
    problems = ledger_integrity_problems()
    for problem in problems:
        logger.error("ledger_check: %s", problem)
    return len(problems)
