"""Erasure under concurrent writers (PostgreSQL): one erasure, ledgers still balanced."""

import pytest

from backend.accounts import privacy
from backend.core.models import AuditEvent
from marketplace.selectors.ledger import ledger_integrity_problems
from marketplace.services.ledger import time_account_for_member, time_transfer_create
from tests.concurrency import run_concurrently
from tests.factories import MembershipFactory, UserFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_concurrent_erasures_of_one_person_erase_once(coordinator, colleges):
    person = UserFactory(email="camille@example.org")
    MembershipFactory(user=person, college=colleges["fondateurs"], shares=1)
    results = run_concurrently(
        [
            lambda: privacy.personal_data_erase(actor=coordinator, user=person, reason="demande")
            for _ in range(6)
        ]
    )
    assert all(isinstance(r, privacy.ErasureOutcome) for r in results), results
    assert sorted(r.already_erased for r in results) == [False] + [True] * 5
    assert AuditEvent.objects.filter(action="privacy.erase").count() == 1


def test_erasure_while_the_person_is_paid_keeps_the_ledger_balanced(coordinator, colleges):
    person = UserFactory(email="dominique@example.org")
    payee = time_account_for_member(
        membership=MembershipFactory(user=person, college=colleges["fondateurs"])
    )
    payers = [
        time_account_for_member(membership=MembershipFactory(college=colleges["fondateurs"]))
        for _ in range(5)
    ]
    workers = [
        (lambda p=p: time_transfer_create(actor=None, payer=p, payee=payee, minutes=30))
        for p in payers
    ]
    workers.append(
        lambda: privacy.personal_data_erase(actor=coordinator, user=person, reason="demande")
    )
    results = run_concurrently(workers)
    assert not [r for r in results if isinstance(r, Exception)], results
    payee.refresh_from_db()
    assert payee.balance_minutes == 150
    assert ledger_integrity_problems() == []
