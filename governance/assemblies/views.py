from django import forms as django_forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from backend.core.forms import ActionPage, form_action
from backend.core.permissions import coordinator_required
from backend.core.throttles import (
    ResolutionVoteRateThrottle,
    too_many_requests_page,
    web_throttled,
)
from governance.assemblies import forms, minutes, selectors, services
from governance.assemblies.models import (
    Assembly,
    AssemblyStatus,
    Resolution,
    ResolutionStatus,
    ResolutionVote,
)
from governance.models import Membership

MANAGE = "governance.manage_assemblies"


def _visible_assembly(request: HttpRequest, pk: int) -> Assembly:
    assembly = get_object_or_404(Assembly, pk=pk)
    if assembly.status == AssemblyStatus.DRAFT and not request.user.has_perm(MANAGE):
        raise Http404
    return assembly


def _my_membership(request: HttpRequest) -> Membership | None:
    return Membership.objects.filter(user=request.user).select_related("college").first()


@login_required
def assembly_list(request: HttpRequest) -> HttpResponse:
    qs = Assembly.objects.all() if request.user.has_perm(MANAGE) else selectors.assembly_list()
    return render(request, "governance/assemblies/list.html", {"assemblies": qs.order_by("-date")})


@coordinator_required
@require_http_methods(["GET", "POST"])
def assembly_create(request: HttpRequest) -> HttpResponse:
    form = forms.AssemblyForm(request.POST or None)
    return form_action(
        request,
        form,
        lambda data: services.assembly_create(actor=request.user, **data),
        template="governance/assemblies/create.html",
        context={},
        success_url=lambda assembly: reverse(
            "governance:assembly_console", kwargs={"pk": assembly.pk}
        ),
        success_message=_("Assembly created."),
    )


@login_required
def assembly_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return render(
        request, "governance/assemblies/detail.html", _assembly_detail_context(request, pk)
    )


def _assembly_detail_context(request: HttpRequest, pk: int) -> dict:
    assembly = _visible_assembly(request, pk)
    me = _my_membership(request)
    my_proxy = given_to_me = None
    present = False
    if me:
        my_proxy = (
            selectors.active_proxies(assembly=assembly)
            .filter(giver=me)
            .select_related("holder__user")
            .first()
        )
        given_to_me = list(
            selectors.active_proxies(assembly=assembly)
            .filter(holder=me)
            .select_related("giver__user")
        )
        present = assembly.attendances.filter(membership=me).exists()
    return {
        "assembly": assembly,
        "me": me,
        "my_proxy": my_proxy,
        "given_to_me": given_to_me,
        "present": present,
        "resolutions": assembly.resolutions.all(),
        "documents": assembly.documents.all(),
        "proxy_form": forms.ProxyForm(exclude=me) if me else None,
        "quorum": selectors.assembly_quorum(assembly=assembly),
    }


@login_required
@require_POST
def assembly_proxy(request: HttpRequest, pk: int) -> HttpResponse:
    assembly = _visible_assembly(request, pk)
    me = _my_membership(request)
    if me is None:
        raise Http404
    if request.POST.get("revoke"):
        form = django_forms.Form(request.POST)
        run = lambda data: services.proxy_revoke(  # noqa: E731
            actor=request.user, assembly=assembly, giver=me
        )
        success = _("Your proxy is revoked.")
    else:
        form = forms.ProxyForm(request.POST, exclude=me)
        run = lambda data: services.proxy_give(  # noqa: E731
            actor=request.user, assembly=assembly, giver=me, holder=data["holder"]
        )
        success = _("Your proxy is recorded.")
    return form_action(
        request,
        form,
        run,
        template="governance/assemblies/detail.html",
        context=lambda: _assembly_detail_context(request, pk),
        success_url=reverse("governance:assembly_detail", kwargs={"pk": pk}),
        success_message=success,
        invalid_message=_("Choose the member who will vote for you."),
        form_name="proxy_form",
    )


@login_required
@require_POST
def assembly_checkin(request: HttpRequest, pk: int) -> HttpResponse:
    assembly = _visible_assembly(request, pk)
    me = _my_membership(request)
    if me is None:
        raise Http404
    return form_action(
        request,
        django_forms.Form(request.POST),
        lambda data: services.attendance_mark_present(
            actor=request.user, assembly=assembly, membership=me
        ),
        template="governance/assemblies/detail.html",
        context=lambda: _assembly_detail_context(request, pk),
        success_url=reverse("governance:assembly_vote", kwargs={"pk": pk}),
        success_message=_("You are marked present."),
        form_name="checkin_form",
    )


def _vote_context(request: HttpRequest, assembly: Assembly, me: Membership) -> dict:
    members = selectors.voter_represented_members(assembly=assembly, voter=me)
    open_resolutions = list(assembly.resolutions.filter(status=ResolutionStatus.OPEN))
    votes = {
        (v.resolution_id, v.member_id): v.choice
        for v in ResolutionVote.objects.filter(resolution__in=open_resolutions, member__in=members)
    }
    ballots = [
        {
            "resolution": r,
            "rows": [{"member": m, "choice": votes.get((r.pk, m.pk))} for m in members],
        }
        for r in open_resolutions
    ]
    return {"assembly": assembly, "ballots": ballots, "me": me}


@login_required
def assembly_vote(request: HttpRequest, pk: int) -> HttpResponse:
    """Live voting: every open resolution, one ballot per member the voter speaks for."""
    assembly = _visible_assembly(request, pk)
    me = _my_membership(request)
    if me is None:
        messages.error(request, _("Only members vote in the general assembly."))
        return redirect("governance:assembly_detail", pk=pk)
    template = (
        "governance/assemblies/_ballots.html" if request.htmx else "governance/assemblies/vote.html"
    )
    return render(request, template, _vote_context(request, assembly, me))


@login_required
@require_POST
def resolution_vote(request: HttpRequest, pk: int) -> HttpResponse:
    if web_throttled(request, ResolutionVoteRateThrottle):
        return too_many_requests_page(request)
    resolution = get_object_or_404(Resolution.objects.select_related("assembly"), pk=pk)
    assembly = _visible_assembly(request, resolution.assembly_id)
    me = _my_membership(request)
    if me is None:
        messages.error(request, _("Only members vote in the general assembly."))
        return redirect("governance:assembly_detail", pk=assembly.pk)

    def run(data: dict):
        on_behalf = data["on_behalf_of"]
        member = Membership.objects.filter(pk=on_behalf).first() if on_behalf else None
        return services.resolution_vote_cast(
            user=request.user, resolution=resolution, choice=data["choice"], on_behalf_of=member
        )

    return form_action(
        request,
        forms.VoteForm(request.POST),
        run,
        template="governance/assemblies/vote.html",
        # Read again: a refused ballot leaves the votes as they are in the database.
        context=lambda: _vote_context(request, assembly, me),
        success_url=reverse("governance:assembly_vote", kwargs={"pk": assembly.pk}),
        success_message=_("Vote recorded."),
        invalid_message=_("Choose yes, no or abstain."),
        form_name="vote_form",
    )


def _console_context(pk: int) -> dict:
    assembly = get_object_or_404(Assembly, pk=pk)
    return {
        "assembly": assembly,
        "sheet": selectors.attendance_sheet(assembly=assembly),
        "quorum": selectors.assembly_quorum(assembly=assembly),
        "resolutions": assembly.resolutions.all(),
        "attendance_form": forms.AttendanceForm(),
        "resolution_form": forms.ResolutionForm(),
        "document_form": forms.DocumentForm(),
    }


@coordinator_required
def assembly_console(request: HttpRequest, pk: int) -> HttpResponse:
    return render(request, "governance/assemblies/console.html", _console_context(pk))


def _console_page(request: HttpRequest, assembly: Assembly) -> ActionPage:
    """The assembly's console, where every coordinator's action posts: back to it, or
    the console again with the form, its errors and the message."""
    return ActionPage(
        template="governance/assemblies/console.html",
        context=lambda: _console_context(assembly.pk),
        url=reverse("governance:assembly_console", kwargs={"pk": assembly.pk}),
    )


def _step(service, success: str):
    """Convene, open or close: a button, no fields."""

    def view(request: HttpRequest, assembly: Assembly) -> HttpResponse:
        return _console_page(request, assembly).act(
            request,
            django_forms.Form(request.POST),
            lambda data: service(actor=request.user, assembly=assembly),
            success=success,
        )

    return view


def assembly_attendance(request: HttpRequest, assembly: Assembly) -> HttpResponse:
    """Present in person, or represented by a proxy holder."""

    def run(data: dict):
        if data["status"] == "present":
            return services.attendance_mark_present(
                actor=request.user, assembly=assembly, membership=data["member"]
            )
        return services.proxy_give(
            actor=request.user, assembly=assembly, giver=data["member"], holder=data["proxy_holder"]
        )

    return _console_page(request, assembly).act(
        request,
        forms.AttendanceForm(request.POST),
        run,
        success=_("Attendance recorded."),
        invalid=_("Choose a member and a status."),
        form_name="attendance_form",
    )


def assembly_resolution(request: HttpRequest, assembly: Assembly) -> HttpResponse:
    return _console_page(request, assembly).act(
        request,
        forms.ResolutionForm(request.POST),
        lambda data: services.resolution_create(actor=request.user, assembly=assembly, **data),
        success=_("Resolution added to the agenda."),
        invalid=_("A resolution needs a title and a text."),
        form_name="resolution_form",
    )


def assembly_document(request: HttpRequest, assembly: Assembly) -> HttpResponse:
    return _console_page(request, assembly).act(
        request,
        forms.DocumentForm(request.POST, request.FILES),
        lambda data: services.assembly_document_add(actor=request.user, assembly=assembly, **data),
        success=_("Document added."),
        invalid=_("Check the form: it has errors."),
        form_name="document_form",
    )


# One small view per action on an assembly; the address names the action.
_ASSEMBLY_ACTIONS = {
    "convene": _step(
        services.assembly_convene, gettext_lazy("Members are being convened by e-mail.")
    ),
    "open": _step(services.assembly_open, gettext_lazy("The assembly is open.")),
    "close": _step(services.assembly_close, gettext_lazy("The assembly is closed.")),
    "attendance": assembly_attendance,
    "resolution": assembly_resolution,
    "document": assembly_document,
}


@coordinator_required
@require_POST
def assembly_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    view = _ASSEMBLY_ACTIONS.get(action)
    if view is None:
        raise Http404
    return view(request, get_object_or_404(Assembly, pk=pk))


@coordinator_required
@require_POST
def resolution_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    resolution = get_object_or_404(Resolution.objects.select_related("assembly"), pk=pk)
    service = {"open": services.resolution_open, "close": services.resolution_close}.get(action)
    if service is None:
        raise Http404
    return _console_page(request, resolution.assembly).act(
        request,
        django_forms.Form(request.POST),
        lambda data: service(actor=request.user, resolution=resolution),
        success=_("Vote opened.") if action == "open" else _("Vote closed."),
    )


@login_required
def resolution_result(request: HttpRequest, pk: int) -> HttpResponse:
    resolution = get_object_or_404(Resolution.objects.select_related("assembly"), pk=pk)
    _visible_assembly(request, resolution.assembly_id)
    if resolution.status != ResolutionStatus.CLOSED:
        messages.info(request, _("The result is published when the vote closes."))
        return redirect("governance:assembly_detail", pk=resolution.assembly_id)
    return render(request, "governance/assemblies/result.html", {"r": resolution})


@login_required
def assembly_minutes(request: HttpRequest, pk: int) -> HttpResponse:
    assembly = _visible_assembly(request, pk)
    data = minutes.assembly_minutes(assembly=assembly)
    if request.GET.get("format") == "pdf":
        response = HttpResponse(minutes.minutes_pdf(data), content_type="application/pdf")
        response["Content-Disposition"] = f'attachment; filename="proces-verbal-{assembly.pk}.pdf"'
        return response
    return render(request, "governance/assemblies/minutes.html", {"m": data})
