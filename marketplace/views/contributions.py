"""Contribution pages: the form per target, then the success and cancel pages."""

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from commons.models import Resource, ResourceStatus
from marketplace.errors import MarketplaceError
from marketplace.models import Contribution, ContributionChannel, ContributionStatus
from marketplace.selectors.funds import contribution_by_token_get, contribution_settings_get
from marketplace.services.contributions import (
    CONTRIBUTABLE_PROJECT_STATUSES,
    contribution_start,
    contribution_transfer_reference,
)
from marketplace.services.stripe_checkout import stripe_enabled
from marketplace.throttles import ContributionRateThrottle
from projects.models import Project


def contribute_cooperative(request: HttpRequest) -> HttpResponse:
    return _contribution_page(request, project=None)


def contribute_project(request: HttpRequest, slug: str) -> HttpResponse:
    project = get_object_or_404(Project, slug=slug, status__in=CONTRIBUTABLE_PROJECT_STATUSES)
    return _contribution_page(request, project=project)


def contribute_resource(request: HttpRequest, slug: str) -> HttpResponse:
    """A free-price contribution to the commons for a published resource of the centre."""
    resource = get_object_or_404(Resource, slug=slug, status=ResourceStatus.PUBLISHED)
    return _contribution_page(request, project=None, resource=resource)


def _contribution_page(
    request: HttpRequest, *, project: Project | None, resource: Resource | None = None
) -> HttpResponse:
    from marketplace.forms.funds import ContributionForm

    limits = contribution_settings_get()
    card_available = stripe_enabled()
    form_options = {
        "suggested": limits.suggested_amounts_cents,
        "authenticated": request.user.is_authenticated,
        "card_available": card_available,
    }
    status = 200
    if request.method == "POST":
        form = ContributionForm(request.POST, **form_options)
        if not ContributionRateThrottle().allow_request(request, None):
            form.is_valid()
            form.add_error(None, _("Too many attempts. Please try again in a while."))
            status = 429
        elif form.is_valid():
            data = form.cleaned_data
            try:
                contribution = contribution_start(
                    actor=request.user,
                    project=project,
                    resource=resource,
                    amount_cents=data["amount_cents"],
                    card=data.get("method", "transfer") == "card",
                    email=data.get("email", ""),
                    name=data["name"],
                    message=data["message"],
                    public=data["public"],
                    language=request.LANGUAGE_CODE,
                    # A double click or a browser retry posts the same token: the
                    # first contribution (and its Stripe session) comes back.
                    idempotency_key=f"form-{data['idempotency_token']}",
                )
            except MarketplaceError as exc:
                form.add_error(None, exc.message)
                status = exc.status_code
            else:
                if contribution.checkout_url and contribution.status == ContributionStatus.PENDING:
                    return redirect(contribution.checkout_url)
                return redirect("marketplace:contribution_success", token=contribution.public_token)
        else:
            status = 400
    else:
        form = ContributionForm(**form_options)
    return render(
        request,
        "marketplace/contribution_form.html",
        {
            "form": form,
            "project": project,
            "resource": resource,
            "limits": limits,
            "card_available": card_available,
        },
        status=status,
    )


def _transfer_context(contribution: Contribution) -> dict:
    if contribution.channel != ContributionChannel.MANUAL:
        return {}
    return {
        "transfer_reference": contribution_transfer_reference(contribution),
        "bank_instructions": contribution_settings_get().bank_transfer_instructions,
    }


def _retry_url(contribution: Contribution) -> str:
    if contribution.resource_id:
        return reverse("marketplace:contribute_resource", args=[contribution.resource.slug])
    if contribution.fund.project_id:
        return reverse("marketplace:contribute_project", args=[contribution.fund.project.slug])
    return reverse("marketplace:contribute")


def contribution_success(request: HttpRequest, token) -> HttpResponse:
    contribution = contribution_by_token_get(token=token)
    if contribution is None:
        raise Http404
    return render(
        request,
        "marketplace/contribution_success.html",
        {
            "contribution": contribution,
            "retry_url": _retry_url(contribution),
            **_transfer_context(contribution),
        },
    )


def contribution_cancel(request: HttpRequest, token) -> HttpResponse:
    contribution = contribution_by_token_get(token=token)
    if contribution is None:
        raise Http404
    return render(
        request,
        "marketplace/contribution_cancel.html",
        {"contribution": contribution, "retry_url": _retry_url(contribution)},
    )
