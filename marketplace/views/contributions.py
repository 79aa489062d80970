"""Contribution pages: the form per target, then the success and cancel pages."""

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _

from backend.core.forms import form_action
from backend.core.idempotency import FORM_TOKEN_REUSED, request_fingerprint
from commons.models import Resource, ResourceStatus
from marketplace.errors import MarketplaceError
from marketplace.models import Contribution, ContributionChannel, ContributionStatus
from marketplace.selectors.funds import contribution_by_token_get, contribution_settings_get
from marketplace.services.contributions import (
    CONTRIBUTABLE_PROJECT_STATUSES,
    IDEMPOTENCY_SCOPE_FORM,
    contribution_start_once,
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
    form = ContributionForm(
        request.POST or None,
        suggested=limits.suggested_amounts_cents,
        authenticated=request.user.is_authenticated,
        card_available=card_available,
    )

    def throttle() -> None:
        # Every attempt counts, valid or not: the API and this form share the counter.
        if not ContributionRateThrottle().allow_request(request, None):
            raise MarketplaceError(
                _("Too many attempts. Please try again in a while."),
                code="throttled",
                status_code=429,
            )

    def start(data: dict) -> Contribution:
        pledge = {
            "project": project,
            "resource": resource,
            "amount_cents": data["amount_cents"],
            "card": data.get("method", "transfer") == "card",
            "email": data.get("email", ""),
            "name": data["name"],
            "message": data["message"],
            "public": data["public"],
        }
        # A double click or a browser retry posts the same token: the first contribution
        # (and its Stripe session) comes back; the token with another pledge is a 409.
        return contribution_start_once(
            **pledge,
            actor=request.user,
            language=request.LANGUAGE_CODE,
            scope=IDEMPOTENCY_SCOPE_FORM,
            key=data["idempotency_token"],
            reused_message=FORM_TOKEN_REUSED,
            request_fingerprint=request_fingerprint(
                pledge
                | {
                    "project": project.pk if project else None,
                    "resource": resource.pk if resource else None,
                }
            ),
        )

    return form_action(
        request,
        form,
        start,
        check=throttle,
        template="marketplace/contribution_form.html",
        context={
            "project": project,
            "resource": resource,
            "limits": limits,
            "card_available": card_available,
        },
        success_url=_after_start,
    )


def _after_start(contribution: Contribution) -> str:
    """To Stripe Checkout when the card payment waits there, else the thank-you page."""
    if contribution.checkout_url and contribution.status == ContributionStatus.PENDING:
        return contribution.checkout_url
    return reverse("marketplace:contribution_success", kwargs={"token": contribution.public_token})


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
