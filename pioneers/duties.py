"""The "profile" duty of seed 002 (« mettre à jour sa fiche pionnier »), as SQL."""

import calendar
import datetime

from django.db.models import BooleanField, Case, Exists, OuterRef, Q, Value, When
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from governance.duties import Duty
from pioneers.models import Pioneer


def months_before(moment: datetime.datetime, months: int) -> datetime.datetime:
    """The same day ``months`` earlier (the 31st becomes the month's last day)."""
    month_index = moment.year * 12 + moment.month - 1 - months
    year, month = divmod(month_index, 12)
    day = min(moment.day, calendar.monthrange(year, month + 1)[1])
    return moment.replace(year=year, month=month + 1, day=day)


def profile_fresh_expression(coop) -> object:
    """NULL for a member who is not a pioneer; for a pioneer (a member with a profile, or
    in the pioneers' college), whether their profile changed within the freshness period.
    A subquery per row inside the one query that lists the members."""
    cutoff = months_before(timezone.now(), coop.profile_freshness_months)
    has_profile = Exists(Pioneer.objects.filter(user=OuterRef("user")))
    fresh = Exists(Pioneer.objects.filter(user=OuterRef("user"), updated_at__gte=cutoff))
    return Case(
        When(Q(has_profile) | Q(college__is_pioneers=True), then=fresh),
        default=Value(None),
        output_field=BooleanField(),
    )


PROFILE_DUTY = Duty(
    code="profile",
    label=_("Keep your pioneer profile up to date"),
    next_step=_("Review and update your pioneer profile."),
    expression=profile_fresh_expression,
    url_name="pioneers:me",
)
