"""The lock-order check's window inside a test held in one transaction (pytest-django's
default): each outermost ``atomic`` block opened by application code is a transaction."""

import pytest
from django.db import transaction

from backend.core import locks
from backend.core.locks import LockOrderError, lock_row, lock_rows
from backend.core.models import AuditEvent, OutboxEmail
from tests.locking import own_transaction

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _two_tables(monkeypatch):
    monkeypatch.setattr(locks, "LOCK_ORDER", ("core.AuditEvent", "core.OutboxEmail"))


def test_the_check_is_on_in_the_suite(settings):
    assert settings.TERREAU_LOCK_ORDER_CHECK is True


def test_two_service_calls_of_one_test_are_two_windows():
    with transaction.atomic():
        lock_rows(OutboxEmail)
    with transaction.atomic():
        lock_rows(AuditEvent)  # another call: starts afresh


def test_backwards_within_one_application_block_is_refused():
    with transaction.atomic():
        lock_rows(OutboxEmail)
        with pytest.raises(LockOrderError, match=r"core\.AuditEvent is locked after"):
            lock_rows(AuditEvent)


def test_a_nested_block_belongs_to_the_outermost_application_block():
    with transaction.atomic():
        with transaction.atomic():
            lock_rows(OutboxEmail)
        with transaction.atomic(), pytest.raises(LockOrderError):
            lock_rows(AuditEvent)


def test_the_same_table_again_is_fine():
    event = AuditEvent.objects.create(action="a")
    with transaction.atomic():
        lock_rows(AuditEvent)
        lock_row(AuditEvent, event.pk)
        lock_rows(OutboxEmail)


def test_a_tests_own_transaction_keeps_the_application_blocks_apart():
    with own_transaction():
        with transaction.atomic():
            lock_rows(OutboxEmail)
        with transaction.atomic():
            lock_rows(AuditEvent)
        with transaction.atomic():
            lock_rows(OutboxEmail)
            with pytest.raises(LockOrderError):
                lock_rows(AuditEvent)


def test_without_own_transaction_a_tests_block_is_one_window():
    # What own_transaction is for: a plain atomic() of the test is application-level.
    with transaction.atomic():
        with transaction.atomic():
            lock_rows(OutboxEmail)
        with transaction.atomic(), pytest.raises(LockOrderError):
            lock_rows(AuditEvent)


@pytest.mark.django_db(transaction=True)
def test_in_a_transactional_test_the_real_transaction_is_the_window():
    with transaction.atomic():
        lock_rows(OutboxEmail)
        with pytest.raises(LockOrderError):
            lock_rows(AuditEvent)
    with transaction.atomic():
        lock_rows(AuditEvent)
