"""The duties of a member, each one a SQL annotation so the whole list costs one query.

Apps to the right of governance (pioneers, assemblies) register the duties they own
with ``duty_register``; until they do, their duty reads "not applicable".
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from django.db.models import (
    BooleanField,
    Case,
    Exists,
    ExpressionWrapper,
    OuterRef,
    Q,
    QuerySet,
    Value,
    When,
)
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from governance.models import Charter, CharterAcceptance, CooperativeSettings

DutyState = Literal["met", "unmet", "not_applicable"]
Annotator = Callable[[CooperativeSettings], object]  # returns a boolean expression or None


@dataclass(frozen=True)
class DutyPart:
    """One half of a duty made of several (duty 3: the assembly and the representative
    election). ``missing`` tells the member what is left when this part is unmet."""

    code: str
    missing: str | Promise
    expression: Annotator
    url_name: str = ""


@dataclass(frozen=True)
class Duty:
    code: str
    label: str | Promise
    next_step: str | Promise
    expression: Annotator
    url_name: str = ""
    # A duty of several parts is met when every applicable part is; not applicable when
    # none is. ``expression`` is then unused.
    parts: tuple[DutyPart, ...] = ()

    @property
    def field(self) -> str:
        return f"duty_{self.code}"

    def part_field(self, part: DutyPart) -> str:
        return f"duty_{self.code}__{part.code}"


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
    parts, annotations = {}, {}
    for duty in duties_all():
        if duty.parts:
            for part in duty.parts:
                parts[duty.part_field(part)] = _boolean(part.expression(coop))
            annotations[duty.field] = _all_parts(duty)
        else:
            annotations[duty.field] = _boolean(duty.expression(coop))
    if parts:
        qs = qs.annotate(**parts)
    return qs.annotate(**annotations)


def _boolean(expression: object) -> object:
    if isinstance(expression, Q):
        return ExpressionWrapper(expression, output_field=BooleanField())
    return expression


def _all_parts(duty: Duty) -> object:
    """Met when no applicable part is unmet; NULL (not applicable) when no part applies."""
    fields = [duty.part_field(part) for part in duty.parts]
    none_applies = Q()
    one_unmet = Q()
    for field in fields:
        none_applies &= Q(**{f"{field}__isnull": True})
        one_unmet |= Q(**{field: False})
    return Case(
        When(none_applies, then=Value(None)),
        When(one_unmet, then=Value(False)),
        default=Value(True),
        output_field=BooleanField(),
    )


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
    # The parts left to do of a duty in several parts (what the dashboard names).
    missing: tuple[DutyPart, ...] = ()


def duty_states(membership) -> list[DutyStatus]:
    """Read the annotations of a membership fetched through ``annotate_duties``."""
    states = []
    for duty in duties_all():
        value = getattr(membership, duty.field)
        state: DutyState = "not_applicable" if value is None else ("met" if value else "unmet")
        missing = tuple(
            part
            for part in duty.parts
            if (met := getattr(membership, duty.part_field(part))) is not None and not met
        )
        states.append(DutyStatus(duty=duty, state=state, missing=missing))
    return states


def in_good_standing(membership) -> bool:
    return all(s.state != "unmet" for s in duty_states(membership))
