import csv

import rules
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from backend.core.forms import form_action
from backend.core.permissions import COORDINATE, coordinator_required
from governance import forms, selectors, services
from governance.duties import duty_states, in_good_standing
from governance.errors import GovernanceError
from governance.models import (
    CooperativeSettings,
    Membership,
    MembershipStatus,
    SharePayment,
    ShareSubscription,
)
from governance.representative.selectors import electing_college, mandate_current
from governance.shares_checkout import card_checkout_start, card_payment_enabled


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
            "shares_due": selectors.shares_due(membership) if membership else 0,
            "rights": _rights(),
            "coop": CooperativeSettings.load(),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def apply(request: HttpRequest) -> HttpResponse:
    form = forms.ApplyForm(request.POST or None)
    return form_action(
        request,
        form,
        lambda data: services.membership_apply(user=request.user, **data),
        template="governance/apply.html",
        context={},
        success_url=reverse("governance:dashboard"),
        success_message=_("Your application has been sent to the coordinator."),
    )


def colleges(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "governance/colleges.html",
        {
            "colleges": selectors.college_list().order_by("position", "name"),
            "check": selectors.college_weights_check(),
            "mandate": mandate_current(),
            "electing_college": electing_college(),
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
    return form_action(
        request,
        form,
        lambda data: services.member_create(actor=request.user, **data),
        template="governance/member_create.html",
        context={},
        success_url=lambda membership: reverse(
            "governance:member_detail", kwargs={"pk": membership.pk}
        ),
        success_message=_("Member registered; an invitation was e-mailed."),
    )


def _member_or_404(pk: int) -> Membership:
    try:
        return selectors.member_get_with_duties(membership_id=pk)
    except Membership.DoesNotExist:
        raise Http404 from None


def _member_detail_context(pk: int) -> dict:
    membership = _member_or_404(pk)
    return {
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
    }


@coordinator_required
def member_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return render(request, "governance/member_detail.html", _member_detail_context(pk))


def _on_member(request, pk, form, run, *, success: str, form_name: str) -> HttpResponse:
    """An action posted from the member's page: back to it, or the page again with the
    form, its errors and the message (400, 409 for a conflict of state)."""
    return form_action(
        request,
        form,
        run,
        template="governance/member_detail.html",
        context=lambda: _member_detail_context(pk),
        success_url=reverse("governance:member_detail", kwargs={"pk": pk}),
        success_message=success,
        invalid_message=_("Check the form: it has errors."),
        form_name=form_name,
    )


def member_paid(request: HttpRequest, membership: Membership) -> HttpResponse:
    def run(data: dict):
        subscription = get_object_or_404(
            ShareSubscription, pk=data["subscription"], membership=membership
        )
        return services.shares_mark_paid(
            actor=request.user,
            subscription=subscription,
            paid_on=data["paid_on"],
            payment_reference=data["payment_reference"],
        )

    return _on_member(
        request,
        membership.pk,
        forms.MarkPaidForm(request.POST),
        run,
        success=_("Payment recorded."),
        form_name="paid_form",
    )


def _service_action(form_class, service, fields, success, form_name):
    """An action whose form's fields are the service's arguments (``fields``: which)."""

    def view(request: HttpRequest, membership: Membership) -> HttpResponse:
        return _on_member(
            request,
            membership.pk,
            form_class(request.POST),
            lambda data: service(
                actor=request.user,
                membership=membership,
                **{name: data[name] for name in fields or data},
            ),
            success=success,
            form_name=form_name,
        )

    return view


# One small view per action on a member; the address names the action.
_MEMBER_ACTIONS = {
    "admit": _service_action(
        forms.DecisionForm, services.membership_admit, ("college", "note"),
        gettext_lazy("The candidate is now a member."), "decision_form",
    ),
    "decline": _service_action(
        forms.DecisionForm, services.membership_decline, ("note",),
        gettext_lazy("The application was declined."), "decision_form",
    ),
    "college": _service_action(
        forms.CollegeChangeForm, services.membership_change_college, None,
        gettext_lazy("College changed."), "college_form",
    ),
    "status": _service_action(
        forms.StatusChangeForm, services.membership_change_status, None,
        gettext_lazy("Status changed."), "status_form",
    ),
    "shares": _service_action(
        forms.SharesForm, services.shares_subscribe, None,
        gettext_lazy("Subscription recorded."), "shares_form",
    ),
    "paid": member_paid,
    "refund": _service_action(
        forms.RefundForm, services.shares_refund, None,
        gettext_lazy("Refund recorded."), "refund_form",
    ),
}  # fmt: skip


@coordinator_required
@require_POST
def member_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    view = _MEMBER_ACTIONS.get(action)
    if view is None:
        raise Http404
    return view(request, get_object_or_404(Membership, pk=pk))


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


# ---------------------------------------------------------------- subscribing online


@login_required
@require_http_methods(["GET", "POST"])
def subscribe(request: HttpRequest) -> HttpResponse:
    """« Souscrire à la SCIC »: N shares, a college, card or bank transfer."""
    coop = CooperativeSettings.load()
    card = card_payment_enabled()
    colleges = selectors.colleges_open_to(request.user)
    form = forms.SubscribeForm(
        request.POST or None, colleges=colleges, card_enabled=card, max_shares=coop.max_shares
    )

    def run(data: dict) -> object:
        subscription = services.share_subscription_start(
            user=request.user,
            shares=data["shares"],
            college=data["college"],
            payment=data["payment"],
        )
        if subscription.payment_method == SharePayment.STRIPE:
            subscription = card_checkout_start(subscription)
        return subscription

    def context() -> dict:
        membership = selectors.membership_of(request.user)
        return {
            "coop": coop,
            "membership": membership,
            "subscriptions": (
                membership.subscriptions.order_by("-subscribed_on", "-id")[:20]
                if membership
                else []
            ),
            "paid_notice": request.GET.get("paid"),
            "cancelled_notice": request.GET.get("cancelled"),
        }

    return form_action(
        request,
        form,
        run,
        template="governance/subscribe.html",
        context=context,
        # A card payment goes on to Stripe's page; a transfer comes back here.
        success_url=lambda subscription: (
            subscription.checkout_url or reverse("governance:subscribe")
        ),
        success_message=lambda subscription: (
            ""
            if subscription.checkout_url
            else _("Your subscription is recorded. Pay it by bank transfer (see below).")
        ),
        invalid_message=_("Check the form: it has errors."),
    )


# ---------------------------------------------------------------- the federation


def federation(request: HttpRequest) -> HttpResponse:
    """« Fonctionnement de la fédération », from live data (also GET /api/v1/federation/)."""
    from governance.federation import federation_overview, federation_sections_all

    data = federation_overview()
    sections = [
        {"code": s.code, "title": s.title, "template": s.template, "data": data[s.code]}
        for s in federation_sections_all()
    ]
    return render(
        request,
        "governance/federation.html",
        {
            "data": data,
            "sections": sections,
            "is_coordinator": rules.has_perm(COORDINATE, request.user),
        },
    )
