"""Many simultaneous confirmations of one exchange, on PostgreSQL: one transfer."""

import pytest

from marketplace.errors import MarketplaceError
from marketplace.models import Exchange, TimeTransfer
from marketplace.selectors.ledger import ledger_integrity_problems
from marketplace.services.exchanges import exchange_transition
from tests.concurrency import run_concurrently
from tests.factories import ExchangeFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_simultaneous_confirmations_post_exactly_one_transfer():
    # given an exchange marked done
    exchange = ExchangeFactory(status="done", minutes=60)
    receiver = exchange.receiver.user

    def confirm():
        return exchange_transition(
            actor=receiver, exchange=Exchange(pk=exchange.pk), action="confirm"
        ).status

    # when ten requests confirm it at once
    results = run_concurrently([confirm] * 10)

    # then one succeeded, the others met a conflict, and one transfer was posted
    assert results.count("confirmed") == 1, results
    conflicts = [r for r in results if isinstance(r, MarketplaceError)]
    assert len(conflicts) == 9
    assert {c.status_code for c in conflicts} == {409}
    assert TimeTransfer.objects.filter(exchange_id=exchange.pk).count() == 1
    assert ledger_integrity_problems() == []
