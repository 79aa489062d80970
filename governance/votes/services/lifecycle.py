"""The life of a vote: create, schedule, open, close (and count), on time or by hand.

Locks: a ballot is cast under a shared lock on its vote row (see casting.py) and the close
takes the exclusive lock, so ballots never wait for each other, and the close waits for the
ballots being written, then none is accepted after it: every accepted ballot is counted.
"""

import datetime
from collections.abc import Sequence
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from backend.accounts.models import User
from backend.core.locks import lock_row, lock_row_shared
from backend.core.services import audit_record
from governance.errors import GovernanceError
from governance.models import College
from governance.tally import DEFAULT_GRADES
from governance.votes import notices
from governance.votes.counting import vote_count
from governance.votes.models import (
    Participation,
    Vote,
    VoteMethod,
    VoteNotice,
    VoteOption,
    VoteResult,
    VoteStatus,
)
from governance.votes.selectors import vote_electorate, votes_due
from governance.votes.services.outcome import vote_outcome_apply
from governance.votes.subjects import Subject, option_provider

MAX_OPTIONS = 50
MAX_GRADES = 10


@dataclass(frozen=True)
class OptionInput:
    """A free label, and/or a subject of another app: ``kind`` names its registered
    provider (``governance/votes/subjects.py``), ``ref`` its id."""

    label: str = ""
    ref: int | None = None
    kind: str = VoteOption.PROJECT

    @classmethod
    def project(cls, ref: int, label: str = "") -> "OptionInput":
        return cls(label=label, ref=ref, kind=VoteOption.PROJECT)


def vote_lock_shared(vote: Vote) -> Vote:
    # FOR SHARE: concurrent ballots share it; the close's FOR UPDATE waits for them.
    return lock_row_shared(Vote, vote.pk)


def not_open_error(vote: Vote, now: datetime.datetime) -> GovernanceError:
    if vote.status == VoteStatus.CLOSED or vote.closes_at <= now:
        return GovernanceError(_("This vote is closed."), code="vote_closed", status_code=409)
    return GovernanceError(
        _("This vote is not open yet: it opens on %(date)s.")
        % {"date": date_format(timezone.localtime(vote.opens_at), "DATETIME_FORMAT")},
        code="vote_not_open",
        status_code=409,
    )


def accepts_ballots(vote: Vote, now: datetime.datetime) -> bool:
    return vote.status == VoteStatus.OPEN and vote.opens_at <= now < vote.closes_at


# ---------------------------------------------------------------- create and schedule


def _field_error(field: str, message: str, code: str, status_code: int = 400) -> GovernanceError:
    return GovernanceError(message, code=code, status_code=status_code, errors={field: [message]})


def _grades_clean(method: str, grades: Sequence[str] | None) -> list[str]:
    if method != VoteMethod.MAJORITY_JUDGMENT:
        if grades:
            raise _field_error(
                "grades", _("Grades only apply to majority judgment."), "grades_not_applicable"
            )
        return []
    if not grades:
        return list(DEFAULT_GRADES)
    cleaned = [str(grade).strip() for grade in grades]
    if not 2 <= len(cleaned) <= MAX_GRADES or not all(cleaned):
        raise _field_error(
            "grades",
            _("Give between 2 and %(max)d grade names, worst first.") % {"max": MAX_GRADES},
            "invalid_grades",
        )
    if len(set(cleaned)) != len(cleaned):
        raise _field_error("grades", _("Each grade name must be different."), "invalid_grades")
    return cleaned


def _options_clean(options: Sequence[OptionInput]) -> list[VoteOption]:
    wanted: dict[str, set[int]] = {}
    for option in options:
        if option.ref is not None:
            wanted.setdefault(option.kind, set()).add(option.ref)
    found: dict[str, dict[int, Subject]] = {}
    for kind, refs in wanted.items():
        provider = option_provider(kind)
        found[kind] = provider.resolve(refs) if provider else {}
    cleaned: list[VoteOption] = []
    for option in options:
        subject = None
        if option.ref is not None:
            provider = option_provider(option.kind)
            subject = found[option.kind].get(option.ref)
            if provider is None or subject is None:
                message = (
                    provider.unknown_message(option.ref)
                    if provider
                    else _("Option subject %(kind)s %(id)s does not exist.")
                    % {"kind": option.kind, "id": option.ref}
                )
                raise _field_error("options", message, f"unknown_{option.kind}")
            if not subject.eligible:
                raise _field_error(
                    "options",
                    provider.ineligible_message(subject),
                    f"{option.kind}_not_accepted",
                )
        label = (option.label or "").strip() or (subject.title if subject else "")
        if not label:
            raise _field_error(
                "options", _("Each option needs a label or a project."), "option_label"
            )
        cleaned.append(
            VoteOption(
                label=label[:200],
                subject_kind=subject.kind if subject else None,
                subject_id=subject.ref if subject else None,
                position=len(cleaned),
            )
        )
    if not 2 <= len(cleaned) <= MAX_OPTIONS:
        raise _field_error(
            "options",
            _("A vote needs between 2 and %(max)d options.") % {"max": MAX_OPTIONS},
            "option_count",
        )
    labels = [o.label.casefold() for o in cleaned]
    if len(set(labels)) != len(labels):
        raise _field_error("options", _("Two options have the same label."), "duplicate_option")
    seen: set[tuple[str, int]] = set()
    for option in cleaned:
        if option.subject_id is None:
            continue
        key = (option.subject_kind, option.subject_id)
        if key in seen:
            provider = option_provider(option.subject_kind)
            raise _field_error("options", provider.duplicate_message(), "duplicate_option")
        seen.add(key)
    return cleaned


def _times_clean(
    *, opens_at: datetime.datetime, closes_at: datetime.datetime, now: datetime.datetime
) -> None:
    if timezone.is_naive(opens_at) or timezone.is_naive(closes_at):
        raise _field_error("opens_at", _("Give times with a time zone."), "naive_time")
    if closes_at <= opens_at:
        raise _field_error(
            "closes_at", _("The vote must close after it opens."), "closes_before_opening"
        )
    if closes_at <= now:
        raise _field_error("closes_at", _("The closing time is already past."), "closes_in_past")


def _electorate_clean(colleges: Sequence[College], pioneers_only: bool) -> None:
    if not pioneers_only:
        return
    if not College.objects.filter(is_pioneers=True).exists():
        raise _field_error("electorate", _("There is no pioneers' college."), "no_pioneers_college")
    if colleges and not any(college.is_pioneers for college in colleges):
        raise _field_error(
            "electorate",
            _("A vote for pioneers only must include the pioneers' college."),
            "electorate_empty",
        )


@transaction.atomic
def vote_create(
    *,
    actor: User,
    title: str,
    method: str,
    options: Sequence[OptionInput],
    opens_at: datetime.datetime,
    closes_at: datetime.datetime,
    description: str = "",
    grades: Sequence[str] | None = None,
    secret: bool = True,
    colleges: Sequence[College] = (),
    pioneers_only: bool = False,
) -> Vote:
    """Create a vote over its options; an opening time already past opens it at once."""
    now = timezone.now()
    title = title.strip()
    if not title:
        raise _field_error("title", _("A vote needs a title."), "invalid_title")
    if method not in VoteMethod.values:
        raise _field_error("method", _("Unknown counting method."), "invalid_method")
    grades = _grades_clean(method, grades)
    option_rows = _options_clean(options)
    _times_clean(opens_at=opens_at, closes_at=closes_at, now=now)
    _electorate_clean(colleges, pioneers_only)
    vote = Vote.objects.create(
        title=title[:200],
        description=description.strip(),
        method=method,
        grades=grades,
        secret=secret,
        pioneers_only=pioneers_only,
        opens_at=opens_at,
        closes_at=closes_at,
        created_by=actor,
    )
    vote.colleges.set(colleges)
    for option in option_rows:
        option.vote = vote
    VoteOption.objects.bulk_create(option_rows)
    audit_record(
        actor=actor,
        action="vote.create",
        target=vote,
        data={
            "method": method,
            "options": [o.label for o in option_rows],
            "secret": secret,
            "colleges": [c.slug for c in colleges],
            "pioneers_only": pioneers_only,
        },
    )
    if opens_at <= now:
        vote = vote_open(actor=actor, vote=vote)
    return vote


@transaction.atomic
def vote_schedule(
    *,
    actor: User,
    vote: Vote,
    opens_at: datetime.datetime,
    closes_at: datetime.datetime,
) -> Vote:
    """Move a vote's opening and closing times. Once open, only the closing time moves."""
    now = timezone.now()
    vote = lock_row(Vote, vote.pk)
    if vote.status == VoteStatus.CLOSED:
        raise GovernanceError(
            _("A closed vote cannot be rescheduled."), code="vote_closed", status_code=409
        )
    if vote.status == VoteStatus.OPEN and opens_at != vote.opens_at:
        raise _field_error(
            "opens_at",
            _("This vote is already open: only its closing time can change."),
            "vote_already_open",
            status_code=409,
        )
    _times_clean(opens_at=opens_at, closes_at=closes_at, now=now)
    before = {"opens_at": vote.opens_at.isoformat(), "closes_at": vote.closes_at.isoformat()}
    vote.opens_at, vote.closes_at = opens_at, closes_at
    vote.save(update_fields=["opens_at", "closes_at", "updated_at"])
    audit_record(
        actor=actor,
        action="vote.schedule",
        target=vote,
        data={
            "before": before,
            "after": {"opens_at": opens_at.isoformat(), "closes_at": closes_at.isoformat()},
        },
    )
    if vote.status == VoteStatus.SCHEDULED and opens_at <= now:
        vote = vote_open(actor=actor, vote=vote)
    return vote


# ---------------------------------------------------------------- open and close


@transaction.atomic
def vote_open(*, actor: User | None, vote: Vote, notify: bool = True) -> Vote:
    """Open a scheduled vote now (its opening time, if later, becomes now). Idempotent."""
    from governance.votes.tasks import vote_notice_send_task

    now = timezone.now()
    vote = lock_row(Vote, vote.pk)
    if vote.status != VoteStatus.SCHEDULED:
        return vote
    if vote.closes_at <= now:
        raise GovernanceError(
            _("The closing time is already past."), code="closes_in_past", status_code=409
        )
    vote.status = VoteStatus.OPEN
    vote.opened_at = now
    vote.opens_at = min(vote.opens_at, now)
    vote.save(update_fields=["status", "opened_at", "opens_at", "updated_at"])
    audit_record(actor=actor, action="vote.open", target=vote)
    if notify:
        vote_id = vote.pk
        transaction.on_commit(
            lambda: vote_notice_send_task.delay(vote_id=vote_id, kind=VoteNotice.Kind.OPENING)
        )
    return vote


@transaction.atomic
def vote_close(*, actor: User | None, vote: Vote) -> Vote:
    """Close a vote and count it, once: closing a closed vote changes nothing.

    `actor` None is the scheduler (or a read that found the closing time past): it also
    closes a vote that never opened because no scheduler ran in time.
    """
    now = timezone.now()
    vote = lock_row(Vote, vote.pk)  # waits for the ballots being cast (they hold FOR SHARE)
    if vote.status == VoteStatus.CLOSED:
        return vote
    if vote.status == VoteStatus.SCHEDULED:
        if actor is not None:
            raise GovernanceError(
                _("This vote has not opened yet: change its schedule instead."),
                code="vote_not_open",
                status_code=409,
            )
        vote.opened_at = vote.opens_at
    vote.status = VoteStatus.CLOSED
    vote.closed_at = now
    vote.save(update_fields=["status", "opened_at", "closed_at", "updated_at"])
    option_ids = list(vote.options.order_by("position", "id").values_list("pk", flat=True))
    result = vote_count(vote=vote, option_ids=option_ids)
    electorate = _electorate_count(vote)
    VoteResult.objects.create(
        vote=vote,
        data=result.to_dict(),
        ballot_count=result.ballot_count,
        electorate_count=electorate,
        computed_at=now,
    )
    audit_record(
        actor=actor,
        action="vote.close",
        target=vote,
        data={"ballots": result.ballot_count, "electorate": electorate, "scheduled": actor is None},
    )
    # The result decides (issue 15 §1): in this transaction, under the vote's lock.
    vote_outcome_apply(actor=actor, vote=vote, winners=result.winners(), now=now)
    return vote


def _electorate_count(vote: Vote) -> int:
    """The electorate at the close, plus any voter who has left it since voting (a member
    who resigned after voting still counts): the rate never exceeds 100 %."""
    electorate = vote_electorate(vote=vote).values("pk")
    gone = Participation.objects.filter(vote=vote).exclude(membership_id__in=electorate).count()
    return electorate.count() + gone


def vote_sync(*, vote: Vote, now: datetime.datetime | None = None) -> Vote:
    """Open or close a vote whose time has come, in case the scheduler has not run yet
    (reads call it: an expired vote is closed when someone looks at it)."""
    now = now or timezone.now()
    if vote.status != VoteStatus.CLOSED and vote.closes_at <= now:
        return vote_close(actor=None, vote=vote)
    if vote.status == VoteStatus.SCHEDULED and vote.opens_at <= now:
        return vote_open(actor=None, vote=vote)
    return vote


def votes_sync_due(*, now: datetime.datetime | None = None) -> dict[str, int]:
    """Open and close every vote whose time has come. Safe to run twice, or twice at once."""
    now = now or timezone.now()
    done = {"opened": 0, "closed": 0}
    for vote_id, transition in votes_due(now=now):
        vote = Vote(pk=vote_id)
        if transition == "close":
            vote_close(actor=None, vote=vote)
            done["closed"] += 1
        else:
            try:
                vote_open(actor=None, vote=vote)
            except GovernanceError:  # its closing time passed meanwhile: closed next time
                continue
            done["opened"] += 1
    return done


def vote_notice_send(*, vote_id: int, kind: str) -> int:
    return notices.vote_notice_send(vote_id=vote_id, kind=kind)


def votes_remind_closing(*, now: datetime.datetime | None = None) -> int:
    """Send the 24-hour reminder of every vote in its last day (each vote once)."""
    now = now or timezone.now()
    return sum(
        notices.vote_notice_send(vote_id=vote_id, kind=VoteNotice.Kind.CLOSING_SOON, now=now)
        for vote_id in notices.votes_closing_soon(now=now)
    )
