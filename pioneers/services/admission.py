"""Admission of new pioneers: the application, the jury's scores, the decision."""

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from backend.accounts.models import User
from backend.core.locks import lock_row, lock_rows
from backend.core.outbox import email_user
from backend.core.services import audit_record
from governance import services as governance
from governance.models import College, Membership, MembershipStatus
from pioneers.errors import PioneersError
from pioneers.models import (
    OPEN_STATUSES,
    Application,
    ApplicationDecision,
    ApplicationScore,
    ApplicationStatus,
    Criterion,
    Pioneer,
    Theme,
)
from pioneers.services.profiles import clean_profile_fields, pioneer_create

APPLICATION_FIELDS = (
    "display_name",
    "solution_title",
    "solution_description",
    "motivation",
    "commune",
    "postcode",
    "video_url",
    "website_url",
)


def _clean_application(fields: dict[str, Any]) -> dict[str, Any]:
    unknown = set(fields) - set(APPLICATION_FIELDS)
    if unknown:
        raise PioneersError(
            _("These fields cannot be changed: %(fields)s.")
            % {"fields": ", ".join(sorted(unknown))},
            code="invalid_field",
        )
    motivation = str(fields.get("motivation") or "").strip()
    if len(motivation) > 5000:
        message = _("At most %(limit)d characters (it has %(count)d).") % {
            "limit": 5000,
            "count": len(motivation),
        }
        raise PioneersError(message, code="invalid_application", errors={"motivation": [message]})
    profile = {k: v for k, v in fields.items() if k != "motivation"}
    clean = clean_profile_fields(profile, partial=False)
    if not clean.get("solution_description"):
        message = _("Describe your solution.")
        raise PioneersError(
            message, code="invalid_application", errors={"solution_description": [message]}
        )
    clean.pop("department", None)
    clean["motivation"] = motivation
    return clean


@transaction.atomic
def application_submit(*, user: User, themes: Iterable[Theme] = (), **fields: Any) -> Application:
    """A logged-in person applies to join the pioneers."""
    clean = _clean_application(fields)
    # The person's row serialises their concurrent submissions.
    lock_row(User, user.pk)
    if Pioneer.objects.filter(user=user).exists():
        raise PioneersError(
            _("You are already a pioneer: update your profile instead."),
            code="already_pioneer",
            status_code=409,
        )
    if Application.objects.filter(user=user, status__in=OPEN_STATUSES).exists():
        raise PioneersError(
            _("You already have an application under review."),
            code="already_applied",
            status_code=409,
        )
    application = Application.objects.create(user=user, **clean)
    application.themes.set(list(themes))
    audit_record(actor=user, action="pioneer_application.submit", target=application)
    return application


@transaction.atomic
def application_update(
    *, user: User, application: Application, themes: Iterable[Theme] | None = None, **fields: Any
) -> Application:
    """The candidate completes an open application; one waiting for more information goes
    back to the jury."""
    application = lock_row(Application, application.pk)
    if application.user_id != user.pk:
        raise PioneersError(_("This is not your application."), code="forbidden", status_code=403)
    if not application.is_open:
        raise PioneersError(
            _("This application has been decided."), code="application_closed", status_code=409
        )
    current = {name: getattr(application, name) for name in APPLICATION_FIELDS}
    clean = _clean_application({**current, **fields})
    for name, value in clean.items():
        setattr(application, name, value)
    application.status = ApplicationStatus.SUBMITTED
    application.save(update_fields=[*clean, "status", "updated_at"])
    if themes is not None:
        application.themes.set(list(themes))
    audit_record(actor=user, action="pioneer_application.update", target=application)
    return application


@transaction.atomic
def application_score(
    *, scorer: User, application: Application, criterion: Criterion, value: int, note: str = ""
) -> ApplicationScore:
    """A juror scores (or re-scores) one criterion of an open application."""
    application = lock_row(Application, application.pk)
    if not application.is_open:
        raise PioneersError(
            _("This application has been decided."), code="application_closed", status_code=409
        )
    if not criterion.is_active:
        raise PioneersError(_("This criterion is no longer used."), code="criterion_inactive")
    allowed = set(criterion.levels.values_list("value", flat=True))
    if isinstance(value, bool) or value not in allowed:
        message = _("Choose a level of the criterion's scale.")
        raise PioneersError(message, code="invalid_score", errors={"value": [message]})
    note = (note or "").strip()[:5000]
    score, created = ApplicationScore.objects.update_or_create(
        application=application,
        criterion=criterion,
        scorer=scorer,
        defaults={"value": value, "note": note},
    )
    audit_record(
        actor=scorer,
        action="pioneer_application.score",
        target=application,
        data={"criterion": criterion.slug, "value": value, "revised": not created},
    )
    return score


@transaction.atomic
def application_scores_save(
    *, scorer: User, application: Application, scores: list[tuple[Criterion, int, str]]
) -> list[ApplicationScore]:
    """A juror's whole score sheet at once: every criterion scored, or none."""
    return [
        application_score(
            scorer=scorer, application=application, criterion=criterion, value=value, note=note
        )
        for criterion, value, note in scores
    ]


@dataclass(frozen=True)
class DecisionResult:
    decision: ApplicationDecision
    membership: Membership | None = None
    pioneer: Pioneer | None = None
    notice: str = ""


def _admit_into_pioneers_college(
    *, actor: User, application: Application, reason: str, move_college: bool
) -> tuple[Membership, str]:
    """Make the candidate a member of the pioneers' college, through governance."""
    college = College.objects.filter(is_pioneers=True, is_active=True).first()
    if college is None:
        raise PioneersError(
            _("No active pioneers' college is configured: set one in the administration."),
            code="no_pioneers_college",
            status_code=409,
        )
    user = application.user
    membership = next(iter(lock_rows(Membership.objects.filter(user=user))), None)
    if membership is not None and membership.status == MembershipStatus.EXCLUDED:
        raise PioneersError(
            _("This person was excluded from the cooperative: reinstate them first."),
            code="excluded",
            status_code=409,
        )
    if membership is not None and membership.status == MembershipStatus.MEMBER:
        if membership.college_id == college.pk:
            return membership, _("Already a member of the pioneers' college.")
        if not move_college:
            return membership, _(
                "Already a member in the college « %(college)s »: the college was kept."
            ) % {"college": membership.college.name}
        membership = governance.membership_change_college(
            actor=actor, membership=membership, college=college, note=reason
        )
        return membership, _("Moved to the pioneers' college.")
    if membership is None or membership.status != MembershipStatus.CANDIDATE:
        membership = governance.membership_apply(
            user=user, college=college, motivation=application.motivation
        )
    membership = governance.membership_admit(
        actor=actor, membership=membership, college=college, note=reason, notify=False
    )
    return membership, _("Admitted as member no. %(number)s of the pioneers' college.") % {
        "number": membership.number
    }


def _profile_from(*, actor: User, application: Application) -> Pioneer:
    existing = Pioneer.objects.filter(user=application.user).first()
    if existing is not None:
        return existing
    return pioneer_create(
        actor=actor,
        user=application.user,
        display_name=application.display_name,
        solution_title=application.solution_title,
        solution_description=application.solution_description,
        commune=application.commune,
        postcode=application.postcode,
        video_url=application.video_url,
        website_url=application.website_url,
        themes=list(application.themes.all()),
    )


@transaction.atomic
def application_decide(
    *,
    actor: User,
    application: Application,
    outcome: str,
    reason: str,
    move_college: bool = False,
) -> DecisionResult:
    """Record the coordinator's decision with its reason, and e-mail it.

    « admitted » also makes the person a member of the pioneers' college (through
    governance's services) and creates their profile from the application, in the same
    transaction: either all of it happens or none. A person who is already a member keeps
    their college unless ``move_college`` is set.
    """
    if outcome not in (
        ApplicationStatus.ADMITTED,
        ApplicationStatus.DECLINED,
        ApplicationStatus.MORE_INFO,
    ):
        raise PioneersError(_("Unknown decision."), code="invalid_outcome")
    reason = (reason or "").strip()
    if not reason:
        message = _("Give the reason of the decision.")
        raise PioneersError(message, code="reason_required", errors={"reason": [message]})
    # Lock order: the application, then (in governance) the membership.
    application = lock_row(Application.objects.select_related("user"), application.pk)
    if not application.is_open:
        raise PioneersError(
            _("This application has already been decided."),
            code="application_closed",
            status_code=409,
        )
    membership = pioneer = None
    notice = ""
    if outcome == ApplicationStatus.ADMITTED:
        membership, notice = _admit_into_pioneers_college(
            actor=actor, application=application, reason=reason, move_college=move_college
        )
        pioneer = _profile_from(actor=actor, application=application)
    decision = ApplicationDecision.objects.create(
        application=application, outcome=outcome, reason=reason, actor=actor
    )
    application.status = outcome
    application.decided_at = timezone.now() if outcome != ApplicationStatus.MORE_INFO else None
    application.save(update_fields=["status", "decided_at", "updated_at"])
    audit_record(
        actor=actor,
        action=f"pioneer_application.{outcome}",
        target=application,
        data={"reason": reason, "membership": membership.pk if membership else None},
    )
    email_user(
        user=application.user,
        template_prefix=f"pioneers/email/application_{outcome}",
        context={"application": application, "reason": reason, "membership": membership},
    )
    return DecisionResult(decision=decision, membership=membership, pioneer=pioneer, notice=notice)
