"""The time ledger: accounts created on demand, transfers and their reversals.

Every function that moves minutes locks both accounts (``lock_rows``) in
primary-key order, so two transfers touching the same accounts queue instead of
deadlocking, and the credit-limit check sees the balance the update will change.
"""

from django.db import transaction
from django.db.models import F
from django.db.models.functions import Greatest
from django.utils.translation import gettext as _

from backend.accounts.models import User
from backend.core.idempotency import idempotent_create
from backend.core.locks import lock_row, lock_rows
from backend.core.services import audit_record
from governance.models import Membership, MembershipStatus
from marketplace.errors import MarketplaceError
from marketplace.models import (
    MEMBER_CREDIT_LIMIT_MINUTES,
    Listing,
    ProjectTimeGiver,
    TimeAccount,
    TimeAccountKind,
    TimeTransfer,
)
from projects.models import Project, ProjectNeed

# The key of an HTML form is its hidden token (the API's keys are the client's own).
TRANSFER_SCOPE_FORM = "marketplace.transfer.form"

MAX_TRANSFER_MINUTES = 100_000


def _account_opened(account: TimeAccount) -> None:
    audit_record(
        actor=None,
        action="time.account_open",
        target=account,
        data={"kind": account.kind, "credit_limit_minutes": account.credit_limit_minutes},
    )


def time_account_for_member(*, membership: Membership) -> TimeAccount:
    """The member's account, created on first use with the default credit limit."""
    if membership.status != MembershipStatus.MEMBER:
        raise MarketplaceError(
            _("Only admitted members hold a time account."), code="not_member", status_code=403
        )
    # The OneToOne constraint arbitrates a concurrent first use; get_or_create re-reads.
    account, created = TimeAccount.objects.get_or_create(
        owner_member=membership,
        defaults={
            "kind": TimeAccountKind.MEMBER,
            "credit_limit_minutes": MEMBER_CREDIT_LIMIT_MINUTES,
        },
    )
    if created:
        _account_opened(account)
    account.owner_member = membership
    return account


def time_account_for_user(*, user) -> TimeAccount:
    """The account of the person's membership; refused to non-members."""
    membership = (
        Membership.objects.select_related("user").filter(user_id=user.pk).first()
        if user is not None and user.is_authenticated
        else None
    )
    if membership is None:
        raise MarketplaceError(
            _("Only admitted members hold a time account."), code="not_member", status_code=403
        )
    return time_account_for_member(membership=membership)


def time_account_for_project(*, project: Project) -> TimeAccount:
    account, created = TimeAccount.objects.get_or_create(
        project=project, defaults={"kind": TimeAccountKind.PROJECT}
    )
    if created:
        _account_opened(account)
    return account


def time_account_cooperative() -> TimeAccount:
    account, created = TimeAccount.objects.get_or_create(
        kind=TimeAccountKind.COOPERATIVE, owner_member=None, project=None
    )
    if created:
        _account_opened(account)
    return account


def _check_minutes(minutes) -> int:
    if isinstance(minutes, bool) or not isinstance(minutes, int):
        raise MarketplaceError(
            _("The minutes must be a whole number."),
            code="invalid_minutes",
            errors={"minutes": [_("The minutes must be a whole number.")]},
        )
    if not 0 < minutes <= MAX_TRANSFER_MINUTES:
        raise MarketplaceError(
            _("The minutes must be between 1 and %(max)s.") % {"max": MAX_TRANSFER_MINUTES},
            code="invalid_minutes",
            errors={"minutes": [_("The minutes must be positive.")]},
        )
    return minutes


def _post(
    *,
    actor,
    locked: dict[int, TimeAccount],
    payer_id: int,
    payee_id: int,
    minutes: int,
    memo: str,
    reverses: TimeTransfer | None = None,
    exchange_id: int | None = None,
) -> TimeTransfer:
    """Move the minutes; the caller holds both accounts' locks (``locked``)."""
    source, target = locked[payer_id], locked[payee_id]
    if source.balance_minutes - minutes < -source.credit_limit_minutes:
        raise MarketplaceError(
            _(
                "This transfer would take the account below its credit limit "
                "(%(available)s minutes available)."
            )
            % {"available": source.available_minutes},
            code="credit_limit",
            status_code=409,
        )
    TimeAccount.objects.filter(pk=payer_id).update(balance_minutes=F("balance_minutes") - minutes)
    TimeAccount.objects.filter(pk=payee_id).update(balance_minutes=F("balance_minutes") + minutes)
    _project_givers_count(source=source, target=target, minutes=minutes, reverses=reverses)
    extra = {"exchange_id": exchange_id} if exchange_id is not None else {}
    return TimeTransfer.objects.create(
        payer_id=payer_id,
        payee_id=payee_id,
        minutes=minutes,
        memo=memo,
        payer_balance_after=source.balance_minutes - minutes,
        payee_balance_after=target.balance_minutes + minutes,
        reverses=reverses,
        created_by=actor if actor is not None and actor.is_authenticated else None,
        **extra,
    )


def _project_givers_count(
    *, source: TimeAccount, target: TimeAccount, minutes: int, reverses: TimeTransfer | None
) -> None:
    """Who gave a project's account how much (net of reversals): the caller holds both
    accounts' locks, so the counter row is never raced."""
    if reverses is not None:
        if source.kind == TimeAccountKind.PROJECT:  # a gift to the project taken back
            ProjectTimeGiver.objects.filter(account_id=source.pk, giver_id=target.pk).update(
                minutes=F("minutes") - minutes
            )
        return
    if target.kind == TimeAccountKind.PROJECT:
        row, _created = ProjectTimeGiver.objects.get_or_create(
            account_id=target.pk, giver_id=source.pk
        )
        ProjectTimeGiver.objects.filter(pk=row.pk).update(minutes=F("minutes") + minutes)


@transaction.atomic
def time_transfer_create(
    *,
    actor: User | None,
    payer: TimeAccount,
    payee: TimeAccount,
    minutes: int,
    memo: str = "",
    exchange_id: int | None = None,
) -> TimeTransfer:
    """Move ``minutes`` from ``payer`` to ``payee`` (safe to retry: ``time_transfer_create_once``)."""
    if payer.pk == payee.pk:
        raise MarketplaceError(
            _("An account cannot pay itself."),
            code="self_transfer",
            errors={"to_account": [_("An account cannot pay itself.")]},
        )
    minutes = _check_minutes(minutes)
    locked = {a.pk: a for a in lock_rows(TimeAccount, [payer.pk, payee.pk])}
    transfer = _post(
        actor=actor,
        locked=locked,
        payer_id=payer.pk,
        payee_id=payee.pk,
        minutes=minutes,
        memo=memo.strip()[:500],
        exchange_id=exchange_id,
    )
    audit_record(
        actor=actor,
        action="time.transfer",
        target=transfer,
        data=_balances(transfer, payer=payer.pk, payee=payee.pk, minutes=minutes),
    )
    return transfer


def time_transfer_create_once(
    *, scope: str, key: str | None, reused_message: str | None = None, **transfer
) -> TimeTransfer:
    """``time_transfer_create`` made safe to retry with ``key`` (``backend.core.idempotency``):
    the same key and transfer give the first transfer back, the key with another transfer
    is a 409 (``reused_message``), two at once move the minutes once. The key is filed
    under the actor, or under the system's keys when there is none."""
    actor = transfer.get("actor")
    return idempotent_create(
        scope=scope,
        key=key,
        user=actor if actor is not None and actor.is_authenticated else None,
        model=TimeTransfer,
        create=time_transfer_create,
        values=transfer,
        reused_message=reused_message,
    )


def project_need_given_add(*, project_id: int, skill_id: int, minutes: int) -> None:
    """Move the counter of the hours a project's need received (the project page reads it,
    never a sum of history): up when help on its request is paid, down when that payment
    is reversed. The caller holds the accounts' locks of the transfer."""
    ProjectNeed.objects.filter(project_id=project_id, skill_id=skill_id).update(
        given_minutes=Greatest(F("given_minutes") + minutes, 0)
    )


def _balances(transfer: TimeTransfer, **data) -> dict:
    """The audit's before/after: both balances, read from the transfer written under lock."""
    return {
        **data,
        "before": {
            "payer": transfer.payer_balance_after + transfer.minutes,
            "payee": transfer.payee_balance_after - transfer.minutes,
        },
        "after": {"payer": transfer.payer_balance_after, "payee": transfer.payee_balance_after},
    }


@transaction.atomic
def time_transfer_reverse(
    *, actor: User | None, transfer: TimeTransfer, memo: str = ""
) -> TimeTransfer:
    """Correct a transfer with a new one in the other direction (once per transfer)."""
    if transfer.reverses_id is not None:
        raise MarketplaceError(
            _("A reversal cannot itself be reversed; make a new transfer instead."),
            code="reversal_of_reversal",
            status_code=409,
        )
    locked = {a.pk: a for a in lock_rows(TimeAccount, [transfer.payer_id, transfer.payee_id])}
    if TimeTransfer.objects.filter(reverses_id=transfer.pk).exists():
        raise MarketplaceError(
            _("This transfer has already been reversed."), code="already_reversed", status_code=409
        )
    reversal = _post(
        actor=actor,
        locked=locked,
        payer_id=transfer.payee_id,
        payee_id=transfer.payer_id,
        minutes=transfer.minutes,
        memo=(memo.strip() or _("Reversal of transfer #%(id)s") % {"id": transfer.pk})[:500],
        reverses=transfer,
    )
    if transfer.exchange_id is not None:  # help on a project's need, taken back
        listing = (
            Listing.objects.filter(exchanges__pk=transfer.exchange_id)
            .values("project_id", "need_skill_id")
            .first()
        )
        if listing and listing["need_skill_id"] is not None:
            project_need_given_add(
                project_id=listing["project_id"],
                skill_id=listing["need_skill_id"],
                minutes=-transfer.minutes,
            )
    audit_record(
        actor=actor,
        action="time.transfer_reverse",
        target=reversal,
        data=_balances(reversal, reverses=transfer.pk, minutes=transfer.minutes),
    )
    return reversal


@transaction.atomic
def time_account_limit_set(
    *, actor: User, account: TimeAccount, credit_limit_minutes: int
) -> TimeAccount:
    """Change an account's credit limit; never below what the account already owes."""
    if isinstance(credit_limit_minutes, bool) or not isinstance(credit_limit_minutes, int):
        raise MarketplaceError(_("The limit must be a whole number of minutes."), code="invalid")
    if not 0 <= credit_limit_minutes <= MAX_TRANSFER_MINUTES:
        raise MarketplaceError(
            _("The limit must be between 0 and %(max)s minutes.") % {"max": MAX_TRANSFER_MINUTES},
            code="invalid",
        )
    locked = lock_row(TimeAccount, account.pk)
    if locked.balance_minutes < -credit_limit_minutes:
        raise MarketplaceError(
            _("The account already owes more than this limit."),
            code="limit_below_balance",
            status_code=409,
        )
    previous = locked.credit_limit_minutes
    locked.credit_limit_minutes = credit_limit_minutes
    locked.save(update_fields=["credit_limit_minutes", "updated_at"])
    audit_record(
        actor=actor,
        action="time.limit_set",
        target=locked,
        data={"from": previous, "to": credit_limit_minutes},
    )
    account.credit_limit_minutes = credit_limit_minutes
    account.balance_minutes = locked.balance_minutes
    return account


def time_account_for_recipient(*, choice: str) -> TimeAccount:
    """The account behind a "give hours" choice ("m<membership>", "p<project>", "c")."""
    kind, pk = choice[:1], choice[1:]
    if kind == "c":
        return time_account_cooperative()
    if pk.isdigit():
        if kind == "m" and (membership := Membership.objects.filter(pk=int(pk)).first()):
            return time_account_for_member(membership=membership)
        if kind == "p" and (project := Project.objects.filter(pk=int(pk)).first()):
            return time_account_for_project(project=project)
    raise MarketplaceError(_("No such account."), code="unknown_account")
