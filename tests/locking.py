"""A transaction opened by a test itself, seen by the lock-order check as the test's."""

from collections.abc import Iterator
from contextlib import contextmanager

from django.db import connections, transaction


@contextmanager
def own_transaction(using: str = "default") -> Iterator[None]:
    """``transaction.atomic()`` for a test's own use (rolling back each Hypothesis example,
    say): the application's blocks inside it stay separate transactions for the check of
    ``backend.core.locks`` instead of all becoming one."""
    connection = connections[using]
    with transaction.atomic(using=using):
        previous = getattr(connection, "_terreau_lock_base_depth", 0)
        connection._terreau_lock_base_depth = len(connection.atomic_blocks)
        try:
            yield
        finally:
            connection._terreau_lock_base_depth = previous
