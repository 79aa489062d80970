"""Reads of the time ledger: accounts, statements with running balance, figures."""

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, time, timedelta

from django.core.cache import cache
from django.db.models import (
    Case,
    Count,
    F,
    IntegerField,
    Max,
    Q,
    QuerySet,
    Sum,
    When,
)
from django.db.models.functions import Coalesce, TruncMonth
from django.utils import timezone
from django.utils.translation import gettext as _

from governance.models import Membership
from marketplace.models import TimeAccount, TimeTransfer
from projects.models import Project, ProjectStatus


def time_account_list() -> QuerySet[TimeAccount]:
    """Every account with its owner's names joined (one query per page)."""
    return TimeAccount.objects.select_related("owner_member__user", "project").order_by(
        "kind", "id"
    )


def time_account_get(*, pk: int) -> TimeAccount | None:
    return time_account_list().filter(pk=pk).first()


def time_account_of_user(*, user) -> TimeAccount | None:
    """The person's account if it exists (reads never create one)."""
    if user is None or not user.is_authenticated:
        return None
    return time_account_list().filter(owner_member__user_id=user.pk).first()


def time_transfer_statement(*, account: TimeAccount) -> QuerySet[TimeTransfer]:
    """The account's transfers, newest first, each annotated with ``signed_minutes``
    (positive in, negative out) and ``balance_after`` (the running balance stored when
    the transfer was written) and with the other party joined."""
    incoming = Q(payee_id=account.pk)
    return (
        TimeTransfer.objects.filter(Q(payer_id=account.pk) | incoming)
        .select_related(
            "payer__owner_member__user",
            "payer__project",
            "payee__owner_member__user",
            "payee__project",
            "created_by",
        )
        .annotate(
            signed_minutes=Case(
                When(incoming, then=F("minutes")),
                default=-F("minutes"),
                output_field=IntegerField(),
            ),
            balance_after=Case(
                When(incoming, then=F("payee_balance_after")),
                default=F("payer_balance_after"),
                output_field=IntegerField(),
            ),
        )
        .order_by("-id")
    )


class StatementPages:
    """The statement for a paginator, read in two steps per page: the page's ids from
    the payer/payee indexes, then only those rows with their joins. One query more
    than a joined slice, but the joins (five tables) never run over the account's
    whole history nor hash the whole accounts table."""

    def __init__(self, *, account: TimeAccount) -> None:
        self._joined = time_transfer_statement(account=account)
        self._ids = (
            TimeTransfer.objects.filter(Q(payer_id=account.pk) | Q(payee_id=account.pk))
            .order_by("-id")
            .values_list("pk", flat=True)
        )

    def count(self) -> int:
        return self._ids.count()

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, index):
        if not isinstance(index, slice):
            return self[index : index + 1][0]
        ids = list(self._ids[index])
        rows = {row.pk: row for row in self._joined.filter(pk__in=ids)} if ids else {}
        return [rows[pk] for pk in ids]


@dataclass(frozen=True)
class MonthTotals:
    month: datetime
    received_minutes: int
    given_minutes: int

    @property
    def net_minutes(self) -> int:
        return self.received_minutes - self.given_minutes


def time_account_monthly_totals(*, account: TimeAccount, months: int = 12) -> list[MonthTotals]:
    """Minutes received and given per month, newest month first (one query)."""
    rows = (
        TimeTransfer.objects.filter(Q(payer_id=account.pk) | Q(payee_id=account.pk))
        .annotate(month=TruncMonth("created_at"))
        .values("month")
        .annotate(
            received=Coalesce(Sum("minutes", filter=Q(payee_id=account.pk)), 0),
            given=Coalesce(Sum("minutes", filter=Q(payer_id=account.pk)), 0),
        )
        .order_by("-month")[:months]
    )
    return [MonthTotals(r["month"], r["received"], r["given"]) for r in rows]


def ledger_monthly_figures(*, months: int = 12) -> list[dict]:
    """Hours exchanged per month and how many member accounts took part (public)."""
    # Only the months shown are read: the created_at index bounds the scan, whatever
    # the length of the history.
    today = timezone.localdate()
    first_month = today.replace(day=1)
    for _month in range(months - 1):
        first_month = (first_month - timedelta(days=1)).replace(day=1)
    since = timezone.make_aware(datetime.combine(first_month, time.min))
    rows = (
        TimeTransfer.objects.filter(reverses__isnull=True, created_at__gte=since)
        .annotate(month=TruncMonth("created_at"))
        .values("month")
        .annotate(
            minutes=Sum("minutes"),
            transfers=Count("id"),
        )
        .order_by("-month")[:months]
    )
    return list(rows)


LEDGER_TOTALS_CACHE_SECONDS = 3600


def ledger_totals() -> dict[str, int]:
    """Overall figures for the public pages.

    They sum the whole history, so they are cached under a key made of the newest
    transfer and account ids (one indexed query): any transfer, reversal or new account
    changes the key, and the figures are summed again only then.
    """
    newest_transfer = TimeTransfer.objects.aggregate(newest=Max("id"))["newest"]
    newest_account = TimeAccount.objects.aggregate(newest=Max("id"))["newest"]
    key = f"marketplace:ledger-totals:{newest_transfer}:{newest_account}"
    totals = cache.get(key)
    if totals is None:
        totals = _ledger_totals_summed()
        cache.set(key, totals, LEDGER_TOTALS_CACHE_SECONDS)
    return totals


def _ledger_totals_summed() -> dict[str, int]:
    transfers = TimeTransfer.objects.filter(reverses__isnull=True, reversal__isnull=True)
    exchanged = transfers.aggregate(minutes=Coalesce(Sum("minutes"), 0), count=Count("id"))
    active_accounts = (
        TimeAccount.objects.filter(kind="member")
        .filter(Q(transfers_out__isnull=False) | Q(transfers_in__isnull=False))
        .distinct()
        .count()
    )
    return {
        "minutes": exchanged["minutes"],
        "transfers": exchanged["count"],
        "active_members": active_accounts,
        "accounts": TimeAccount.objects.count(),
    }


def ledger_integrity_problems() -> list[str]:
    """Every difference between the stored balances and the transfers' history: the sum
    of all balances must be zero and each balance must equal its transfers' sum."""
    problems = []
    total = TimeAccount.objects.aggregate(total=Coalesce(Sum("balance_minutes"), 0))["total"]
    if total != 0:
        problems.append(f"The balances sum to {total} minutes instead of 0.")
    # Two GROUP BYs over the transfers (one pass each, hash-aggregated) rather than two
    # correlated subqueries per account: a million transfers check in well under 2 s.
    history: dict[int, int] = defaultdict(int)
    for side, sign in (("payee_id", 1), ("payer_id", -1)):
        for account_id, minutes in (
            TimeTransfer.objects.order_by().values(side).annotate(total=Sum("minutes"))
        ).values_list(side, "total"):
            history[account_id] += sign * minutes
    balances = TimeAccount.objects.order_by("pk").values_list("pk", "balance_minutes")
    for account_id, balance in balances.iterator(chunk_size=5000):
        if balance != history.get(account_id, 0):
            problems.append(
                f"Account #{account_id}: balance {balance} minutes, "
                f"transfers sum to {history.get(account_id, 0)}."
            )
    below = TimeAccount.objects.filter(balance_minutes__lt=-F("credit_limit_minutes"))
    for account in below.order_by("pk"):
        problems.append(
            f"Account #{account.pk}: balance {account.balance_minutes} is below its limit "
            f"of -{account.credit_limit_minutes}."
        )
    return problems


def time_recipients_choices(*, exclude_user_id: int | None = None) -> list[tuple[str, str]]:
    """Who can receive hours on the "give hours" form: admitted members ("m<id>"),
    running projects ("p<id>") and the cooperative ("c"); two queries."""
    members = (
        Membership.objects.active()
        .select_related("user")
        .exclude(user_id=exclude_user_id)
        .order_by("user__last_name", "user__first_name", "pk")
    )
    projects = Project.objects.filter(
        status__in=[ProjectStatus.SELECTED, ProjectStatus.IN_PROGRESS]
    ).order_by("title")
    return [
        *((f"m{m.pk}", m.display_name) for m in members),
        *((f"p{p.pk}", str(p)) for p in projects),
        ("c", str(_("The cooperative"))),
    ]


def time_account_list_of_user(*, user) -> QuerySet[TimeAccount]:
    """The person's own account and those of the projects they author (one query)."""
    if user is None or not user.is_authenticated:
        return TimeAccount.objects.none()
    authored = Project.authors.through.objects.filter(user_id=user.pk).values("project_id")
    return (
        time_account_list()
        .filter(Q(owner_member__user_id=user.pk) | Q(project_id__in=authored))
        .order_by("kind", "pk")
    )
