"""Every write of the general assemblies: convening, attendance, proxies, resolutions, votes."""

import datetime
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from backend.accounts.models import User
from backend.core.locks import lock_row, lock_rows
from backend.core.services import audit_record
from governance.assemblies import selectors
from governance.assemblies.counting import CollegeCount, count_resolution
from governance.assemblies.models import (
    Assembly,
    AssemblyDocument,
    AssemblyKind,
    AssemblyStatus,
    Attendance,
    Majority,
    Proxy,
    Resolution,
    ResolutionStatus,
    ResolutionVote,
    VoteChoice,
)
from governance.errors import GovernanceError
from governance.models import College, CooperativeSettings, Membership, MembershipStatus


def _conflict(message: str, code: str) -> GovernanceError:
    return GovernanceError(message, code=code, status_code=409)


# ---------------------------------------------------------------- assemblies


@transaction.atomic
def assembly_create(
    *,
    actor: User,
    title: str,
    date: datetime.datetime,
    kind: str = AssemblyKind.ORDINARY,
    convocation: int = 1,
    place: str = "",
    online_url: str = "",
    description: str = "",
    convened_on: datetime.date | None = None,
) -> Assembly:
    """Create an assembly (draft). With ``convened_on``, record one held in person after the
    fact: it is convened on that date (no e-mail) and opened at once for data entry."""
    if not title.strip():
        raise GovernanceError(
            _("An assembly needs a title."),
            code="title_required",
            errors={"title": [_("An assembly needs a title.")]},
        )
    if kind not in AssemblyKind.values:
        raise GovernanceError(_("Unknown kind of assembly."), code="invalid_kind")
    if convocation not in (1, 2):
        raise GovernanceError(
            _("The convocation is the first or the second."), code="invalid_convocation"
        )
    if timezone.is_naive(date):
        date = timezone.make_aware(date)
    assembly = Assembly.objects.create(
        title=title.strip(),
        date=date,
        kind=kind,
        convocation=convocation,
        place=place,
        online_url=online_url,
        description=description,
        created_by=actor,
    )
    audit_record(actor=actor, action="assembly.create", target=assembly)
    if convened_on is not None:
        if date > timezone.now():
            raise GovernanceError(
                _("Only an assembly whose date has passed can be recorded after the fact."),
                code="not_in_the_past",
                errors={"date": [_("This date is in the future.")]},
            )
        _check_notice(assembly, convened_on)
        assembly.status = AssemblyStatus.CONVENED
        assembly.convened_on = convened_on
        assembly.save(update_fields=["status", "convened_on", "updated_at"])
        assembly_open(actor=actor, assembly=assembly)
        assembly.refresh_from_db()
    return assembly


def _check_notice(assembly: Assembly, convened_on: datetime.date) -> None:
    notice = CooperativeSettings.load().assembly_notice_days
    assembly_day = timezone.localtime(assembly.date).date()
    if (assembly_day - convened_on).days < notice:
        latest = assembly_day - datetime.timedelta(days=notice)
        raise GovernanceError(
            _(
                "Members must be convened at least %(days)d days before the assembly: "
                "convene on %(latest)s at the latest, or move the assembly."
            )
            % {"days": notice, "latest": latest.strftime("%d/%m/%Y")},
            code="notice_period",
        )


@transaction.atomic
def assembly_convene(*, actor: User, assembly: Assembly) -> Assembly:
    """Convene the members: each receives the agenda with an iCalendar invitation."""
    assembly = lock_row(Assembly, assembly.pk)
    if assembly.status != AssemblyStatus.DRAFT:
        raise _conflict(_("This assembly has already been convened."), "already_convened")
    today = timezone.localdate()
    _check_notice(assembly, today)
    assembly.status = AssemblyStatus.CONVENED
    assembly.convened_on = today
    assembly.save(update_fields=["status", "convened_on", "updated_at"])
    audit_record(actor=actor, action="assembly.convene", target=assembly)
    from governance.assemblies.tasks import assembly_convocations_send

    transaction.on_commit(lambda: assembly_convocations_send.delay(assembly.pk))
    return assembly


def assembly_convocations_send(*, assembly_id: int) -> int:
    """Queue the convocation of every member not yet convened (the Celery task after
    ``assembly_convene``): safe to run twice, each e-mail's outbox key is queued once."""
    from governance.assemblies.notifications import assembly_convocations_queue

    queued = assembly_convocations_queue(assembly_id=assembly_id)
    if queued:
        audit_record(
            actor=None,
            action="assembly.convocations_sent",
            target=Assembly.objects.get(pk=assembly_id),
            data={"sent": queued},
        )
    return queued


@transaction.atomic
def assembly_document_add(*, actor: User, assembly: Assembly, title: str, file) -> AssemblyDocument:
    """Attach a document (checked by ``forms.DocumentForm``) to an assembly."""
    assembly = lock_row(Assembly, assembly.pk)
    document = AssemblyDocument.objects.create(assembly=assembly, title=title, file=file)
    audit_record(
        actor=actor,
        action="assembly.document_add",
        target=assembly,
        data={"document": document.pk, "title": title},
    )
    return document


@transaction.atomic
def assembly_open(*, actor: User, assembly: Assembly) -> Assembly:
    assembly = lock_row(Assembly, assembly.pk)
    if assembly.status != AssemblyStatus.CONVENED:
        raise _conflict(_("Only a convened assembly can be opened."), "not_convened")
    if timezone.localtime(assembly.date).date() > timezone.localdate():
        raise _conflict(_("The assembly can be opened on its day, not before."), "too_early")
    assembly.status = AssemblyStatus.OPEN
    assembly.opened_at = timezone.now()
    assembly.members_with_voting_rights = Membership.objects.filter(
        status=MembershipStatus.MEMBER
    ).count()
    assembly.save(update_fields=["status", "opened_at", "members_with_voting_rights", "updated_at"])
    audit_record(
        actor=actor,
        action="assembly.open",
        target=assembly,
        data={"members_with_voting_rights": assembly.members_with_voting_rights},
    )
    return assembly


@transaction.atomic
def assembly_close(*, actor: User, assembly: Assembly) -> Assembly:
    assembly = lock_row(Assembly, assembly.pk)
    if assembly.status != AssemblyStatus.OPEN:
        raise _conflict(_("Only an open assembly can be closed."), "not_open")
    for resolution in assembly.resolutions.filter(status=ResolutionStatus.OPEN):
        resolution_close(actor=actor, resolution=resolution)
    assembly.status = AssemblyStatus.CLOSED
    assembly.closed_at = timezone.now()
    assembly.save(update_fields=["status", "closed_at", "updated_at"])
    audit_record(actor=actor, action="assembly.close", target=assembly)
    return assembly


# ---------------------------------------------------------------- attendance and proxies


def _require_member(membership: Membership) -> None:
    if membership.status != MembershipStatus.MEMBER:
        raise GovernanceError(
            _("%(name)s has no voting rights (not an active member).")
            % {"name": membership.display_name},
            code="no_voting_rights",
            status_code=403,
        )


@transaction.atomic
def attendance_mark_present(
    *, actor: User, assembly: Assembly, membership: Membership
) -> Attendance:
    """A member attends: their own proxy, if they gave one, is void."""
    assembly = lock_row(Assembly, assembly.pk)
    _require_member(membership)
    lock_rows(Membership, [membership.pk])
    return _attendance_record(actor=actor, assembly=assembly, membership=membership)


def _attendance_record(*, actor: User, assembly: Assembly, membership: Membership) -> Attendance:
    """The caller holds the assembly's and the membership's row locks."""
    if assembly.status not in (AssemblyStatus.CONVENED, AssemblyStatus.OPEN):
        raise _conflict(
            _("Attendance is recorded once the assembly is convened and until it closes."),
            "attendance_closed",
        )
    attendance, created = Attendance.objects.get_or_create(
        assembly=assembly, membership=membership, defaults={"recorded_by": actor}
    )
    if created:
        Proxy.objects.filter(assembly=assembly, giver=membership, revoked_at__isnull=True).update(
            revoked_at=timezone.now(), revoked_reason="attended"
        )
        audit_record(actor=actor, action="assembly.attend", target=attendance)
    return attendance


@transaction.atomic
def proxy_give(*, actor: User, assembly: Assembly, giver: Membership, holder: Membership) -> Proxy:
    """``giver`` asks ``holder`` to vote for them. No chains, a maximum per holder, and
    (for members themselves) only until the assembly opens."""
    assembly = lock_row(Assembly, assembly.pk)
    by_coordinator = actor.has_perm("governance.manage_assemblies")
    allowed = {AssemblyStatus.CONVENED} | ({AssemblyStatus.OPEN} if by_coordinator else set())
    if assembly.status not in allowed:
        raise _conflict(
            _("Proxies can be given once the assembly is convened and until it opens."),
            "proxy_closed",
        )
    if giver.pk == holder.pk:
        raise GovernanceError(_("A member cannot give a proxy to themselves."), code="proxy_self")
    locked = {m.pk: m for m in lock_rows(Membership, [giver.pk, holder.pk])}
    giver, holder = locked[giver.pk], locked[holder.pk]
    _require_member(giver)
    _require_member(holder)
    active = selectors.active_proxies(assembly=assembly)
    if Attendance.objects.filter(assembly=assembly, membership=giver).exists():
        raise _conflict(_("A member who attends cannot give a proxy."), "giver_present")
    if active.filter(giver=holder).exists():
        raise _conflict(
            _("%(name)s has given their own proxy: proxies cannot be chained.")
            % {"name": holder.display_name},
            "proxy_chain",
        )
    if active.filter(holder=giver).exists():
        raise _conflict(
            _("You hold proxies for other members: you cannot give yours."), "proxy_chain"
        )
    limit = CooperativeSettings.load().max_proxies_per_holder
    if active.filter(holder=holder).exclude(giver=giver).count() >= limit:
        raise _conflict(
            _("%(name)s already holds the maximum of %(limit)d proxies.")
            % {"name": holder.display_name, "limit": limit},
            "proxy_limit",
        )
    active.filter(giver=giver).update(revoked_at=timezone.now(), revoked_reason="replaced")
    proxy = Proxy.objects.create(assembly=assembly, giver=giver, holder=holder)
    audit_record(actor=actor, action="assembly.proxy", target=proxy)
    return proxy


@transaction.atomic
def proxy_revoke(*, actor: User, assembly: Assembly, giver: Membership) -> int:
    assembly = lock_row(Assembly, assembly.pk)
    if assembly.status != AssemblyStatus.CONVENED and not actor.has_perm(
        "governance.manage_assemblies"
    ):
        raise _conflict(_("A proxy can be revoked until the assembly opens."), "proxy_closed")
    revoked = (
        selectors.active_proxies(assembly=assembly)
        .filter(giver=giver)
        .update(revoked_at=timezone.now(), revoked_reason="revoked")
    )
    if revoked:
        audit_record(
            actor=actor, action="assembly.proxy_revoke", target=assembly, data={"giver": giver.pk}
        )
    return revoked


# ---------------------------------------------------------------- resolutions


@transaction.atomic
def resolution_create(
    *, actor: User, assembly: Assembly, title: str, text: str, majority: str = Majority.SIMPLE
) -> Resolution:
    assembly = lock_row(Assembly, assembly.pk)
    if assembly.status == AssemblyStatus.CLOSED:
        raise _conflict(_("The assembly is closed."), "assembly_closed")
    if not title.strip() or not text.strip():
        raise GovernanceError(_("A resolution needs a title and a text."), code="resolution_empty")
    if majority not in Majority.values:
        raise GovernanceError(
            _("Unknown majority."),
            code="invalid_majority",
            errors={"majority": [_("Unknown majority.")]},
        )
    position = assembly.resolutions.count() + 1
    resolution = Resolution.objects.create(
        assembly=assembly,
        title=title.strip(),
        text=text.strip(),
        majority=majority,
        position=position,
    )
    audit_record(actor=actor, action="resolution.create", target=resolution)
    return resolution


@transaction.atomic
def resolution_open(*, actor: User, resolution: Resolution) -> Resolution:
    from governance.services import colleges_assert_ready_for_vote

    lock_row(Assembly, resolution.assembly_id)  # the assembly first: see LOCK_ORDER
    resolution = lock_row(
        Resolution.objects.select_related("assembly"), resolution.pk, of=("self",)
    )
    if resolution.status != ResolutionStatus.DRAFT:
        raise _conflict(_("This resolution has already been put to the vote."), "already_open")
    if resolution.assembly.status != AssemblyStatus.OPEN:
        raise _conflict(_("Votes open once the assembly is open."), "assembly_not_open")
    if College.objects.exists():
        colleges_assert_ready_for_vote()
    quorum = selectors.assembly_quorum(assembly=resolution.assembly)
    if not quorum.reached:
        raise _conflict(
            _(
                "The quorum is not reached: %(counted)d of %(total)d members present or "
                "represented, %(needed)s needed."
            )
            % {
                "counted": quorum.counted,
                "total": quorum.with_voting_rights,
                "needed": f"{float(quorum.threshold) * 100:g} %",
            },
            "quorum_not_reached",
        )
    resolution.status = ResolutionStatus.OPEN
    resolution.opened_at = timezone.now()
    resolution.quorum_reached = True
    resolution.quorum_ratio = quorum.ratio
    resolution.save(update_fields=["status", "opened_at", "quorum_reached", "quorum_ratio"])
    audit_record(
        actor=actor, action="resolution.open", target=resolution, data={"quorum": quorum.ratio}
    )
    return resolution


@transaction.atomic
def resolution_close(*, actor: User, resolution: Resolution) -> Resolution:
    """Close the vote and store its result, counted from one aggregate query."""
    # Only the resolution's row: assembly_close calls this with the assembly locked.
    resolution = lock_row(
        Resolution.objects.select_related("assembly"), resolution.pk, of=("self",)
    )
    if resolution.status != ResolutionStatus.OPEN:
        raise _conflict(_("This resolution's vote is not open."), "not_open")
    counts = {
        row["college_id"]: row for row in selectors.resolution_choice_counts(resolution=resolution)
    }
    colleges = list(College.objects.filter(is_active=True) | College.objects.filter(pk__in=counts))
    tallies = [
        CollegeCount(
            college=c.slug,
            weight=Decimal(c.vote_weight),
            yes=counts.get(c.pk, {}).get("yes", 0),
            no=counts.get(c.pk, {}).get("no", 0),
            abstain=counts.get(c.pk, {}).get("abstain", 0),
        )
        for c in sorted(colleges, key=lambda c: (c.position, c.name))
    ]
    outcome = count_resolution(
        tallies,
        majority=resolution.majority,
        silent_college_counts_as_no=CooperativeSettings.load().silent_college_counts_as_no,
    )
    resolution.status = ResolutionStatus.CLOSED
    resolution.closed_at = timezone.now()
    resolution.adopted = outcome.adopted
    resolution.weighted_yes = float(outcome.weighted_yes)
    resolution.result = outcome.to_dict()
    resolution.save(update_fields=["status", "closed_at", "adopted", "weighted_yes", "result"])
    audit_record(
        actor=actor,
        action="resolution.close",
        target=resolution,
        data={"adopted": outcome.adopted, "weighted_yes": resolution.weighted_yes},
    )
    return resolution


@transaction.atomic
def resolution_vote_cast(
    *, user: User, resolution: Resolution, choice: str, on_behalf_of: Membership | None = None
) -> ResolutionVote:
    """A member votes for themselves, or for a member whose proxy they hold. Voting checks
    the member in. A new vote by the same voter for the same member replaces the first."""
    if choice not in VoteChoice.values:
        raise GovernanceError(
            _("Vote yes, no or abstain."),
            code="invalid_choice",
            errors={"choice": [_("Vote yes, no or abstain.")]},
        )
    # The resolution row is the lock: a vote and the close never interleave. The
    # assembly's row comes first (voting checks the voter in).
    lock_row(Assembly, resolution.assembly_id)
    resolution = lock_row(
        Resolution.objects.select_related("assembly"), resolution.pk, of=("self",)
    )
    if resolution.status != ResolutionStatus.OPEN:
        raise _conflict(_("This resolution's vote is not open."), "vote_closed")
    voter = Membership.objects.filter(user=user).first()
    if voter is None:
        raise GovernanceError(
            _("Only members vote in the general assembly."), code="not_a_member", status_code=403
        )
    _require_member(voter)
    assembly = resolution.assembly
    member = on_behalf_of or voter
    if (
        member.pk != voter.pk
        and not selectors.active_proxies(assembly=assembly)
        .filter(giver=member, holder=voter)
        .exists()
    ):
        raise GovernanceError(
            _("You do not hold a proxy for this member."), code="no_proxy", status_code=403
        )
    locked = {m.pk: m for m in lock_rows(Membership, [voter.pk, member.pk])}
    member = locked[member.pk]
    _require_member(member)
    if not Attendance.objects.filter(assembly=assembly, membership=voter).exists():
        _attendance_record(actor=user, assembly=assembly, membership=voter)
    existing = ResolutionVote.objects.filter(resolution=resolution, member=member).first()
    if existing:
        if existing.cast_by_id != voter.pk and voter.pk != member.pk:
            raise _conflict(
                _("%(name)s has already voted on this resolution.") % {"name": member.display_name},
                "already_voted",
            )
        existing.choice, existing.cast_by = choice, voter
        existing.save(update_fields=["choice", "cast_by", "updated_at"])
        return existing
    try:
        with transaction.atomic():
            vote = ResolutionVote.objects.create(
                resolution=resolution,
                member=member,
                cast_by=voter,
                college_id=member.college_id,
                choice=choice,
            )
    except IntegrityError:  # the unique constraint is the last word on "one vote per member"
        raise _conflict(
            _("%(name)s has already voted on this resolution.") % {"name": member.display_name},
            "already_voted",
        ) from None
    return vote
