"""Every write of the membership side: colleges, memberships, shares, charter, reminders."""

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
from backend.core.outbox import email_user
from backend.core.services import audit_record
from governance.errors import GovernanceError
from governance.models import (
    WEIGHT_MAX,
    WEIGHT_MIN,
    Charter,
    CharterAcceptance,
    College,
    CooperativeSettings,
    Membership,
    MembershipEvent,
    MembershipKind,
    MembershipStatus,
    ShareRefund,
    ShareSubscription,
)
from governance.selectors import college_weights_check

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
    CooperativeSettings.objects.select_for_update().get(pk=1)
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
    existing = Membership.objects.select_for_update().filter(user=user).first()
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


def _lock(membership: Membership) -> Membership:
    return (
        Membership.objects.select_for_update()
        .select_related("college", "user")
        .get(pk=membership.pk)
    )


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
    membership = _lock(membership)
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
    membership = _lock(membership)
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
    membership = _lock(membership)
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
    membership = _lock(membership)
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
    shares_subscribe(actor=actor, membership=membership, quantity=shares)
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
    quantity = _check_quantity(quantity)
    subscribed_on = subscribed_on or timezone.localdate()
    if paid_on and paid_on < subscribed_on:
        raise GovernanceError(
            _("Shares cannot be paid before they are subscribed."), code="paid_before_subscribed"
        )
    membership = _lock(membership)
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
    actor: User,
    subscription: ShareSubscription,
    paid_on: datetime.date | None = None,
    payment_reference: str = "",
) -> ShareSubscription:
    # Lock the member first (the order every share service follows), then the row.
    holder = _lock(subscription.membership)
    subscription = ShareSubscription.objects.select_for_update().get(pk=subscription.pk)
    if subscription.paid_on is not None:
        return subscription  # paying twice changes nothing: safe to retry
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
    membership = _lock(membership)
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


# ---------------------------------------------------------------- charter


@transaction.atomic
def charter_publish(*, actor: User, title: str, text: str) -> Charter:
    """Publish a new version: every member's acceptance becomes due again."""
    if not title.strip() or not text.strip():
        raise GovernanceError(_("A charter needs a title and a text."), code="charter_empty")
    top = Charter.objects.select_for_update().order_by("-version").first()
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
