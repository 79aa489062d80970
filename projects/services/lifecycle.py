from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from backend.accounts.models import User
from backend.accounts.roles import coordinators
from backend.core.locks import lock_row, lock_rows
from backend.core.outbox import email_user
from backend.core.services import audit_record
from governance.models import CooperativeSettings
from projects.errors import ProjectError
from projects.lifecycle import VOTE_OUTCOME_MOVES, step_for
from projects.models import Project, ProjectStatus, ProjectTransition
from projects.needs import project_needs_changed
from projects.notifications import notify_users
from projects.roles import project_roles
from projects.selectors import queue_next, ranking_latest_snapshot
from projects.services._common import forbidden


@transaction.atomic
def project_transition(
    *, actor: User, project: Project, to: str, reason: str = ""
) -> ProjectTransition:
    """Move a project one step in its lifecycle, record who/when/why, e-mail its authors."""
    if not actor or not actor.is_authenticated:
        raise forbidden()
    coop = None
    if to == ProjectStatus.IN_PROGRESS:
        # Starts wait for each other on the cooperative's settings row (one row, always
        # there, locked before the project as LOCK_ORDER says): two at once cannot both
        # take the last place in progress.
        coop = lock_row(CooperativeSettings, CooperativeSettings.load().pk)
    project = lock_row(
        Project, project.pk
    )  # two coordinators clicking at once: one wins, one gets 409
    current = project.status
    if to not in ProjectStatus.values:
        raise ProjectError(
            _("Unknown state."), code="unknown_state", errors={"to": [_("Unknown state.")]}
        )
    step = step_for(current, to)
    if step is None:
        raise ProjectError(
            _("A project cannot go from « %(from)s » to « %(to)s ».")
            % {"from": ProjectStatus(current).label, "to": ProjectStatus(to).label},
            code="invalid_transition",
            status_code=409,
        )
    if not step.roles & project_roles(actor, project):
        raise forbidden(_("You are not allowed to make this change."), code="transition_forbidden")
    reason = (reason or "").strip()
    if step.reason_required and not reason:
        message = _("A reason is required for this decision.")
        raise ProjectError(message, code="reason_required", errors={"reason": [message]})
    start = _start_check(project, coop, reason) if coop is not None else {}
    project.status = to
    project.save(update_fields=["status", "updated_at"])
    transition = ProjectTransition.objects.create(
        project=project,
        from_status=current,
        to_status=to,
        actor=actor,
        reason=reason,
        out_of_order=bool(start.get("out_of_order")),
    )
    audit_record(
        actor=actor,
        action="project.transition",
        target=project,
        data={"from": current, "to": to, "reason": reason, **start},
    )
    # A selected or running project's needs become requests in the place des marchés
    # (and stop being requests once it leaves those states).
    project_needs_changed(actor=actor, project=project)
    notify_users(
        users=list(project.authors.all()),
        template_prefix="projects/email/transition",
        context={"project": project, "transition": transition, "actor": actor},
    )
    return transition


def _start_check(project: Project, coop: CooperativeSettings, reason: str) -> dict:
    """Projects are carried out one by one, in order of impact (issue 15 §2): refuse a start
    beyond the cap (409, naming what runs), and a start out of the published order without
    a public reason (400). What the audit keeps of the start."""
    running = list(
        Project.objects.filter(status=ProjectStatus.IN_PROGRESS)
        .exclude(pk=project.pk)
        .order_by("pk")
        .values_list("title", flat=True)[: coop.max_projects_in_progress + 1]
    )
    if len(running) >= coop.max_projects_in_progress:
        raise ProjectError(
            ngettext(
                "« %(titles)s » is already in progress: projects are carried out one by one "
                "(at most %(max)d at a time).",
                "« %(titles)s » are already in progress: projects are carried out one by one "
                "(at most %(max)d at a time).",
                len(running),
            )
            % {"titles": " », « ".join(running), "max": coop.max_projects_in_progress},
            code="too_many_in_progress",
            status_code=409,
        )
    first = queue_next(snapshot=ranking_latest_snapshot())
    if first is None or first.pk == project.pk:
        return {}
    if not reason:
        message = _(
            "« %(first)s » comes first in the published ranking: starting another project "
            "needs a public reason."
        ) % {"first": first.title}
        raise ProjectError(message, code="reason_required", errors={"reason": [message]})
    return {"out_of_order": True, "first_in_ranking": first.pk}


def _vote_outcome_refusal(project: Project) -> ProjectError:
    return ProjectError(
        _("« %(title)s » is « %(state)s »: the vote's result can no longer change it.")
        % {"title": project.title, "state": ProjectStatus(project.status).label},
        code="project_started",
        status_code=409,
    )


def _vote_tie_tell(*, vote, tied: list[int]) -> None:
    """The coordinators choose among tied projects: each told once, in their language (the
    outbox is written in the count's transaction, sent once it commits)."""
    tied_refs = set(tied)
    options = [o for o in vote.options.order_by("position", "id") if o.project_ref in tied_refs]
    for coordinator in coordinators():
        email_user(
            user=coordinator,
            template_prefix="governance/email/vote_outcome_tie",
            context={"vote": vote, "tied": options},
            key=f"vote-outcome-tie-{vote.pk}-to-{coordinator.pk}",
        )


@transaction.atomic
def project_vote_outcome_apply(
    *,
    vote,
    actor: User | None,
    winner: int | None,
    tied: list[int],
    others: list[int],
    reason: str = "",
) -> list[ProjectTransition]:
    """A vote's result applied to its projects (issue 15 §1): the winner selected, the other
    options' projects not selected, tied ones left accepted for a vote. Each move is a
    transition whose cause is the vote (and the coordinator's public reason on an override).

    At the close (no reason) a project that has moved on meanwhile is left as it is; on an
    override, a project already started or closed refuses the whole override (409).
    """
    override = bool(reason)
    if tied and not override:
        _vote_tie_tell(vote=vote, tied=tied)
    wanted = dict.fromkeys(others, ProjectStatus.NOT_SELECTED)
    if winner is not None:
        wanted[winner] = ProjectStatus.SELECTED
    projects = lock_rows(Project, wanted)
    cause = _("Result of the vote « %(title)s ».") % {"title": vote.title}
    if override:
        cause = _("The coordinator overrode the result of the vote « %(title)s »: %(reason)s") % {
            "title": vote.title,
            "reason": reason,
        }
    moves = []
    for project in projects:
        to = wanted[project.pk]
        if project.status == to:
            continue
        if (project.status, to) not in VOTE_OUTCOME_MOVES:
            if override:
                raise _vote_outcome_refusal(project)
            continue
        moves.append((project, to))
    done = []
    for project, to in moves:
        current = project.status
        project.status = to
        project.save(update_fields=["status", "updated_at"])
        transition = ProjectTransition.objects.create(
            project=project, from_status=current, to_status=to, actor=actor, reason=cause
        )
        audit_record(
            actor=actor,
            action="project.transition",
            target=project,
            data={
                "from": current,
                "to": to,
                "reason": cause,
                "cause": {"vote": vote.pk, "override": override},
            },
        )
        project_needs_changed(actor=actor, project=project)
        notify_users(
            users=list(project.authors.all()),
            template_prefix="projects/email/transition",
            context={"project": project, "transition": transition, "actor": actor},
        )
        done.append(transition)
    return done
