"""The editorial committee: seats, sessions, reviews on the grid, decisions."""

import datetime

import rules
from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from backend.core.locks import lock_row
from backend.core.outbox import email_user
from backend.core.services import audit_record
from commons.errors import CommonsError
from commons.models import (
    CommitteeMember,
    CommitteeSession,
    Recommendation,
    Resource,
    ResourceDecision,
    ResourceStatus,
    Review,
    ReviewCriterion,
    ReviewMark,
)
from commons.rules import is_committee_member
from governance.models import CooperativeSettings


def _forbidden(message: str) -> CommonsError:
    return CommonsError(message, code="forbidden", status_code=403)


def _add_months(day: datetime.date, months: int) -> datetime.date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    for last in (31, 30, 29, 28):
        try:
            return datetime.date(year, month, min(day.day, last))
        except ValueError:
            continue
    raise AssertionError("unreachable")


# ---------------------------------------------------------------- seats


@transaction.atomic
def committee_member_appoint(*, actor, user) -> CommitteeMember:
    """The coordinator appoints someone to the committee, within the number of seats."""
    if not rules.has_perm("commons.appoint_committee", actor):
        raise _forbidden(_("Only the coordinator appoints the committee."))
    # Appointments wait for each other on the cooperative's settings row (one row, always
    # there): two at once cannot both take the last seat.
    lock_row(CooperativeSettings, CooperativeSettings.load().pk)
    # A second active seat for the same person is refused by the partial unique index.
    if CommitteeMember.objects.filter(user=user, ended_at__isnull=True).exists():
        raise CommonsError(_("This person already sits on the committee."), code="already_member")
    seats = settings.COMMONS_COMMITTEE_MAX_SEATS
    if CommitteeMember.objects.filter(ended_at__isnull=True).count() >= seats:
        raise CommonsError(
            _("All %(seats)d seats of the committee are taken.") % {"seats": seats},
            code="no_seat",
            status_code=409,
        )
    try:
        with transaction.atomic():
            member = CommitteeMember.objects.create(user=user, appointed_by=actor)
    except IntegrityError:
        raise CommonsError(
            _("This person already sits on the committee."), code="already_member"
        ) from None
    audit_record(actor=actor, action="commons.committee_appoint", target=member)
    return member


@transaction.atomic
def committee_member_end(*, actor, member: CommitteeMember) -> CommitteeMember:
    if not rules.has_perm("commons.appoint_committee", actor):
        raise _forbidden(_("Only the coordinator appoints the committee."))
    member = lock_row(CommitteeMember, member.pk)
    if member.ended_at is not None:
        return member
    member.ended_at = timezone.now()
    member.save(update_fields=["ended_at"])
    audit_record(actor=actor, action="commons.committee_end", target=member)
    return member


# ---------------------------------------------------------------- sessions


def session_default_date() -> datetime.date:
    """The next session: N months (quarterly by default) after the latest one, or from today."""
    latest = CommitteeSession.objects.order_by("-held_on").values_list("held_on", flat=True).first()
    today = timezone.localdate()
    start = latest if latest and latest >= today else today
    return _add_months(start, settings.COMMONS_SESSION_MONTHS)


@transaction.atomic
def committee_session_create(
    *, actor, held_on: datetime.date | None = None, title: str = ""
) -> CommitteeSession:
    """Plan a session; every proposed resource not yet on an agenda goes on its agenda."""
    if not rules.has_perm("commons.decide_resource", actor):
        raise _forbidden(_("Only the committee plans its sessions."))
    held_on = held_on or session_default_date()
    title = title.strip()[:200] or _("Committee session of %(date)s") % {
        "date": held_on.strftime("%d/%m/%Y")
    }
    session = CommitteeSession.objects.create(title=title, held_on=held_on, created_by=actor)
    moved = Resource.objects.filter(status=ResourceStatus.PROPOSED, session__isnull=True).update(
        session=session
    )
    audit_record(
        actor=actor, action="commons.session_create", target=session, data={"agenda": moved}
    )
    return session


# ---------------------------------------------------------------- reviews


def _criteria() -> list[ReviewCriterion]:
    return list(ReviewCriterion.objects.prefetch_related("levels"))


@transaction.atomic
def review_submit(
    *,
    actor,
    resource: Resource,
    marks: dict[int, int],
    recommendation: str,
    comment: str = "",
) -> Review:
    """A committee member marks a proposed resource on every criterion of the grid (a
    second call in the same round replaces their review)."""
    if not is_committee_member(actor):
        raise _forbidden(_("Only members of the editorial committee review resources."))
    resource = lock_row(Resource, resource.pk)
    if resource.status != ResourceStatus.PROPOSED:
        raise CommonsError(
            _("Only a proposed resource is reviewed."), code="not_proposed", status_code=409
        )
    if resource.submitted_by_id == actor.pk:
        raise _forbidden(_("Nobody reviews their own suggestion."))
    if recommendation not in Recommendation.values:
        message = _("Choose a recommendation.")
        raise CommonsError(message, code="invalid", errors={"recommendation": [message]})
    errors: dict[str, list[str]] = {}
    criteria = _criteria()
    for criterion in criteria:
        allowed = {level.value for level in criterion.levels.all()}
        value = marks.get(criterion.pk)
        if value is None:
            errors[f"criterion_{criterion.pk}"] = [_("Mark this criterion.")]
        elif value not in allowed:
            errors[f"criterion_{criterion.pk}"] = [_("This level is not on the grid.")]
    if errors:
        raise CommonsError(_("Mark every criterion of the grid."), code="invalid", errors=errors)
    review, created = Review.objects.update_or_create(
        resource=resource,
        reviewer=actor,
        review_round=resource.review_round,
        defaults={"recommendation": recommendation, "comment": comment.strip()[:5000]},
    )
    review.marks.all().delete()
    ReviewMark.objects.bulk_create(
        [ReviewMark(review=review, criterion=c, value=marks[c.pk]) for c in criteria]
    )
    audit_record(
        actor=actor,
        action="commons.review_submit" if created else "commons.review_update",
        target=resource,
        data={"round": resource.review_round, "recommendation": recommendation},
    )
    return review


def review_failures(review: Review, criteria: list[ReviewCriterion]) -> list[ReviewCriterion]:
    """The required criteria (scientific robustness…) this review does not pass."""
    values = {mark.criterion_id: mark.value for mark in review.marks.all()}
    return [c for c in criteria if c.required and values.get(c.pk, -1) < c.pass_value]


@transaction.atomic
def resource_decide(*, actor, resource: Resource, outcome: str, reasons: str) -> ResourceDecision:
    """Publish, send back to revise, or refuse a proposed resource, with public reasons.

    At least ``COMMONS_REVIEWS_NEEDED`` reviews of the current round are needed, and a
    publication needs every one of them to pass every required criterion of the grid
    (scientific robustness): otherwise nothing changes and the decision is refused.
    """
    if not rules.has_perm("commons.decide_resource", actor):
        raise _forbidden(_("Only the editorial committee decides."))
    if outcome not in (ResourceStatus.PUBLISHED, ResourceStatus.TO_REVISE, ResourceStatus.REFUSED):
        message = _("Choose a decision.")
        raise CommonsError(message, code="invalid", errors={"outcome": [message]})
    if not reasons.strip():
        message = _("A decision is published with its reasons: write them.")
        raise CommonsError(message, code="invalid", errors={"reasons": [message]})
    resource = lock_row(Resource, resource.pk)
    if resource.status != ResourceStatus.PROPOSED:
        raise CommonsError(
            _("Only a proposed resource can be decided on."), code="not_proposed", status_code=409
        )
    reviews = list(
        Review.objects.filter(resource=resource, review_round=resource.review_round)
        .prefetch_related("marks")
        .order_by("id")
    )
    needed = settings.COMMONS_REVIEWS_NEEDED
    if len(reviews) < needed:
        raise CommonsError(
            _("A decision needs at least %(n)d reviews; this round has %(got)d.")
            % {"n": needed, "got": len(reviews)},
            code="not_enough_reviews",
            status_code=409,
        )
    if outcome == ResourceStatus.PUBLISHED:
        criteria = _criteria()
        failing = {c.label for r in reviews for c in review_failures(r, criteria)}
        if failing:
            raise CommonsError(
                _("It cannot be published: %(criteria)s not passed in every review.")
                % {"criteria": ", ".join(sorted(failing))},
                code="scientific_robustness",
                status_code=409,
            )
    before = resource.status
    resource.status = outcome
    fields = ["status", "updated_at"]
    if outcome == ResourceStatus.PUBLISHED:
        resource.published_at = timezone.now()
        fields.append("published_at")
    resource.save(update_fields=fields)
    decision = ResourceDecision.objects.create(
        resource=resource,
        review_round=resource.review_round,
        outcome=outcome,
        reasons=reasons.strip()[:5000],
        actor=actor,
    )
    audit_record(
        actor=actor,
        action="commons.resource_decide",
        target=resource,
        data={"status_before": before, "status": outcome, "round": resource.review_round},
    )
    if resource.submitted_by_id:
        author = resource.submitted_by
        email_user(
            user=author,
            template_prefix="commons/email/decision",
            context={"resource": resource, "decision": decision, "reviews": reviews},
            key=f"commons-decision-{decision.pk}",
        )
    return decision
