import csv

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from backend.core.permissions import coordinator_required
from governance import forms, selectors, services
from governance.duties import duty_states, in_good_standing
from governance.errors import GovernanceError
from governance.models import (
    CooperativeSettings,
    Membership,
    MembershipStatus,
    ShareSubscription,
)


# The rights of seed 002 (« Les droits des pionniers »).
def _rights() -> list[str]:
    return [
        _("Take part in the choice of the common project."),
        _(
            "Be informed of the allocation of funds, of the selection method and of the definition of a pioneer."
        ),
        _("A privileged contact with the coordinator."),
        _("Submit a project."),
    ]


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    """« Mes droits et devoirs »: the member's standing at a glance."""
    membership = selectors.membership_of(request.user)
    states = duty_states(membership) if membership else []
    return render(
        request,
        "governance/dashboard.html",
        {
            "membership": membership,
            "states": states,
            "good_standing": membership is not None and in_good_standing(membership),
            "rights": _rights(),
            "coop": CooperativeSettings.load(),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def apply(request: HttpRequest) -> HttpResponse:
    form = forms.ApplyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.membership_apply(user=request.user, **form.cleaned_data)
        except GovernanceError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("Your application has been sent to the coordinator."))
            return redirect("governance:dashboard")
    return render(request, "governance/apply.html", {"form": form})


def colleges(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "governance/colleges.html",
        {
            "colleges": selectors.college_list().order_by("position", "name"),
            "check": selectors.college_weights_check(),
        },
    )


@require_http_methods(["GET", "POST"])
def charter(request: HttpRequest) -> HttpResponse:
    current = selectors.current_charter()
    membership = selectors.membership_of(request.user)
    accepted = bool(
        current and membership and membership.charter_acceptances.filter(charter=current).exists()
    )
    if request.method == "POST":
        if membership is None or current is None:
            messages.error(request, _("Only members can accept the charter."))
        else:
            try:
                services.charter_accept(membership=membership, charter=current)
            except GovernanceError as exc:
                messages.error(request, exc.message)
            else:
                messages.success(request, _("Thank you: you accepted the charter."))
                return redirect("governance:dashboard")
    return render(
        request,
        "governance/charter.html",
        {"charter": current, "membership": membership, "accepted": accepted},
    )


# ---------------------------------------------------------------- coordinator


def _filtered_members(request: HttpRequest):
    form = forms.MemberFilterForm(request.GET or None)
    filters = {}
    if form.is_valid():
        data = form.cleaned_data
        filters = {
            "college": data["college"].slug if data["college"] else None,
            "status": data["status"] or None,
            "standing": {"1": True, "0": False}.get(data["standing"]),
            "search": data["q"],
        }
    return form, selectors.member_list_with_standing(**filters)


@coordinator_required
def member_list(request: HttpRequest) -> HttpResponse:
    form, qs = _filtered_members(request)
    if request.GET.get("format") == "csv":
        return _members_csv(qs)
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    rows = [(m, in_good_standing(m)) for m in page]
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "governance/members.html",
        {
            "form": form,
            "page": page,
            "rows": rows,
            "query": query.urlencode(),
            "candidates": Membership.objects.filter(status=MembershipStatus.CANDIDATE).count(),
        },
    )


def _members_csv(qs) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="membres.csv"'
    response.write("\ufeff")  # spreadsheet programs then read UTF-8 correctly
    writer = csv.writer(response)
    writer.writerow(
        [
            _("Number"),
            _("Name"),
            _("E-mail"),
            _("Kind"),
            _("Organisation"),
            _("College"),
            _("Status"),
            _("Joined on"),
            _("Left on"),
            _("Shares held"),
            _("In good standing"),
        ]
    )
    for m in qs.iterator(chunk_size=500):
        writer.writerow(
            [
                m.number or "",
                m.user.display_name,
                m.user.email,
                m.get_kind_display(),
                m.organisation_name,
                m.college.name,
                m.get_status_display(),
                m.joined_on or "",
                m.left_on or "",
                m.shares_held,
                _("yes") if in_good_standing(m) else _("no"),
            ]
        )
    return response


@coordinator_required
@require_http_methods(["GET", "POST"])
def member_create(request: HttpRequest) -> HttpResponse:
    form = forms.MemberCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            membership = services.member_create(actor=request.user, **form.cleaned_data)
        except GovernanceError as exc:
            for field, errors in exc.errors.items():
                for error in errors:
                    form.add_error(field if field in form.fields else None, error)
            if not exc.errors:
                form.add_error(None, exc.message)
        else:
            messages.success(request, _("Member registered; an invitation was e-mailed."))
            return redirect("governance:member_detail", pk=membership.pk)
    return render(request, "governance/member_create.html", {"form": form})


@coordinator_required
def member_detail(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        membership = selectors.member_get_with_duties(membership_id=pk)
    except Membership.DoesNotExist:
        from django.http import Http404

        raise Http404 from None
    return render(
        request,
        "governance/member_detail.html",
        {
            "m": membership,
            "states": duty_states(membership),
            "good_standing": in_good_standing(membership),
            "events": membership.events.select_related("actor"),
            "subscriptions": membership.subscriptions.all(),
            "refunds": membership.refunds.all(),
            "decision_form": forms.DecisionForm(),
            "college_form": forms.CollegeChangeForm(),
            "status_form": forms.StatusChangeForm(),
            "shares_form": forms.SharesForm(),
            "refund_form": forms.RefundForm(),
        },
    )


_ACTIONS = {
    "admit": forms.DecisionForm,
    "decline": forms.DecisionForm,
    "college": forms.CollegeChangeForm,
    "status": forms.StatusChangeForm,
    "shares": forms.SharesForm,
    "paid": forms.MarkPaidForm,
    "refund": forms.RefundForm,
}


@coordinator_required
@require_POST
def member_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    membership = get_object_or_404(Membership, pk=pk)
    form_class = _ACTIONS.get(action)
    if form_class is None:
        from django.http import Http404

        raise Http404
    form = form_class(request.POST)
    if not form.is_valid():
        for field, errors in form.errors.items():
            label = form.fields[field].label if field in form.fields else ""
            for error in errors:
                messages.error(request, f"{label} : {error}" if label else error)
        return redirect("governance:member_detail", pk=pk)
    data = form.cleaned_data
    actor = request.user
    try:
        if action == "admit":
            services.membership_admit(
                actor=actor, membership=membership, college=data["college"], note=data["note"]
            )
            messages.success(request, _("The candidate is now a member."))
        elif action == "decline":
            services.membership_decline(actor=actor, membership=membership, note=data["note"])
            messages.success(request, _("The application was declined."))
        elif action == "college":
            services.membership_change_college(
                actor=actor, membership=membership, college=data["college"], note=data["note"]
            )
            messages.success(request, _("College changed."))
        elif action == "status":
            services.membership_change_status(
                actor=actor, membership=membership, status=data["status"], note=data["note"]
            )
            messages.success(request, _("Status changed."))
        elif action == "shares":
            services.shares_subscribe(actor=actor, membership=membership, **data)
            messages.success(request, _("Subscription recorded."))
        elif action == "paid":
            subscription = get_object_or_404(
                ShareSubscription, pk=data["subscription"], membership=membership
            )
            services.shares_mark_paid(
                actor=actor,
                subscription=subscription,
                paid_on=data["paid_on"],
                payment_reference=data["payment_reference"],
            )
            messages.success(request, _("Payment recorded."))
        elif action == "refund":
            services.shares_refund(actor=actor, membership=membership, **data)
            messages.success(request, _("Refund recorded."))
    except GovernanceError as exc:
        messages.error(request, exc.message)
    return redirect("governance:member_detail", pk=pk)


@coordinator_required
def capital_register(request: HttpRequest) -> HttpResponse:
    rows = selectors.capital_register()
    if request.GET.get("format") == "csv":
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="registre-des-associes.csv"'
        response.write("\ufeff")
        writer = csv.writer(response)
        writer.writerow(
            [
                _("Date"),
                _("Number"),
                _("Member"),
                _("College"),
                _("Movement"),
                _("Shares"),
                _("Unit value (EUR)"),
                _("Amount (EUR)"),
                _("Paid on"),
                _("Reference"),
            ]
        )
        for r in rows:
            m = r["membership"]
            writer.writerow(
                [
                    r["date"],
                    m.number or "",
                    m.display_name,
                    m.college.name,
                    _("Subscription") if r["kind"] == "subscription" else _("Refund"),
                    r["quantity"],
                    f"{r['unit_value_cents'] / 100:.2f}",
                    f"{r['amount_cents'] / 100:.2f}",
                    r["paid_on"] or "",
                    r["reference"],
                ]
            )
        return response
    return render(
        request,
        "governance/register.html",
        {
            "rows": rows,
            "totals": selectors.capital_totals_by_college(),
            "capital": selectors.capital_total_cents(),
            "coop": CooperativeSettings.load(),
            "today": timezone.localdate(),
        },
    )
