"""Every row lock of Terreau goes through here.

Two transactions that lock the same rows in different orders can deadlock. Terreau
avoids it with one global order: tables are locked in the order of ``LOCK_ORDER`` (a
transaction may skip tables, never go back to an earlier one), and rows of one table in
primary-key order (``lock_rows`` sorts them). Locks are taken by services only, never
by selectors: a read must not block a write.

With ``TERREAU_LOCK_ORDER_CHECK`` on (the test suite), locking a table that comes
before one already locked in the same transaction raises ``LockOrderError``.
"""

from collections.abc import Iterable

from django.conf import settings
from django.db import connections, models, router, transaction

# Model labels, in the order their rows may be locked within one transaction.
LOCK_ORDER: tuple[str, ...] = (
    "observatory.GridVersion",
    "observatory.Assessment",
    "observatory.ObservatoryState",
)


class LockOrderError(RuntimeError):
    """A transaction locked a table out of the global order: a deadlock waiting to happen."""


def _queryset(model_or_queryset) -> models.QuerySet:
    if isinstance(model_or_queryset, models.QuerySet):
        return model_or_queryset
    if isinstance(model_or_queryset, models.Manager):
        return model_or_queryset.all()
    return model_or_queryset._default_manager.all()


class _Sentinel:
    """Registered with ``on_commit``: it disappears from the connection's list when the
    transaction commits or rolls back, which tells a new transaction from the old one."""

    def __call__(self) -> None:
        pass


def _check_order(queryset: models.QuerySet) -> None:
    if not getattr(settings, "TERREAU_LOCK_ORDER_CHECK", False):
        return
    label = queryset.model._meta.label
    if label not in LOCK_ORDER:
        raise LockOrderError(f"{label} is locked but not listed in backend.core.locks.LOCK_ORDER")
    connection = connections[router.db_for_write(queryset.model)]
    position = LOCK_ORDER.index(label)
    state = getattr(connection, "_terreau_lock_state", None)
    if state is None or all(entry[1] is not state[0] for entry in connection.run_on_commit):
        sentinel = _Sentinel()
        transaction.on_commit(sentinel, using=connection.alias)
        state = (sentinel, position, label)
    elif position < state[1]:
        raise LockOrderError(
            f"{label} is locked after {state[2]} in the same transaction: "
            "see backend.core.locks.LOCK_ORDER"
        )
    connection._terreau_lock_state = (state[0], max(position, state[1]), label)


def lock_rows(
    model_or_queryset,
    pks: Iterable[int] | None = None,
    *,
    skip_locked: bool = False,
    of: tuple[str, ...] = (),
) -> list[models.Model]:
    """``SELECT … FOR UPDATE`` the rows (those of ``pks`` when given) in primary-key order.
    Call it inside ``transaction.atomic``."""
    queryset = _queryset(model_or_queryset)
    if pks is not None:
        queryset = queryset.filter(pk__in=sorted(set(pks)))
    _check_order(queryset)
    return list(queryset.select_for_update(skip_locked=skip_locked, of=of).order_by("pk"))


def lock_row(model_or_queryset, pk=None, **lookup) -> models.Model:
    """Lock one row and return it fresh; raises the model's ``DoesNotExist``."""
    queryset = _queryset(model_or_queryset)
    if pk is not None:
        lookup["pk"] = pk
    _check_order(queryset)
    return queryset.select_for_update().get(**lookup)
