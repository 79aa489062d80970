"""Pages of the jardinier's door. Someone else's thread is a 404, like a missing one."""

import rules
from django import forms as django_forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from backend.core.forms import form_action
from governance.threads import selectors, services
from governance.threads.forms import ReplyForm, ThreadForm
from governance.threads.models import ThreadStatus

PAGE_SIZE = 20


@login_required
def thread_list(request: HttpRequest) -> HttpResponse:
    """The coordinator's inbox (every thread, by status and age) or my own threads."""
    status = request.GET.get("status") or None
    if status not in (None, *ThreadStatus.values):
        status = None
    page = Paginator(selectors.thread_list_for(request.user, status=status), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "governance/threads/list.html",
        {
            "page": page,
            "status": status,
            "statuses": ThreadStatus.choices,
            "inbox": rules.has_perm("governance.answer_threads", request.user),
            "may_write": selectors.thread_may_write(request.user),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def thread_create(request: HttpRequest) -> HttpResponse:
    if not selectors.thread_may_write(request.user):
        messages.error(
            request,
            _("Only pioneers and members of the cooperative can write to the coordinator."),
        )
        return redirect("governance:dashboard")
    return form_action(
        request,
        ThreadForm(request.POST or None, request.FILES or None),
        lambda data: services.thread_open(author=request.user, **data),
        template="governance/threads/create.html",
        context={},
        success_url=lambda thread: reverse("governance:thread_detail", kwargs={"pk": thread.pk}),
        success_message=_("Your message has been sent to the coordinator."),
    )


def _thread_or_404(request: HttpRequest, pk: int):
    thread = selectors.thread_get_for(request.user, pk)
    if thread is None:
        raise Http404
    return thread


@login_required
@require_http_methods(["GET", "POST"])
def thread_detail(request: HttpRequest, pk: int) -> HttpResponse:
    thread = _thread_or_404(request, pk)
    return form_action(
        request,
        ReplyForm(request.POST or None, request.FILES or None),
        lambda data: services.thread_reply(actor=request.user, thread=thread, **data),
        template="governance/threads/detail.html",
        # Read again: a refused reply leaves the thread as it is in the database.
        context=lambda: _thread_context(request, _thread_or_404(request, pk)),
        success_url=reverse("governance:thread_detail", kwargs={"pk": pk}),
        success_message=_("Message sent."),
    )


def _thread_context(request: HttpRequest, thread) -> dict:
    return {
        "thread": thread,
        "thread_messages": selectors.thread_messages(thread),
        "inbox": rules.has_perm("governance.answer_threads", request.user),
    }


@login_required
@require_POST
def thread_close(request: HttpRequest, pk: int) -> HttpResponse:
    thread = _thread_or_404(request, pk)
    return form_action(
        request,
        django_forms.Form(request.POST),
        lambda data: services.thread_close(actor=request.user, thread=thread),
        template="governance/threads/detail.html",
        context=lambda: (
            _thread_context(request, _thread_or_404(request, pk)) | {"form": ReplyForm()}
        ),
        success_url=reverse("governance:thread_detail", kwargs={"pk": pk}),
        success_message=_("The conversation is closed."),
        form_name="close_form",
    )


@login_required
def thread_attachment(request: HttpRequest, pk: int) -> FileResponse:
    message = selectors.message_get_for(request.user, pk)
    if message is None or not message.attachment:
        raise Http404
    return FileResponse(
        message.attachment.open("rb"),
        as_attachment=True,
        filename=message.attachment.name.rsplit("/", 1)[-1],
    )
