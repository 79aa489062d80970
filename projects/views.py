"""HTML pages of the projects: thin views over the same services and selectors as the API."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from backend.accounts.decorators import coordinator_required
from backend.accounts.models import User
from backend.accounts.roles import user_is_coordinator
from backend.core.panels import page_panels
from pioneers.models import Theme
from projects import forms, selectors, services
from projects.errors import ProjectError
from projects.followup import followup_figures
from projects.lifecycle import FOLLOWED_STATES, targets_for
from projects.models import Comment, Milestone, Project, ProjectStatus
from projects.roles import can_propose, is_active_pioneer, is_author, project_roles
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
            "can_propose": can_propose(request.user),
        },
    )


def project_detail(request: HttpRequest, slug: str) -> HttpResponse:
    project = _project_or_404(request, slug)
    roles = project_roles(request.user, project)
    return render(
        request,
        "projects/detail.html",
        {
            "project": project,
            "roles": roles,
            "is_author": is_author(request.user, project),
            "targets": [(t, ProjectStatus(t).label) for t in targets_for(project.status, roles)],
            "comments": selectors.project_comments(project=project),
            "comment_form": forms.CommentForm(),
            "can_flag": is_active_pioneer(request.user) and project.status in CONCERN_OPEN_STATES,
            "followed": project.status in FOLLOWED_STATES,
            "followup_figures": followup_figures(project)
            if project.status in FOLLOWED_STATES
            else [],
            "update_form": forms.UpdateForm(),
            "milestone_form": forms.MilestoneForm(),
            "attachment_form": forms.AttachmentForm(),
            "edit_window_minutes": int(COMMENT_EDIT_WINDOW.total_seconds() // 60),
            "panels": page_panels("projects:detail", request, project),
            "latest_progress": project.updates.all()[0].progress_percent
            if project.updates.all()
            else None,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def project_create(request: HttpRequest) -> HttpResponse:
    if not can_propose(request.user):
        messages.error(request, _("Only active members can propose a project."))
        return redirect("projects:list")
    form = forms.ProjectForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            project = services.project_create(actor=request.user, **form.service_values())
        except ProjectError as err:
            form.add_error(None, err.message)
        else:
            messages.success(request, _("Your draft is saved. Submit it when it is ready."))
            return redirect(project)
    return render(request, "projects/form.html", {"form": form, "project": None})


@login_required
@require_http_methods(["GET", "POST"])
def project_edit(request: HttpRequest, slug: str) -> HttpResponse:
    project = _project_or_404(request, slug)
    if not (user_is_coordinator(request.user) or is_author(request.user, project)):
        # Only its authors and the coordinator edit a project: no form for anyone else.
        raise PermissionDenied
    form = forms.ProjectForm(request.POST or None, initial=forms.ProjectForm.initial_for(project))
    if request.method == "POST" and form.is_valid():
        try:
            services.project_update(actor=request.user, project=project, **form.service_values())
        except ProjectError as err:
            form.add_error(None, err.message)
        else:
            messages.success(request, _("The project is saved."))
            return redirect(project)
    return render(request, "projects/form.html", {"form": form, "project": project})


def _act(request: HttpRequest, project: Project, action, success: str) -> HttpResponse:
    try:
        action()
    except ProjectError as err:
        messages.error(request, err.message)
    else:
        messages.success(request, success)
    return redirect(project)


@login_required
@require_POST
def project_transition(request: HttpRequest, slug: str) -> HttpResponse:
    project = _project_or_404(request, slug)
    form = forms.TransitionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a valid state."))
        return redirect(project)
    return _act(
        request,
        project,
        lambda: services.project_transition(
            actor=request.user,
            project=project,
            to=form.cleaned_data["to"],
            reason=form.cleaned_data["reason"],
        ),
        _("The project is now « %(state)s ».")
        % {"state": ProjectStatus(form.cleaned_data["to"]).label},
    )


@login_required
@require_POST
def project_concern(request: HttpRequest, slug: str) -> HttpResponse:
    """Toggle "this project concerns me"; htmx swaps the button in place."""
    project = _project_or_404(request, slug)
    error = ""
    try:
        if request.POST.get("concerned") == "1":
            services.concern_flag(actor=request.user, project=project)
        else:
            services.concern_unflag(actor=request.user, project=project)
    except ProjectError as err:
        error = err.message
    if not request.htmx:
        if error:
            messages.error(request, error)
        return redirect(project)
    project = _project_or_404(request, slug)
    return render(
        request,
        "projects/_concern.html",
        {"project": project, "can_flag": True, "concern_error": error},
    )


@login_required
@require_POST
def attachment_add(request: HttpRequest, slug: str) -> HttpResponse:
    project = _project_or_404(request, slug)
    form = forms.AttachmentForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _("Choose a file to attach."))
        return redirect(project)
    return _act(
        request,
        project,
        lambda: services.attachment_add(
            actor=request.user,
            project=project,
            upload=form.cleaned_data["file"],
            title=form.cleaned_data["title"],
        ),
        _("The attachment is added."),
    )


# ---------------------------------------------------------------- discussion


@login_required
@require_POST
def comment_create(request: HttpRequest, slug: str) -> HttpResponse:
    project = _project_or_404(request, slug)
    form = forms.CommentForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("A comment cannot be empty."))
        return redirect(project)
    parent_id = form.cleaned_data.get("parent")
    parent = get_object_or_404(Comment, pk=parent_id, project=project) if parent_id else None
    return _act(
        request,
        project,
        lambda: services.comment_create(
            actor=request.user, project=project, body=form.cleaned_data["body"], parent=parent
        ),
        _("Your comment is published."),
    )


def _comment(request: HttpRequest, slug: str, pk: int) -> tuple[Project, Comment]:
    project = _project_or_404(request, slug)
    return project, get_object_or_404(Comment, pk=pk, project=project)


@login_required
@require_POST
def comment_edit(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    project, comment = _comment(request, slug, pk)
    return _act(
        request,
        project,
        lambda: services.comment_edit(
            actor=request.user, comment=comment, body=request.POST.get("body", "")
        ),
        _("Your comment is updated."),
    )


@login_required
@require_POST
def comment_report(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    project, comment = _comment(request, slug, pk)
    return _act(
        request,
        project,
        lambda: services.comment_report(
            actor=request.user, comment=comment, reason=request.POST.get("reason", "")
        ),
        _("Thank you: the coordinator will look at this comment."),
    )


@login_required
@require_POST
def comment_hide(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    project, comment = _comment(request, slug, pk)
    return _act(
        request,
        project,
        lambda: services.comment_hide(
            actor=request.user, comment=comment, reason=request.POST.get("reason", "")
        ),
        _("The comment is hidden."),
    )


# ---------------------------------------------------------------- follow-up


@login_required
@require_POST
def update_create(request: HttpRequest, slug: str) -> HttpResponse:
    project = _project_or_404(request, slug)
    form = forms.UpdateForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("An update needs some text and a progress between 0 and 100 %."))
        return redirect(project)
    return _act(
        request,
        project,
        lambda: services.project_update_create(
            actor=request.user, project=project, **form.cleaned_data
        ),
        _("The update is published."),
    )


@login_required
@require_POST
def milestone_create(request: HttpRequest, slug: str) -> HttpResponse:
    project = _project_or_404(request, slug)
    form = forms.MilestoneForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("A milestone needs a title."))
        return redirect(project)
    return _act(
        request,
        project,
        lambda: services.milestone_create(actor=request.user, project=project, **form.cleaned_data),
        _("The milestone is added."),
    )


@login_required
@require_POST
def milestone_done(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    project = _project_or_404(request, slug)
    milestone = get_object_or_404(Milestone, pk=pk, project=project)
    done_on = None if milestone.done_on else timezone.localdate()
    return _act(
        request,
        project,
        lambda: services.milestone_set_done(
            actor=request.user, milestone=milestone, done_on=done_on
        ),
        _("The milestone is updated."),
    )


# ---------------------------------------------------------------- coordinator and ranking


@coordinator_required
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
    form = None
    if user_is_coordinator(request.user):
        form = forms.RankingForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            moves = []
            if data.get("move_project"):
                moves.append(
                    Move(
                        project_id=data["move_project"],
                        rank=data["move_rank"],
                        justification=data["move_justification"],
                    )
                )
            try:
                services.ranking_publish(
                    actor=request.user,
                    weight_concern=data["weight_concern"],
                    weight_cost=data["weight_cost"],
                    weight_self_financing=data["weight_self_financing"],
                    note=data["note"],
                    moves=moves,
                )
            except ProjectError as err:
                form.add_error(None, err.message)
            else:
                messages.success(request, _("The ranking is published."))
                return redirect("projects:ranking")
    elif request.method == "POST":
        raise Http404
    entries = (
        Paginator(selectors.ranking_entries(snapshot=snapshot), RANKING_PAGE_SIZE).get_page(
            request.GET.get("page")
        )
        if snapshot
        else []
    )
    return render(
        request,
        "projects/ranking.html",
        {
            "snapshot": snapshot,
            # A page of entries: the whole ranking of a national network is thousands.
            "page": entries,
            "entries": entries,
            "history": list(selectors.ranking_history_summaries()[:20]),
            "next_project": selectors.queue_next(snapshot=snapshot),
            "form": form,
        },
    )
