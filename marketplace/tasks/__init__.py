"""Celery discovers ``marketplace.tasks``: each module's tasks are imported here."""

from marketplace.tasks.exchanges import exchanges_auto_confirm
from marketplace.tasks.funds import (
    contribution_receipt_email,
    contribution_receipts_catch_up,
    funds_check_periodic,
)
from marketplace.tasks.ledger import ledger_check_periodic
from marketplace.tasks.needs import project_need_alerts

__all__ = [
    "contribution_receipt_email",
    "contribution_receipts_catch_up",
    "exchanges_auto_confirm",
    "funds_check_periodic",
    "ledger_check_periodic",
    "project_need_alerts",
]
