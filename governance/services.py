"""Every write of the membership side: colleges, memberships, shares, charter, duty
reminders."""

import datetime
from decimal import Decimal, InvalidOperation

from allauth.account.forms import default_token_generator
from allauth.account.models import EmailAddress
from allauth.account.utils import user_pk_to_url_str
from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F, Max
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from backend.accounts.models import User
from backend.core.locks import lock_row, lock_rows
from backend.core.outbox import email_user
from backend.core.services import audit_record
from governance import selectors
from governance.duties import duty_states
from governance.errors import GovernanceError
from governance.models import (
    WEIGHT_MAX,
    WEIGHT_MIN,
    Charter,
    CharterAcceptance,
    College,
    CooperativeSettings,
    DutyReminder,
    Membership,
    MembershipEvent,
    MembershipKind,
    MembershipStatus,
    SharePayment,
    ShareRefund,
    ShareSubscription,
)
from governance.selectors import college_weights_check, member_list_with_standing

# ---------------------------------------------------------------- colleges


def _clean_weight(value) -> Decimal:
    try:
        weight = Decimal(str(value))
    except (InvalidOperation, ValueError, TypeError):
        raise GovernanceError(
            _("The vote weight must be a number."),
            code="invalid_weight",
            errors={"vote_weight": [_("The vote weight must be a number.")]},
        ) from None
    if not weight.is_finite():
        raise GovernanceError(_("The vote weight must be a number."), code="invalid_weight")
    if weight.as_tuple().exponent < -3:
        message = _("The vote weight has at most 3 decimals.")
        raise GovernanceError(message, code="invalid_weight", errors={"vote_weight": [message]})
    if not WEIGHT_MIN <= weight <= WEIGHT_MAX:
        message = _("Each college weighs between 10 %% and 50 %%; %(weight)s %% is outside.") % {
            "weight": f"{weight.normalize():f}"
        }
        raise GovernanceError(message, code="invalid_weight", errors={"vote_weight": [message]})
    return weight


@transaction.atomic
def college_create(
    *,
    actor: User,
    name: str,
    vote_weight,
    slug: str = "",
    description: str = "",
    is_active: bool = True,
    is_pioneers: bool = False,
    position: int = 0,
) -> College:
    name = name.strip()
    if not name:
        raise GovernanceError(
            _("A college needs a name."),
            code="invalid_name",
            errors={"name": [_("A college needs a name.")]},
        )
    slug = slugify(slug or name)[:60]
    if not slug:
        raise GovernanceError(
            _("The slug is not valid."),
            code="invalid_slug",
            errors={"slug": [_("The slug is not valid.")]},
        )
    if College.objects.filter(slug=slug).exists() or College.objects.filter(name=name).exists():
        message = _("A college with this name or slug already exists.")
        raise GovernanceError(
            message, code="duplicate_college", status_code=409, errors={"slug": [message]}
        )
    if is_pioneers and College.objects.filter(is_pioneers=True).exists():
        raise GovernanceError(_("There is already a pioneers' college."), code="duplicate_pioneers")
    college = College.objects.create(
        name=name,
        slug=slug,
        description=description,
        vote_weight=_clean_weight(vote_weight),
        is_active=is_active,
        is_pioneers=is_pioneers,
        position=position,
    )
    audit_record(
        actor=actor,
        action="college.create",
        target=college,
        data={"vote_weight": str(college.vote_weight)},
    )
    return college


@transaction.atomic
def college_update(*, actor: User, college: College, **changes) -> College:
    allowed = {"name", "description", "vote_weight", "is_active", "position"}
    unknown = set(changes) - allowed
    if unknown:
        raise GovernanceError(
            _("These fields cannot be changed: %(fields)s.")
            % {"fields": ", ".join(sorted(unknown))},
            code="invalid_field",
        )
    if "vote_weight" in changes:
        changes["vote_weight"] = _clean_weight(changes["vote_weight"])
    if "name" in changes:
        changes["name"] = changes["name"].strip()
        if not changes["name"]:
            raise GovernanceError(_("A college needs a name."), code="invalid_name")
        if College.objects.filter(name=changes["name"]).exclude(pk=college.pk).exists():
            raise GovernanceError(
                _("A college with this name or slug already exists."),
                code="duplicate_college",
                status_code=409,
            )
    before = {field: str(getattr(college, field)) for field in changes}
    for field, value in changes.items():
        setattr(college, field, value)
    college.save(update_fields=[*changes, "updated_at"])
    audit_record(
        actor=actor,
        action="college.update",
        target=college,
        data={"before": before, "after": {f: str(v) for f, v in changes.items()}},
    )
    return college


def colleges_assert_ready_for_vote() -> None:
    """Refuse to open an assembly vote unless the colleges follow the statutes."""
    check = college_weights_check()
    if not check.ok:
        raise GovernanceError(" ".join(check.problems), code="colleges_invalid", status_code=409)


# ---------------------------------------------------------------- memberships


def _record_event(
    *, membership: Membership, kind: str, old: str, new: str, note: str, actor: User | None
) -> None:
    MembershipEvent.objects.create(
        membership=membership, kind=kind, from_value=old, to_value=new, note=note, actor=actor
    )


def _next_membership_number() -> int:
    # The settings row is the lock that serialises number allocation.
    CooperativeSettings.load()
    lock_row(CooperativeSettings, 1)
    return (Membership.objects.aggregate(top=Max("number"))["top"] or 0) + 1


@transaction.atomic
def membership_apply(
    *,
    user: User,
    college: College,
    kind: str = MembershipKind.PERSON,
    organisation_name: str = "",
    motivation: str = "",
) -> Membership:
    """A person asks to join the cooperative in a college: a candidate membership."""
    if not college.is_active:
        raise GovernanceError(_("This college does not accept members."), code="inactive_college")
    if kind == MembershipKind.ORGANISATION and not organisation_name.strip():
        message = _("Give the name of the organisation you represent.")
        raise GovernanceError(
            message, code="organisation_name_required", errors={"organisation_name": [message]}
        )
    existing = next(iter(lock_rows(Membership.objects.filter(user=user))), None)
    if existing and existing.status in (MembershipStatus.CANDIDATE, MembershipStatus.MEMBER):
        raise GovernanceError(
            _("You already have a membership or a pending application."),
            code="already_applied",
            status_code=409,
        )
    if existing and existing.status == MembershipStatus.EXCLUDED:
        raise GovernanceError(
            _("An excluded member cannot apply again online; contact the coordinator."),
            code="excluded",
            status_code=403,
        )
    if existing:
        old = existing.status
        existing.status = MembershipStatus.CANDIDATE
        existing.college, existing.kind = college, kind
        existing.organisation_name, existing.motivation = organisation_name.strip(), motivation
        existing.save(
            update_fields=[
                "status",
                "college",
                "kind",
                "organisation_name",
                "motivation",
                "updated_at",
            ]
        )
        membership = existing
        _record_event(
            membership=membership,
            kind=MembershipEvent.Kind.STATUS,
            old=old,
            new=MembershipStatus.CANDIDATE,
            note=motivation,
            actor=user,
        )
    else:
        membership = Membership.objects.create(
            user=user,
            college=college,
            kind=kind,
            organisation_name=organisation_name.strip(),
            motivation=motivation,
            status=MembershipStatus.CANDIDATE,
        )
        _record_event(
            membership=membership,
            kind=MembershipEvent.Kind.STATUS,
            old="",
            new=MembershipStatus.CANDIDATE,
            note=motivation,
            actor=user,
        )
    audit_record(actor=user, action="membership.apply", target=membership)
    return membership


_MEMBERSHIP_FULL = Membership.objects.select_related("college", "user")


@transaction.atomic
def membership_admit(
    *,
    actor: User,
    membership: Membership,
    college: College | None = None,
    note: str = "",
    notify: bool = True,
) -> Membership:
    """Admit a candidate. ``notify=False`` when the caller sends its own decision e-mail
    (the pioneers' admission does)."""
    membership = lock_row(_MEMBERSHIP_FULL, membership.pk)
    if membership.status != MembershipStatus.CANDIDATE:
        raise GovernanceError(
            _("Only a candidate can be admitted."), code="not_candidate", status_code=409
        )
    if college is not None and college.pk != membership.college_id:
        _record_event(
            membership=membership,
            kind=MembershipEvent.Kind.COLLEGE,
            old=membership.college.slug,
            new=college.slug,
            note=note,
            actor=actor,
        )
        membership.college = college
    if membership.number is None:
        membership.number = _next_membership_number()
    membership.status = MembershipStatus.MEMBER
    membership.joined_on = timezone.localdate()
    membership.left_on = None
    membership.save(
        update_fields=["college", "number", "status", "joined_on", "left_on", "updated_at"]
    )
    _record_event(
        membership=membership,
        kind=MembershipEvent.Kind.STATUS,
        old=MembershipStatus.CANDIDATE,
        new=MembershipStatus.MEMBER,
        note=note,
        actor=actor,
    )
    audit_record(actor=actor, action="membership.admit", target=membership, data={"note": note})
    if notify:
        _notify(
            membership.user, "governance/email/admitted", {"membership": membership, "note": note}
        )
    return membership


@transaction.atomic
def membership_decline(*, actor: User, membership: Membership, note: str) -> Membership:
    if not note.strip():
        message = _("Give the reason of the decision.")
        raise GovernanceError(message, code="note_required", errors={"note": [message]})
    membership = lock_row(_MEMBERSHIP_FULL, membership.pk)
    if membership.status != MembershipStatus.CANDIDATE:
        raise GovernanceError(
            _("Only a candidate can be declined."), code="not_candidate", status_code=409
        )
    membership.status = MembershipStatus.DECLINED
    membership.save(update_fields=["status", "updated_at"])
    _record_event(
        membership=membership,
        kind=MembershipEvent.Kind.STATUS,
        old=MembershipStatus.CANDIDATE,
        new=MembershipStatus.DECLINED,
        note=note,
        actor=actor,
    )
    audit_record(actor=actor, action="membership.decline", target=membership, data={"note": note})
    _notify(membership.user, "governance/email/declined", {"membership": membership, "note": note})
    return membership


@transaction.atomic
def membership_change_college(
    *, actor: User, membership: Membership, college: College, note: str = ""
) -> Membership:
    membership = lock_row(_MEMBERSHIP_FULL, membership.pk)
    if college.pk == membership.college_id:
        raise GovernanceError(_("The member is already in this college."), code="same_college")
    if not college.is_active:
        raise GovernanceError(_("This college does not accept members."), code="inactive_college")
    previous = membership.college.slug
    _record_event(
        membership=membership,
        kind=MembershipEvent.Kind.COLLEGE,
        old=previous,
        new=college.slug,
        note=note,
        actor=actor,
    )
    membership.college = college
    membership.save(update_fields=["college", "updated_at"])
    audit_record(
        actor=actor,
        action="membership.college",
        target=membership,
        data={
            "college": college.slug,
            "before": {"college": previous},
            "after": {"college": college.slug},
        },
    )
    return membership


_STATUS_MOVES = {
    MembershipStatus.MEMBER: {MembershipStatus.RESIGNED, MembershipStatus.EXCLUDED},
    MembershipStatus.RESIGNED: {MembershipStatus.MEMBER},
    MembershipStatus.EXCLUDED: {MembershipStatus.MEMBER},
}


@transaction.atomic
def membership_change_status(
    *, actor: User, membership: Membership, status: str, note: str = ""
) -> Membership:
    """Resignation, exclusion (with a reason) or reinstatement of a member."""
    membership = lock_row(_MEMBERSHIP_FULL, membership.pk)
    if status not in _STATUS_MOVES.get(membership.status, set()):
        raise GovernanceError(
            _("A membership cannot go from %(old)s to %(new)s.")
            % {"old": membership.get_status_display(), "new": MembershipStatus(status).label},
            code="invalid_status_change",
            status_code=409,
        )
    if status == MembershipStatus.EXCLUDED and not note.strip():
        message = _("Give the reason of the exclusion.")
        raise GovernanceError(message, code="note_required", errors={"note": [message]})
    old = membership.status
    membership.status = status
    membership.left_on = timezone.localdate() if status != MembershipStatus.MEMBER else None
    membership.save(update_fields=["status", "left_on", "updated_at"])
    _record_event(
        membership=membership,
        kind=MembershipEvent.Kind.STATUS,
        old=old,
        new=status,
        note=note,
        actor=actor,
    )
    audit_record(
        actor=actor,
        action=f"membership.{status}",
        target=membership,
        data={"note": note, "before": {"status": old}, "after": {"status": status}},
    )
    return membership


@transaction.atomic
def member_create(
    *,
    actor: User,
    email: str,
    name: str,
    college: College,
    shares: int = 1,
    kind: str = MembershipKind.PERSON,
    organisation_name: str = "",
) -> Membership:
    """The coordinator registers a member: the person, the membership and the shares they
    subscribe, in one transaction; the person receives an invitation to set a password."""
    email = User.objects.normalize_email(email.strip()).lower()
    if User.objects.filter(email__iexact=email).exists():
        message = _("A person with this e-mail address already exists.")
        raise GovernanceError(
            message, code="duplicate_email", status_code=409, errors={"email": [message]}
        )
    if shares < 1:
        message = _("A member subscribes at least one share.")
        raise GovernanceError(message, code="invalid_shares", errors={"shares": [message]})
    if kind == MembershipKind.ORGANISATION and not organisation_name.strip():
        message = _("Give the name of the organisation.")
        raise GovernanceError(
            message, code="organisation_name_required", errors={"organisation_name": [message]}
        )
    if not college.is_active:
        raise GovernanceError(_("This college does not accept members."), code="inactive_college")
    first, _sep, last = name.strip().partition(" ")
    try:
        with transaction.atomic():
            user = User.objects.create_user(
                email=email, first_name=first[:150], last_name=last[:150]
            )
    except IntegrityError:  # a concurrent request registered the same address
        raise GovernanceError(
            _("A person with this e-mail address already exists."),
            code="duplicate_email",
            status_code=409,
        ) from None
    user.set_unusable_password()
    user.save(update_fields=["password"])
    EmailAddress.objects.create(user=user, email=email, primary=True, verified=False)
    membership = Membership.objects.create(
        user=user,
        college=college,
        kind=kind,
        organisation_name=organisation_name.strip(),
        status=MembershipStatus.MEMBER,
        number=_next_membership_number(),
        joined_on=timezone.localdate(),
    )
    _record_event(
        membership=membership,
        kind=MembershipEvent.Kind.STATUS,
        old="",
        new=MembershipStatus.MEMBER,
        note=_("Registered by the coordinator."),
        actor=actor,
    )
    # The membership was created by this transaction: no one else can hold its row.
    _shares_subscribe_locked(actor=actor, membership=membership, quantity=shares)
    audit_record(actor=actor, action="member.create", target=membership, data={"shares": shares})
    invite_url = settings.SITE_URL + reverse(
        "account_reset_password_from_key",
        kwargs={
            "uidb36": user_pk_to_url_str(user),
            "key": default_token_generator.make_token(user),
        },
    )
    _notify(
        user, "governance/email/invitation", {"membership": membership, "invite_url": invite_url}
    )
    return membership


# ---------------------------------------------------------------- shares


def _check_quantity(quantity) -> int:
    if isinstance(quantity, bool) or not isinstance(quantity, int) or quantity < 1:
        message = _("The number of shares is a whole number of at least 1.")
        raise GovernanceError(message, code="invalid_quantity", errors={"quantity": [message]})
    return quantity


def _shares_held(before: int, change: int) -> dict:
    """The audit's before/after of the member's paid shares (read under the member's lock)."""
    return {"before": {"shares_held": before}, "after": {"shares_held": before + change}}


@transaction.atomic
def shares_subscribe(
    *,
    actor: User,
    membership: Membership,
    quantity: int,
    subscribed_on: datetime.date | None = None,
    paid_on: datetime.date | None = None,
    payment_reference: str = "",
) -> ShareSubscription:
    membership = lock_row(_MEMBERSHIP_FULL, membership.pk)
    return _shares_subscribe_locked(
        actor=actor,
        membership=membership,
        quantity=quantity,
        subscribed_on=subscribed_on,
        paid_on=paid_on,
        payment_reference=payment_reference,
    )


def _shares_subscribe_locked(
    *,
    actor: User,
    membership: Membership,
    quantity: int,
    subscribed_on: datetime.date | None = None,
    paid_on: datetime.date | None = None,
    payment_reference: str = "",
) -> ShareSubscription:
    """The caller holds the membership's row (locked, or created by its transaction)."""
    quantity = _check_quantity(quantity)
    subscribed_on = subscribed_on or timezone.localdate()
    if paid_on and paid_on < subscribed_on:
        raise GovernanceError(
            _("Shares cannot be paid before they are subscribed."), code="paid_before_subscribed"
        )
    coop = CooperativeSettings.load()
    subscription = ShareSubscription.objects.create(
        membership=membership,
        quantity=quantity,
        unit_value_cents=coop.share_nominal_cents,
        subscribed_on=subscribed_on,
        paid_on=paid_on,
        payment_reference=payment_reference,
        created_by=actor,
    )
    if paid_on:
        Membership.objects.filter(pk=membership.pk).update(shares_held=F("shares_held") + quantity)
    audit_record(
        actor=actor,
        action="shares.subscribe",
        target=subscription,
        data={
            "membership": membership.pk,
            "quantity": quantity,
            "paid": bool(paid_on),
            **_shares_held(membership.shares_held, quantity if paid_on else 0),
        },
    )
    return subscription


@transaction.atomic
def shares_mark_paid(
    *,
    actor: User | None,
    subscription: ShareSubscription,
    paid_on: datetime.date | None = None,
    payment_reference: str = "",
) -> ShareSubscription:
    # Lock the member first (the order every share service follows), then the row.
    holder = lock_row(_MEMBERSHIP_FULL, subscription.membership_id)
    subscription = lock_row(ShareSubscription, subscription.pk)
    if subscription.paid_on is not None:
        return subscription  # paying twice changes nothing: safe to retry
    if subscription.cancelled_on is not None:
        raise GovernanceError(
            _("This subscription was cancelled."), code="subscription_cancelled", status_code=409
        )
    paid_on = paid_on or timezone.localdate()
    if paid_on < subscription.subscribed_on:
        raise GovernanceError(
            _("Shares cannot be paid before they are subscribed."), code="paid_before_subscribed"
        )
    subscription.paid_on = paid_on
    subscription.payment_reference = payment_reference or subscription.payment_reference
    subscription.save(update_fields=["paid_on", "payment_reference"])
    Membership.objects.filter(pk=subscription.membership_id).update(
        shares_held=F("shares_held") + subscription.quantity
    )
    audit_record(
        actor=actor,
        action="shares.paid",
        target=subscription,
        data={
            "reference": subscription.payment_reference,
            **_shares_held(holder.shares_held, subscription.quantity),
        },
    )
    return subscription


@transaction.atomic
def shares_refund(
    *,
    actor: User,
    membership: Membership,
    quantity: int,
    refunded_on: datetime.date | None = None,
    reference: str = "",
) -> ShareRefund:
    quantity = _check_quantity(quantity)
    membership = lock_row(_MEMBERSHIP_FULL, membership.pk)
    if quantity > membership.shares_held:
        raise GovernanceError(
            _("The member holds %(held)d paid share(s); %(asked)d cannot be refunded.")
            % {"held": membership.shares_held, "asked": quantity},
            code="refund_exceeds_shares",
            status_code=409,
        )
    last_paid = (
        membership.subscriptions.filter(paid_on__isnull=False).order_by("-paid_on", "-id").first()
    )
    refund = ShareRefund.objects.create(
        membership=membership,
        quantity=quantity,
        unit_value_cents=last_paid.unit_value_cents
        if last_paid
        else CooperativeSettings.load().share_nominal_cents,
        refunded_on=refunded_on or timezone.localdate(),
        reference=reference,
        created_by=actor,
    )
    Membership.objects.filter(pk=membership.pk).update(shares_held=F("shares_held") - quantity)
    audit_record(
        actor=actor,
        action="shares.refund",
        target=refund,
        data={
            "membership": membership.pk,
            "quantity": quantity,
            **_shares_held(membership.shares_held, -quantity),
        },
    )
    return refund


def _subscription_refused(message: str, code: str, field: str) -> GovernanceError:
    return GovernanceError(message, code=code, status_code=400, errors={field: [message]})


@transaction.atomic
def share_subscription_start(
    *, user: User, shares, college: College | None, payment: str
) -> ShareSubscription:
    """Someone signed in subscribes ``shares`` shares online, paid by card or transfer.

    A newcomer becomes a candidate in the college they chose (the coordinator approves
    it); a member subscribes in their own college. Everything is checked before the first
    write, so a refused subscription writes nothing."""
    if isinstance(shares, bool) or not isinstance(shares, int) or shares < 1:
        raise _subscription_refused(
            _("The number of shares is a whole number of at least 1."), "invalid_quantity", "shares"
        )
    if payment not in (SharePayment.STRIPE, SharePayment.TRANSFER):
        raise _subscription_refused(
            _("Choose card or bank transfer."), "invalid_payment", "payment"
        )
    coop = CooperativeSettings.load()
    if shares > coop.max_shares:
        raise _subscription_refused(
            _("The statutes allow at most %(cap)d shares per member.") % {"cap": coop.max_shares},
            "over_cap",
            "shares",
        )
    if college is None or not selectors.colleges_open_to(user).filter(pk=college.pk).exists():
        raise _subscription_refused(
            _("This college is not open to you."), "college_not_open", "college"
        )
    membership = Membership.objects.filter(user=user).first()
    if membership is None or membership.status not in (
        MembershipStatus.MEMBER,
        MembershipStatus.CANDIDATE,
    ):
        membership = membership_apply(user=user, college=college)
    membership = lock_row(Membership, membership.pk)
    pending = sum(
        membership.subscriptions.filter(
            paid_on__isnull=True, cancelled_on__isnull=True
        ).values_list("quantity", flat=True)
    )
    if membership.shares_held + pending + shares > coop.max_shares:
        raise _subscription_refused(
            _(
                "The statutes allow at most %(cap)d shares per member; you hold or have "
                "subscribed %(held)d."
            )
            % {"cap": coop.max_shares, "held": membership.shares_held + pending},
            "over_cap",
            "shares",
        )
    subscription = ShareSubscription.objects.create(
        membership=membership,
        quantity=shares,
        unit_value_cents=coop.share_nominal_cents,
        subscribed_on=timezone.localdate(),
        payment_method=payment,
        created_by=user,
    )
    audit_record(
        actor=user,
        action="shares.subscribe_online",
        target=subscription,
        data={"membership": membership.pk, "quantity": shares, "payment": payment},
    )
    return subscription


@transaction.atomic
def share_subscription_checkout_save(
    *, subscription: ShareSubscription, session_id: str, url: str
) -> ShareSubscription:
    locked = lock_row(ShareSubscription, subscription.pk)
    if not locked.stripe_session_id:
        locked.stripe_session_id = session_id
        locked.checkout_url = url
        locked.save(update_fields=["stripe_session_id", "checkout_url"])
        audit_record(
            actor=None,
            action="shares.checkout_open",
            target=locked,
            data={"session": session_id},
        )
    return locked


@transaction.atomic
def share_subscription_pay_card(
    *,
    subscription_id: int,
    session_id: str,
    amount_cents: int,
    paid_on: datetime.date,
    reference: str,
) -> bool:
    """Stripe says a subscription's session is paid: mark it paid once. Returns whether
    anything changed (a replay, another session or a wrong amount changes nothing)."""
    found = ShareSubscription.objects.filter(pk=subscription_id).first()
    if found is None:
        return False
    # Every writer of a subscription locks its holder first: holding it, the row below is
    # stable, and shares_mark_paid takes both locks in the global order again.
    lock_row(Membership, found.membership_id)
    subscription = ShareSubscription.objects.get(pk=found.pk)
    if (
        subscription.payment_method != SharePayment.STRIPE
        or (subscription.stripe_session_id and subscription.stripe_session_id != session_id)
        or amount_cents != subscription.amount_cents
        or subscription.paid_on is not None
        or subscription.cancelled_on is not None
    ):
        return False
    shares_mark_paid(
        actor=None,
        subscription=subscription,
        paid_on=max(paid_on, subscription.subscribed_on),
        payment_reference=reference,
    )
    return True


@transaction.atomic
def share_subscription_cancel(*, actor: User, subscription: ShareSubscription) -> ShareSubscription:
    lock_row(Membership, subscription.membership_id)
    subscription = lock_row(ShareSubscription, subscription.pk)
    if subscription.paid_on is not None:
        raise GovernanceError(
            _("A paid subscription cannot be cancelled; refund the shares instead."),
            code="already_paid",
            status_code=409,
        )
    if subscription.cancelled_on is None:
        subscription.cancelled_on = timezone.localdate()
        subscription.save(update_fields=["cancelled_on"])
        audit_record(actor=actor, action="shares.cancel", target=subscription)
    return subscription


# ---------------------------------------------------------------- charter


@transaction.atomic
def charter_publish(*, actor: User, title: str, text: str) -> Charter:
    """Publish a new version: every member's acceptance becomes due again."""
    if not title.strip() or not text.strip():
        raise GovernanceError(_("A charter needs a title and a text."), code="charter_empty")
    top = Charter.objects.order_by("-version").first()
    if top is not None:  # the newest version's row serialises the publishers
        top = lock_row(Charter, top.pk)
    charter = Charter.objects.create(
        version=(top.version + 1) if top else 1,
        title=title.strip(),
        text=text.strip(),
        published_at=timezone.now(),
    )
    audit_record(actor=actor, action="charter.publish", target=charter)
    return charter


@transaction.atomic
def charter_accept(*, membership: Membership, charter: Charter) -> CharterAcceptance:
    if charter.published_at is None:
        raise GovernanceError(
            _("This version of the charter is not published."), code="charter_unpublished"
        )
    latest = Charter.objects.filter(published_at__isnull=False).order_by("-version").first()
    if latest is None or latest.pk != charter.pk:
        raise GovernanceError(
            _("Only the current version of the charter can be accepted."),
            code="charter_outdated",
            status_code=409,
        )
    acceptance, created = CharterAcceptance.objects.get_or_create(
        membership=membership, charter=charter
    )
    if created:
        audit_record(actor=membership.user, action="charter.accept", target=acceptance)
    return acceptance


# ---------------------------------------------------------------- notifications


def _notify(user: User, template_prefix: str, context: dict, *, key: str | None = None):
    """E-mail a person in their own language, once the transaction commits (at most once
    per ``key``); returns the outbox row, or ``None`` when nothing was queued."""
    return email_user(user=user, template_prefix=template_prefix, context=context, key=key)


# ---------------------------------------------------------------- duty reminders

REMINDER_INTERVAL = datetime.timedelta(days=30)


def _duty_reminder_key(*, membership_id: int, duties: list[str], on: datetime.date) -> str:
    """The outbox key of one reminder e-mail: who, about which duties, which day."""
    return f"duty-reminder:{membership_id}:{'+'.join(sorted(duties))}:{on.isoformat()}"


def duty_reminders_send(*, now: datetime.datetime | None = None) -> int:
    """E-mail each member the duties they have not met, at most once per duty every 30 days.

    ``DutyReminder`` records which duty was reminded when (the 30-day rule reads it); the
    e-mail goes through the outbox under ``duty-reminder:<membership>:<duties>:<day>``, so
    it is sent at most once whoever runs this, and each member is locked while their
    reminders are recorded. Returns the number of e-mails queued. The daily Celery task
    ``governance.tasks.duty_reminders`` calls it.
    """
    now = now or timezone.now()
    since = now - REMINDER_INTERVAL
    recent = set(
        DutyReminder.objects.filter(sent_at__gt=since).values_list("membership_id", "duty")
    )
    sent = 0
    for membership in member_list_with_standing(status=MembershipStatus.MEMBER, standing=False):
        unmet = [
            status.duty
            for status in duty_states(membership)
            if status.state == "unmet" and (membership.pk, status.duty.code) not in recent
        ]
        if not unmet:
            continue
        with transaction.atomic():
            lock_rows(Membership, [membership.pk])
            already = set(
                DutyReminder.objects.filter(
                    membership=membership, sent_at__gt=since, duty__in=[d.code for d in unmet]
                ).values_list("duty", flat=True)
            )
            due = [duty for duty in unmet if duty.code not in already]
            if not due:
                continue
            email = _notify(
                membership.user,
                "governance/email/duty_reminder",
                {"membership": membership, "duties": due},
                key=_duty_reminder_key(
                    membership_id=membership.pk, duties=[d.code for d in due], on=now.date()
                ),
            )
            if email is None:
                continue  # this very reminder is queued already: nothing more to record
            DutyReminder.objects.bulk_create(
                [DutyReminder(membership=membership, duty=d.code, sent_at=now) for d in due]
            )
            audit_record(
                actor=None,
                action="membership.duties_reminded",
                target=membership,
                data={"duties": [d.code for d in due]},
            )
        sent += 1
    return sent
