"""Every row lock of Terreau goes through here.

Two transactions that lock the same rows in different orders can deadlock. Terreau
avoids it with one global order: tables are locked in the order of ``LOCK_ORDER`` (a
transaction may skip tables, never go back to an earlier one), and rows of one table in
primary-key order (``lock_rows`` sorts them). Locks are taken by services only, never
by selectors: a read must not block a write.

With ``TERREAU_LOCK_ORDER_CHECK`` on (the whole test suite, see ``tests/conftest.py``),
locking a table that comes before one already locked in the same transaction raises
``LockOrderError``. A test that runs inside one transaction of its own (pytest-django's
default) would make every service call of the test one window; the suite marks how many
``atomic`` blocks the test itself opened, and the window is then the outermost block
opened by application code.
"""

from collections.abc import Iterable

from django.conf import settings
from django.db import connections, models, router, transaction

# Model labels, in the order their rows may be locked within one transaction. Derived
# from what the services lock, and in which order, when one write needs several rows:
#
# - accounts.User first: erasure locks the person, then each app erases its part
#   (pioneers_erase locks the Pioneer rows); an application locks its author.
# - pioneers.Application before governance.Membership: deciding an application locks
#   it, then admits the person through governance (membership_apply/admit); Pioneer
#   rows come with the applications (erasure, profile changes lock them alone).
# - governance.RepresentativeElection → Vote: putting an election to the vote locks the
#   election (no candidacy slips in meanwhile), then creates (and may open) its vote.
# - governance.Vote → Ballot: a ballot holds its vote FOR SHARE (the close's FOR UPDATE
#   waits for ballots being cast), then the ballot it replaces. Before the assemblies:
#   no request locks both, and the bench's seeder (one transaction, bench/scale.py)
#   closes its vote, then its resolution.
# - governance.Assembly → Resolution → Membership: a resolution's vote locks the
#   assembly (it checks the voter in), the resolution, then the voter's and the
#   represented member's memberships in primary-key order; closing an assembly closes
#   its resolutions; attendance and proxies lock the assembly, then the memberships.
# - governance.Membership → ShareSubscription → CooperativeSettings → Charter: shares
#   lock the holder, then the subscription; admitting a candidate locks the membership,
#   then the settings row that serialises membership numbers.
# - projects.Project → Comment: the project's counters, then a comment.
# - marketplace: Listing → Exchange → TimeAccount (a confirmed exchange moves hours:
#   both accounts in primary-key order), and Contribution → ReceiptCounter → Fund (a
#   payment locks its contribution, takes the year's receipt number, then moves the
#   fund's total; a refund locks the fund after the contribution as well).
# - core.OutboxEmail last: the sender task locks the messages it sends, alone.
#
# Apps otherwise come in the dependency order of the README. New apps take the places
# marked below; a test run fails on any lock of a table that is missing here.
LOCK_ORDER: tuple[str, ...] = (
    "accounts.User",
    "pioneers.Application",
    "pioneers.Pioneer",
    "governance.RepresentativeElection",
    "governance.Vote",
    "governance.Ballot",
    "governance.Assembly",
    "governance.Resolution",
    "governance.Membership",
    "governance.ShareSubscription",
    "governance.CooperativeSettings",
    "governance.Charter",
    "governance.CoordinatorThread",
    "projects.Project",
    "projects.Comment",
    # events: the event row serialises its seats and waiting list.
    "events.Event",
    # commons: a seat, then a resource, then a directory entry.
    "commons.CommitteeMember",
    "commons.Resource",
    "commons.Entry",
    "marketplace.Listing",
    "marketplace.Exchange",
    "marketplace.TimeAccount",
    "marketplace.Contribution",
    "marketplace.ReceiptCounter",
    "marketplace.Fund",
    # observatory: a grid version, then the assessments under it, then the refresh state.
    "observatory.GridVersion",
    "observatory.Assessment",
    "observatory.ObservatoryState",
    "core.OutboxEmail",
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


def _window(connection) -> str | None:
    """The savepoint of the outermost ``atomic`` block opened by application code when a
    test holds the whole test in its own transaction (``_terreau_lock_base_depth`` is the
    number of blocks the test opened); ``None`` when the window is the real transaction."""
    base = getattr(connection, "_terreau_lock_base_depth", 0)
    if base and len(connection.atomic_blocks) > base:
        return connection.savepoint_ids[base - 1]
    return None


def _check_order(queryset: models.QuerySet) -> None:
    if not getattr(settings, "TERREAU_LOCK_ORDER_CHECK", False):
        return
    label = queryset.model._meta.label
    if label not in LOCK_ORDER:
        raise LockOrderError(f"{label} is locked but not listed in backend.core.locks.LOCK_ORDER")
    connection = connections[router.db_for_write(queryset.model)]
    position = LOCK_ORDER.index(label)
    state = getattr(connection, "_terreau_lock_state", None)
    window = _window(connection)
    if window is not None:
        # Savepoint ids are never reused: another id is another call of a service.
        if state is None or state[0] != window:
            state = (window, position, label)
    elif (
        state is None
        or isinstance(state[0], str)
        or all(entry[1] is not state[0] for entry in connection.run_on_commit)
    ):
        sentinel = _Sentinel()
        transaction.on_commit(sentinel, using=connection.alias)
        state = (sentinel, position, label)
    if position < state[1]:
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


def lock_row(model_or_queryset, pk=None, *, of: tuple[str, ...] = (), **lookup) -> models.Model:
    """Lock one row and return it fresh; raises the model's ``DoesNotExist``. With a
    ``select_related`` queryset, ``of=("self",)`` locks only this table's row."""
    queryset = _queryset(model_or_queryset)
    if pk is not None:
        lookup["pk"] = pk
    _check_order(queryset)
    return queryset.select_for_update(of=of).get(**lookup)


def lock_row_shared(model, pk) -> models.Model:
    """``SELECT … FOR SHARE`` one row (PostgreSQL): many transactions may hold it at once,
    a ``lock_row`` of it waits for all of them. Elsewhere a plain read (SQLite has one
    writer at a time anyway). Same place in the global order as ``lock_row``."""
    queryset = _queryset(model)
    _check_order(queryset)
    connection = connections[router.db_for_write(queryset.model)]
    if connection.vendor != "postgresql":
        return queryset.get(pk=pk)
    table = connection.ops.quote_name(queryset.model._meta.db_table)
    return queryset.raw(f"SELECT * FROM {table} WHERE id = %s FOR SHARE", [pk])[0]  # noqa: S608
