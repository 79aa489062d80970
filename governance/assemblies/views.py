from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from backend.core.permissions import coordinator_required
from backend.core.throttles import (
    ResolutionVoteRateThrottle,
    too_many_requests_page,
    web_throttled,
)
from governance.assemblies import forms, minutes, selectors, services
from governance.assemblies.models import (
    Assembly,
    AssemblyDocument,
    AssemblyStatus,
    Resolution,
    ResolutionStatus,
    ResolutionVote,
)
from governance.errors import GovernanceError
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
    if request.method == "POST" and form.is_valid():
        try:
            assembly = services.assembly_create(actor=request.user, **form.cleaned_data)
        except GovernanceError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("Assembly created."))
            return redirect("governance:assembly_console", pk=assembly.pk)
    return render(request, "governance/assemblies/create.html", {"form": form})


@login_required
def assembly_detail(request: HttpRequest, pk: int) -> HttpResponse:
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
    return render(
        request,
        "governance/assemblies/detail.html",
        {
            "assembly": assembly,
            "me": me,
            "my_proxy": my_proxy,
            "given_to_me": given_to_me,
            "present": present,
            "resolutions": assembly.resolutions.all(),
            "documents": assembly.documents.all(),
            "proxy_form": forms.ProxyForm(exclude=me) if me else None,
            "quorum": selectors.assembly_quorum(assembly=assembly),
        },
    )


@login_required
@require_POST
def assembly_proxy(request: HttpRequest, pk: int) -> HttpResponse:
    assembly = _visible_assembly(request, pk)
    me = _my_membership(request)
    if me is None:
        raise Http404
    try:
        if request.POST.get("revoke"):
            services.proxy_revoke(actor=request.user, assembly=assembly, giver=me)
            messages.success(request, _("Your proxy is revoked."))
        else:
            form = forms.ProxyForm(request.POST, exclude=me)
            if form.is_valid():
                services.proxy_give(
                    actor=request.user,
                    assembly=assembly,
                    giver=me,
                    holder=form.cleaned_data["holder"],
                )
                messages.success(request, _("Your proxy is recorded."))
            else:
                messages.error(request, _("Choose the member who will vote for you."))
    except GovernanceError as exc:
        messages.error(request, exc.message)
    return redirect("governance:assembly_detail", pk=pk)


@login_required
@require_POST
def assembly_checkin(request: HttpRequest, pk: int) -> HttpResponse:
    assembly = _visible_assembly(request, pk)
    me = _my_membership(request)
    if me is None:
        raise Http404
    try:
        services.attendance_mark_present(actor=request.user, assembly=assembly, membership=me)
        messages.success(request, _("You are marked present."))
    except GovernanceError as exc:
        messages.error(request, exc.message)
    return redirect("governance:assembly_vote", pk=pk)


@login_required
def assembly_vote(request: HttpRequest, pk: int) -> HttpResponse:
    """Live voting: every open resolution, one ballot per member the voter speaks for."""
    assembly = _visible_assembly(request, pk)
    me = _my_membership(request)
    if me is None:
        messages.error(request, _("Only members vote in the general assembly."))
        return redirect("governance:assembly_detail", pk=pk)
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
    template = (
        "governance/assemblies/_ballots.html" if request.htmx else "governance/assemblies/vote.html"
    )
    return render(request, template, {"assembly": assembly, "ballots": ballots, "me": me})


@login_required
@require_POST
def resolution_vote(request: HttpRequest, pk: int) -> HttpResponse:
    if web_throttled(request, ResolutionVoteRateThrottle):
        return too_many_requests_page(request)
    resolution = get_object_or_404(Resolution.objects.select_related("assembly"), pk=pk)
    form = forms.VoteForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose yes, no or abstain."))
    else:
        on_behalf = form.cleaned_data["on_behalf_of"]
        member = Membership.objects.filter(pk=on_behalf).first() if on_behalf else None
        try:
            services.resolution_vote_cast(
                user=request.user,
                resolution=resolution,
                choice=form.cleaned_data["choice"],
                on_behalf_of=member,
            )
            messages.success(request, _("Vote recorded."))
        except GovernanceError as exc:
            messages.error(request, exc.message)
    return redirect("governance:assembly_vote", pk=resolution.assembly_id)


@coordinator_required
def assembly_console(request: HttpRequest, pk: int) -> HttpResponse:
    assembly = get_object_or_404(Assembly, pk=pk)
    return render(
        request,
        "governance/assemblies/console.html",
        {
            "assembly": assembly,
            "sheet": selectors.attendance_sheet(assembly=assembly),
            "quorum": selectors.assembly_quorum(assembly=assembly),
            "resolutions": assembly.resolutions.all(),
            "attendance_form": forms.AttendanceForm(),
            "resolution_form": forms.ResolutionForm(),
            "document_form": forms.DocumentForm(),
        },
    )


_ASSEMBLY_ACTIONS = {
    "convene": (services.assembly_convene, gettext_lazy("Members are being convened by e-mail.")),
    "open": (services.assembly_open, gettext_lazy("The assembly is open.")),
    "close": (services.assembly_close, gettext_lazy("The assembly is closed.")),
}


@coordinator_required
@require_POST
def assembly_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    assembly = get_object_or_404(Assembly, pk=pk)
    try:
        if action in _ASSEMBLY_ACTIONS:
            service, message = _ASSEMBLY_ACTIONS[action]
            service(actor=request.user, assembly=assembly)
            messages.success(request, message)
        elif action == "attendance":
            form = forms.AttendanceForm(request.POST)
            if not form.is_valid():
                messages.error(request, _("Choose a member and a status."))
            elif form.cleaned_data["status"] == "present":
                services.attendance_mark_present(
                    actor=request.user, assembly=assembly, membership=form.cleaned_data["member"]
                )
                messages.success(request, _("Attendance recorded."))
            elif not form.cleaned_data["proxy_holder"]:
                messages.error(request, _("Say who holds the proxy of a represented member."))
            else:
                services.proxy_give(
                    actor=request.user,
                    assembly=assembly,
                    giver=form.cleaned_data["member"],
                    holder=form.cleaned_data["proxy_holder"],
                )
                messages.success(request, _("Proxy recorded."))
        elif action == "resolution":
            form = forms.ResolutionForm(request.POST)
            if form.is_valid():
                services.resolution_create(
                    actor=request.user, assembly=assembly, **form.cleaned_data
                )
                messages.success(request, _("Resolution added to the agenda."))
            else:
                messages.error(request, _("A resolution needs a title and a text."))
        elif action == "document":
            form = forms.DocumentForm(request.POST, request.FILES)
            if form.is_valid():
                AssemblyDocument.objects.create(assembly=assembly, **form.cleaned_data)
                messages.success(request, _("Document added."))
            else:
                for errors in form.errors.values():
                    for error in errors:
                        messages.error(request, error)
        else:
            raise Http404
    except GovernanceError as exc:
        messages.error(request, exc.message)
    return redirect("governance:assembly_console", pk=pk)


@coordinator_required
@require_POST
def resolution_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    resolution = get_object_or_404(Resolution, pk=pk)
    service = {"open": services.resolution_open, "close": services.resolution_close}.get(action)
    if service is None:
        raise Http404
    try:
        service(actor=request.user, resolution=resolution)
        messages.success(request, _("Vote opened.") if action == "open" else _("Vote closed."))
    except GovernanceError as exc:
        messages.error(request, exc.message)
    return redirect("governance:assembly_console", pk=resolution.assembly_id)


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
