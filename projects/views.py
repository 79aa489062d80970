"""HTML pages of the projects: thin views over the same services and selectors as the API."""

from collections.abc import Callable

import rules
from django import forms as django_forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from backend.accounts.models import User
from backend.core.forms import error_status, form_action
from backend.core.panels import page_panels
from backend.core.permissions import rule_required
from pioneers.models import Theme
from projects import forms, selectors, services
from projects.errors import ProjectError
from projects.followup import followup_figures
from projects.lifecycle import FOLLOWED_STATES, targets_for
from projects.models import Comment, Milestone, Project, ProjectStatus
from projects.roles import is_author, project_roles
from projects.services.concern import CONCERN_OPEN_STATES
from projects.services.discussion import COMMENT_EDIT_WINDOW
from projects.services.ranking import Move

RANKING_PAGE_SIZE = 50


def _project_or_404(request: HttpRequest, slug: str) -> Project:
    try:
        return selectors.project_get(user=request.user, slug=slug)
    except Project.DoesNotExist as exc:
        raise Http404 from exc


def project_list(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("status") or ""
    if status not in ProjectStatus.values:
        status = ""
    author_raw = request.GET.get("author") or ""
    author_id = int(author_raw) if author_raw.isdigit() else None
    themes = list(Theme.objects.order_by("position", "slug"))
    theme = request.GET.get("theme") or ""
    if theme not in {t.slug for t in themes}:
        theme = ""
    projects = selectors.project_list(
        user=request.user, status=status or None, author_id=author_id, theme=theme or None
    )
    page = Paginator(projects, 20).get_page(request.GET.get("page"))
    author = User.objects.filter(pk=author_id).first() if author_id else None
    return render(
        request,
        "projects/list.html",
        {
            "page": page,
            "statuses": ProjectStatus.choices,
            "status": status,
            "themes": themes,
            "theme": theme,
            "author": author,
            "can_propose": request.user.has_perm("projects.propose_project"),
        },
    )


def _detail_context(request: HttpRequest, project: Project) -> dict:
    roles = project_roles(request.user, project)
    return {
        "project": project,
        "roles": roles,
        "is_author": is_author(request.user, project),
        "targets": [(t, ProjectStatus(t).label) for t in targets_for(project.status, roles)],
        "comments": selectors.project_comments(project=project),
        "comment_form": forms.CommentForm(),
        "can_flag": project.status in CONCERN_OPEN_STATES
        # The rule itself: Django's superuser shortcut would offer a button the service refuses.
        and rules.has_perm("projects.flag_concern", request.user, project),
        "followed": project.status in FOLLOWED_STATES,
        "sections": page_panels("projects:detail:sections", request, project),
        "vote_decisions": selectors.project_vote_decisions(project=project),
        "panels": page_panels("projects:detail", request, project),
        "followup_figures": followup_figures(project) if project.status in FOLLOWED_STATES else [],
        "update_form": forms.UpdateForm(),
        "milestone_form": forms.MilestoneForm(),
        "attachment_form": forms.AttachmentForm(),
        "edit_window_minutes": int(COMMENT_EDIT_WINDOW.total_seconds() // 60),
        "latest_progress": project.updates.all()[0].progress_percent
        if project.updates.all()
        else None,
    }


def project_detail(request: HttpRequest, slug: str) -> HttpResponse:
    project = _project_or_404(request, slug)
    return render(request, "projects/detail.html", _detail_context(request, project))


def _on_detail(
    request: HttpRequest,
    slug: str,
    form: django_forms.Form,
    run,
    *,
    success: str | Callable,
    invalid: str = "",
    form_name: str = "form",
) -> HttpResponse:
    """An action posted from the project's page: back to the page (PRG), or the page
    again with the form and the message (400, 409 for a conflict of state)."""
    return form_action(
        request,
        form,
        run,
        template="projects/detail.html",
        # Read again: a refused action leaves the project as it is in the database.
        context=lambda: _detail_context(request, _project_or_404(request, slug)),
        success_url=reverse("projects:detail", kwargs={"slug": slug}),
        success_message=success,
        invalid_message=invalid,
        form_name=form_name,
    )


@login_required
@require_http_methods(["GET", "POST"])
def project_create(request: HttpRequest) -> HttpResponse:
    if not request.user.has_perm("projects.propose_project"):
        messages.error(request, _("Only active members can propose a project."))
        return redirect("projects:list")
    form = forms.ProjectForm(request.POST or None)
    return form_action(
        request,
        form,
        lambda data: services.project_create(actor=request.user, **form.service_values()),
        template="projects/form.html",
        context={"project": None},
        success_url=lambda project: project.get_absolute_url(),
        success_message=_("Your draft is saved. Submit it when it is ready."),
    )


@login_required
@require_http_methods(["GET", "POST"])
def project_edit(request: HttpRequest, slug: str) -> HttpResponse:
    project = _project_or_404(request, slug)
    if not request.user.has_perm("projects.edit_project", project):
        # Only its authors and the coordinator edit a project: no form for anyone else.
        raise PermissionDenied
    form = forms.ProjectForm(
        request.POST or None,
        initial=forms.ProjectForm.initial_for(project),
        needs_rows=project.needs.count(),
    )
    return form_action(
        request,
        form,
        lambda data: services.project_update(
            actor=request.user, project=project, **form.service_values()
        ),
        template="projects/form.html",
        context={"project": project},
        success_url=project.get_absolute_url(),
        success_message=_("The project is saved."),
    )


@login_required
@require_POST
def project_transition(request: HttpRequest, slug: str) -> HttpResponse:
    project = _project_or_404(request, slug)
    form = forms.TransitionForm(request.POST)
    return _on_detail(
        request,
        slug,
        form,
        lambda data: services.project_transition(
            actor=request.user, project=project, to=data["to"], reason=data["reason"]
        ),
        success=lambda transition: (
            _("The project is now « %(state)s ».")
            % {"state": ProjectStatus(transition.to_status).label}
        ),
        invalid=_("Choose a valid state."),
        form_name="transition_form",
    )


@login_required
@require_POST
def project_concern(request: HttpRequest, slug: str) -> HttpResponse:
    """Toggle "this project concerns me"; htmx swaps the button in place."""
    project = _project_or_404(request, slug)
    error = None
    try:
        if request.POST.get("concerned") == "1":
            services.concern_flag(actor=request.user, project=project)
        else:
            services.concern_unflag(actor=request.user, project=project)
    except ProjectError as err:
        error = err
    project = _project_or_404(request, slug)
    if request.htmx:
        return render(
            request,
            "projects/_concern.html",
            {"project": project, "can_flag": True, "concern_error": error.message if error else ""},
        )
    if error is None:
        return redirect(project)
    messages.error(request, error.message)
    return render(
        request,
        "projects/detail.html",
        _detail_context(request, project),
        status=error_status(error),
    )


@login_required
@require_POST
def attachment_add(request: HttpRequest, slug: str) -> HttpResponse:
    project = _project_or_404(request, slug)
    form = forms.AttachmentForm(request.POST, request.FILES)
    return _on_detail(
        request,
        slug,
        form,
        lambda data: services.attachment_add(
            actor=request.user, project=project, upload=data["file"], title=data["title"]
        ),
        success=_("The attachment is added."),
        invalid=_("Choose a file to attach."),
        form_name="attachment_form",
    )


# ---------------------------------------------------------------- discussion


@login_required
@require_POST
def comment_create(request: HttpRequest, slug: str) -> HttpResponse:
    project = _project_or_404(request, slug)
    form = forms.CommentForm(request.POST)

    def run(data: dict) -> Comment:
        parent_id = data.get("parent")
        parent = get_object_or_404(Comment, pk=parent_id, project=project) if parent_id else None
        return services.comment_create(
            actor=request.user, project=project, body=data["body"], parent=parent
        )

    return _on_detail(
        request,
        slug,
        form,
        run,
        success=_("Your comment is published."),
        invalid=_("A comment cannot be empty."),
        form_name="comment_form",
    )


def _comment(request: HttpRequest, slug: str, pk: int) -> Comment:
    project = _project_or_404(request, slug)
    return get_object_or_404(Comment, pk=pk, project=project)


@login_required
@require_POST
def comment_edit(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    comment = _comment(request, slug, pk)
    return _on_detail(
        request,
        slug,
        forms.CommentBodyForm(request.POST),
        lambda data: services.comment_edit(actor=request.user, comment=comment, body=data["body"]),
        success=_("Your comment is updated."),
        form_name="comment_edit_form",
    )


@login_required
@require_POST
def comment_report(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    comment = _comment(request, slug, pk)
    return _on_detail(
        request,
        slug,
        forms.ServiceReasonForm(request.POST),
        lambda data: services.comment_report(
            actor=request.user, comment=comment, reason=data["reason"]
        ),
        success=_("Thank you: the coordinator will look at this comment."),
        form_name="report_form",
    )


@login_required
@require_POST
def comment_hide(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    comment = _comment(request, slug, pk)
    return _on_detail(
        request,
        slug,
        forms.ServiceReasonForm(request.POST),
        lambda data: services.comment_hide(
            actor=request.user, comment=comment, reason=data["reason"]
        ),
        success=_("The comment is hidden."),
        form_name="hide_form",
    )


# ---------------------------------------------------------------- follow-up


@login_required
@require_POST
def update_create(request: HttpRequest, slug: str) -> HttpResponse:
    project = _project_or_404(request, slug)
    return _on_detail(
        request,
        slug,
        forms.UpdateForm(request.POST),
        lambda data: services.project_update_create(actor=request.user, project=project, **data),
        success=_("The update is published."),
        invalid=_("An update needs some text and a progress between 0 and 100 %."),
        form_name="update_form",
    )


@login_required
@require_POST
def milestone_create(request: HttpRequest, slug: str) -> HttpResponse:
    project = _project_or_404(request, slug)
    return _on_detail(
        request,
        slug,
        forms.MilestoneForm(request.POST),
        lambda data: services.milestone_create(actor=request.user, project=project, **data),
        success=_("The milestone is added."),
        invalid=_("A milestone needs a title."),
        form_name="milestone_form",
    )


@login_required
@require_POST
def milestone_done(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    project = _project_or_404(request, slug)
    milestone = get_object_or_404(Milestone, pk=pk, project=project)
    done_on = None if milestone.done_on else timezone.localdate()
    return _on_detail(
        request,
        slug,
        django_forms.Form(request.POST),
        lambda data: services.milestone_set_done(
            actor=request.user, milestone=milestone, done_on=done_on
        ),
        success=_("The milestone is updated."),
        form_name="milestone_done_form",
    )


# ---------------------------------------------------------------- coordinator and ranking


@rule_required("projects.review_project")
def review(request: HttpRequest) -> HttpResponse:
    """The coordinator's review screen: what waits for a decision."""
    waiting = selectors.project_list(user=request.user).filter(
        status__in=[
            ProjectStatus.SUBMITTED,
            ProjectStatus.IN_REVIEW,
            ProjectStatus.ACCEPTED_FOR_VOTE,
        ]
    )
    return render(request, "projects/review.html", {"projects": waiting[:200]})


@require_http_methods(["GET", "POST"])
def ranking(request: HttpRequest) -> HttpResponse:
    snapshot = selectors.ranking_latest_snapshot()
    if not request.user.has_perm("projects.publish_ranking"):
        if request.method == "POST":
            raise Http404
        return render(request, "projects/ranking.html", _ranking_context(request, snapshot))
    form = forms.RankingForm(request.POST or None)
    return form_action(
        request,
        form,
        lambda data: services.ranking_publish(
            actor=request.user,
            weight_concern=data["weight_concern"],
            weight_cost=data["weight_cost"],
            weight_self_financing=data["weight_self_financing"],
            extra_weights=form.extra_weights(),
            note=data["note"],
            moves=_ranking_moves(data),
        ),
        template="projects/ranking.html",
        context=lambda: _ranking_context(request, selectors.ranking_latest_snapshot()),
        success_url=reverse("projects:ranking"),
        success_message=_("The ranking is published."),
    )


def _ranking_moves(data: dict) -> list[Move]:
    if not data.get("move_project"):
        return []
    return [
        Move(
            project_id=data["move_project"],
            rank=data["move_rank"],
            justification=data["move_justification"],
        )
    ]


def _ranking_context(request: HttpRequest, snapshot) -> dict:
    entries = (
        Paginator(selectors.ranking_entries(snapshot=snapshot), RANKING_PAGE_SIZE).get_page(
            request.GET.get("page")
        )
        if snapshot
        else []
    )
    return {
        "snapshot": snapshot,
        "extra_criteria": selectors.ranking_extra_criteria(
            snapshot.extra_weights if snapshot else None
        ),
        # A page of entries: the whole ranking of a national network is thousands.
        "page": entries,
        "entries": entries,
        "history": list(selectors.ranking_history_summaries()[:20]),
        "next_project": selectors.queue_next(snapshot=snapshot),
        "queue": selectors.ranking_queue(snapshot=snapshot),
        "max_in_progress": selectors.max_projects_in_progress(),
        "form": None,
    }
