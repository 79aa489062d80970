from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, F, Q, QuerySet, Sum
from django.db.models.functions import Coalesce

from governance.duties import annotate_duties, in_good_standing_q
from governance.models import (
    Charter,
    College,
    CooperativeSettings,
    Membership,
    MembershipStatus,
    ShareRefund,
    ShareSubscription,
)


def college_list(*, active_only: bool = False) -> QuerySet[College]:
    qs = College.objects.annotate(
        member_count=Count("memberships", filter=Q(memberships__status=MembershipStatus.MEMBER))
    ).order_by("position", "name")
    return qs.filter(is_active=True) if active_only else qs


@dataclass(frozen=True)
class CollegeWeightsCheck:
    active_count: int
    total: Decimal
    problems: list[str]

    @property
    def ok(self) -> bool:
        return not self.problems


def college_weights_check() -> CollegeWeightsCheck:
    """Whether the active colleges may hold an assembly vote: at least 3, summing to 100."""
    from django.utils.translation import gettext as _

    stats = College.objects.filter(is_active=True).aggregate(
        count=Count("id"), total=Coalesce(Sum("vote_weight"), Decimal(0))
    )
    problems = []
    if stats["count"] < 3:
        problems.append(
            _("At least 3 active colleges are needed, there are %(count)d.")
            % {"count": stats["count"]}
        )
    if stats["total"] != Decimal(100):
        problems.append(
            _("The weights of the active colleges add up to %(total)s %%, not 100 %%.")
            % {"total": f"{stats['total'].normalize():f}"}
        )
    return CollegeWeightsCheck(active_count=stats["count"], total=stats["total"], problems=problems)


def current_charter() -> Charter | None:
    return Charter.objects.filter(published_at__isnull=False).order_by("-version").first()


def member_list_with_standing(
    *,
    college: str | None = None,
    status: str | None = None,
    standing: bool | None = None,
    search: str = "",
    coop: CooperativeSettings | None = None,
) -> QuerySet[Membership]:
    """Memberships with their person, college and one annotation per duty: one query."""
    qs = annotate_duties(Membership.objects.select_related("user", "college"), coop=coop).order_by(
        F("number").asc(nulls_last=True), "id"
    )
    if college:
        qs = qs.filter(college__slug=college)
    if status:
        qs = qs.filter(status=status)
    if search:
        qs = qs.filter(
            Q(user__email__icontains=search)
            | Q(user__first_name__icontains=search)
            | Q(user__last_name__icontains=search)
            | Q(organisation_name__icontains=search)
        )
    if standing is not None:
        good = in_good_standing_q()
        qs = qs.filter(good) if standing else qs.exclude(good)
    return qs


def member_get_with_duties(*, membership_id: int) -> Membership:
    return annotate_duties(Membership.objects.select_related("user", "college")).get(
        pk=membership_id
    )


def membership_of(user) -> Membership | None:
    if not user or not user.is_authenticated:
        return None
    return (
        annotate_duties(Membership.objects.select_related("user", "college"))
        .filter(user=user)
        .first()
    )


def is_active_member(user) -> bool:
    return (
        bool(user and user.is_authenticated)
        and Membership.objects.filter(user=user, status=MembershipStatus.MEMBER).exists()
    )


def capital_register() -> list[dict]:
    """The register of members' shares (registre des associés): one row per movement,
    in date order, with the member and the running total of shares held."""
    subscriptions = ShareSubscription.objects.select_related(
        "membership__user", "membership__college"
    ).order_by("subscribed_on", "id")
    refunds = ShareRefund.objects.select_related(
        "membership__user", "membership__college"
    ).order_by("refunded_on", "id")
    rows = []
    for sub in subscriptions:
        rows.append(
            {
                "date": sub.subscribed_on,
                "membership": sub.membership,
                "kind": "subscription",
                "quantity": sub.quantity,
                "unit_value_cents": sub.unit_value_cents,
                "amount_cents": sub.amount_cents,
                "paid_on": sub.paid_on,
                "reference": sub.payment_reference,
            }
        )
    for ref in refunds:
        rows.append(
            {
                "date": ref.refunded_on,
                "membership": ref.membership,
                "kind": "refund",
                "quantity": -ref.quantity,
                "unit_value_cents": ref.unit_value_cents,
                "amount_cents": -ref.amount_cents,
                "paid_on": ref.refunded_on,
                "reference": ref.reference,
            }
        )
    rows.sort(key=lambda r: (r["date"], r["kind"] != "subscription"))
    return rows


def capital_totals_by_college() -> QuerySet[College]:
    """Per college: members, shares held and capital (paid shares at their unit value)."""
    return College.objects.annotate(
        member_count=Count(
            "memberships", filter=Q(memberships__status=MembershipStatus.MEMBER), distinct=True
        ),
        shares_held=Coalesce(Sum("memberships__shares_held"), 0),
    ).order_by("position", "name")


def capital_total_cents() -> dict[str, int]:
    paid = ShareSubscription.objects.filter(paid_on__isnull=False).aggregate(
        total=Coalesce(Sum(F("quantity") * F("unit_value_cents")), 0)
    )["total"]
    subscribed = ShareSubscription.objects.aggregate(
        total=Coalesce(Sum(F("quantity") * F("unit_value_cents")), 0)
    )["total"]
    refunded = ShareRefund.objects.aggregate(
        total=Coalesce(Sum(F("quantity") * F("unit_value_cents")), 0)
    )["total"]
    return {
        "subscribed_cents": subscribed,
        "paid_cents": paid,
        "refunded_cents": refunded,
        "unpaid_cents": subscribed - paid,
        "capital_cents": paid - refunded,
    }


def shares_due(membership) -> int:
    """Shares subscribed and not yet paid (nor cancelled): shown as due."""
    from django.db.models import Sum

    return (
        membership.subscriptions.filter(paid_on__isnull=True, cancelled_on__isnull=True).aggregate(
            total=Sum("quantity")
        )["total"]
        or 0
    )


def colleges_open_to(user: object):
    """The colleges a person may choose when subscribing online: the active ones; the
    pioneers' college only for who is already in it (pioneers join it on admission)."""
    membership = Membership.objects.filter(user=user).first() if user else None
    qs = College.objects.filter(is_active=True)
    if membership and membership.status in (MembershipStatus.MEMBER, MembershipStatus.CANDIDATE):
        return qs.filter(pk=membership.college_id)
    return qs.filter(is_pioneers=False)
