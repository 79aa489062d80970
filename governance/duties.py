"""The duties of a member, each one a SQL annotation so the whole list costs one query.

Apps to the right of governance (pioneers, assemblies) register the duties they own
with ``duty_register``; until they do, their duty reads "not applicable".
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from django.db.models import BooleanField, Exists, OuterRef, Q, QuerySet, Value
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from governance.models import Charter, CharterAcceptance, CooperativeSettings

DutyState = Literal["met", "unmet", "not_applicable"]
Annotator = Callable[[CooperativeSettings], object]  # returns a boolean expression or None


@dataclass(frozen=True)
class Duty:
    code: str
    label: str | Promise
    next_step: str | Promise
    expression: Annotator
    url_name: str = ""

    @property
    def field(self) -> str:
        return f"duty_{self.code}"


_REGISTRY: dict[str, Duty] = {}


def duty_register(duty: Duty) -> None:
    """Add or replace a duty (apps call it from their AppConfig.ready)."""
    _REGISTRY[duty.code] = duty


def duties_all() -> list[Duty]:
    return list(_REGISTRY.values())


def _not_applicable(_settings: CooperativeSettings) -> object:
    return Value(None, output_field=BooleanField())


def _shares_subscribed(coop: CooperativeSettings) -> object:
    """« Souscrire au minimum une part »: paid shares plus shares subscribed and not yet
    paid (shown as due) reach the minimum."""
    from django.db.models import F, IntegerField, OuterRef, Subquery, Sum
    from django.db.models.functions import Coalesce
    from django.db.models.lookups import GreaterThanOrEqual

    from governance.models import ShareSubscription

    unpaid = (
        ShareSubscription.objects.filter(
            membership=OuterRef("pk"), paid_on__isnull=True, cancelled_on__isnull=True
        )
        .order_by()
        .values("membership")
        .annotate(total=Sum("quantity"))
        .values("total")
    )
    return GreaterThanOrEqual(
        F("shares_held") + Coalesce(Subquery(unpaid, output_field=IntegerField()), 0),
        coop.min_shares,
    )


def _charter_accepted(_coop: CooperativeSettings) -> object:
    current = Charter.objects.filter(published_at__isnull=False).order_by("-version")
    if not current.exists():
        return Value(None, output_field=BooleanField())
    return Exists(
        CharterAcceptance.objects.filter(
            membership=OuterRef("pk"), charter=current.values("pk")[:1]
        )
    )


duty_register(
    Duty(
        code="shares",
        label=_("Subscribe at least the minimum number of shares"),
        next_step=_("Subscribe your capital share(s) online, by card or by bank transfer."),
        expression=_shares_subscribed,
        url_name="governance:subscribe",
    )
)
duty_register(
    Duty(
        code="charter",
        label=_("Accept the current version of the charter"),
        next_step=_("Read and accept the charter."),
        expression=_charter_accepted,
        url_name="governance:charter",
    )
)
duty_register(
    Duty(
        code="assembly",
        label=_("Take part in the general assembly (or give a proxy)"),
        next_step=_("Attend the next general assembly, or give your proxy to another member."),
        expression=_not_applicable,
    )
)
duty_register(
    Duty(
        code="profile",
        label=_("Keep your pioneer profile up to date"),
        next_step=_("Review and update your pioneer profile."),
        expression=_not_applicable,
    )
)


def annotate_duties(qs: QuerySet, *, coop: CooperativeSettings | None = None) -> QuerySet:
    """Annotate memberships with one boolean (or NULL: not applicable) per duty."""
    coop = coop or CooperativeSettings.load()
    annotations = {}
    for duty in duties_all():
        expression = duty.expression(coop)
        if isinstance(expression, Q):
            from django.db.models import ExpressionWrapper

            expression = ExpressionWrapper(expression, output_field=BooleanField())
        annotations[duty.field] = expression
    return qs.annotate(**annotations)


def in_good_standing_q() -> Q:
    """Every applicable duty met (NULL = not applicable counts as met)."""
    q = Q()
    for duty in duties_all():
        q &= Q(**{duty.field: True}) | Q(**{f"{duty.field}__isnull": True})
    return q


@dataclass(frozen=True)
class DutyStatus:
    duty: Duty
    state: DutyState


def duty_states(membership) -> list[DutyStatus]:
    """Read the annotations of a membership fetched through ``annotate_duties``."""
    states = []
    for duty in duties_all():
        value = getattr(membership, duty.field)
        state: DutyState = "not_applicable" if value is None else ("met" if value else "unmet")
        states.append(DutyStatus(duty=duty, state=state))
    return states


def in_good_standing(membership) -> bool:
    return all(s.state != "unmet" for s in duty_states(membership))
