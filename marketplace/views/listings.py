"""Pages of the marketplace: listings with filters, a listing and its answer form,
new/edit listing, my exchanges, an exchange with its actions and messages."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from backend.core.forms import form_action
from governance.selectors import is_active_member
from marketplace.forms.listings import (
    ExchangeActionForm,
    ListingFilterForm,
    ListingForm,
    MessageForm,
    RespondForm,
)
from marketplace.models import Listing
from marketplace.selectors.listings import (
    exchange_get,
    exchange_list_for_user,
    listing_get,
    listing_search,
    tag_list_used,
)
from marketplace.services.exchanges import (
    EXCHANGE_TRANSITIONS,
    REASON_REQUIRED,
    exchange_actions_available,
    exchange_create,
    exchange_message_post,
    exchange_roles,
    exchange_transition,
)
from marketplace.services.listings import listing_create, listing_update

PAGE_SIZE = 20


def listing_list(request: HttpRequest) -> HttpResponse:
    form = ListingFilterForm(request.GET or None)
    filters: dict = {}
    if form.is_valid():
        data = form.cleaned_data
        filters = {
            "q": data["q"],
            "kind": data["kind"],
            "tag": data["tag"],
            "remote": {"1": True, "0": False}.get(data["remote"]),
            "project_id": data["project"].pk if data["project"] else None,
            "status": data["status"],
        }
    page = Paginator(listing_search(**filters), PAGE_SIZE).get_page(request.GET.get("page"))
    if request.htmx and not request.htmx.history_restore_request:
        # The filters changed in place: only the results (and the count read out). A
        # history restore (back button, htmx's cache missed) needs the whole page.
        response = render(
            request, "marketplace/_listing_results.html", {"listings": page, "partial": True}
        )
    else:
        response = render(
            request,
            "marketplace/listing_list.html",
            {
                "form": form,
                "listings": page,
                "tags": tag_list_used(),
                "can_publish": is_active_member(request.user),
            },
        )
    patch_vary_headers(response, ("HX-Request",))
    return response


def _listing_or_404(pk: int) -> Listing:
    listing = listing_get(pk=pk)
    if listing is None:
        raise Http404
    return listing


def listing_detail(request: HttpRequest, pk: int) -> HttpResponse:
    listing = _listing_or_404(pk)
    form = RespondForm(initial={"minutes": listing.estimated_minutes})
    return render(
        request, "marketplace/listing_detail.html", _listing_context(request, listing, form)
    )


def _listing_context(request: HttpRequest, listing: Listing, form=None) -> dict:
    user = request.user
    return {
        "listing": listing,
        "form": form,
        "can_respond": is_active_member(user) and listing.owner.user_id != user.pk,
        "can_edit": user.has_perm("marketplace.change_listing", listing),
    }


@login_required
@require_POST
def listing_respond(request: HttpRequest, pk: int) -> HttpResponse:
    listing = _listing_or_404(pk)
    return form_action(
        request,
        RespondForm(request.POST),
        lambda data: exchange_create(
            actor=request.user,
            listing=listing,
            minutes=data["minutes"],
            message=data["message"],
        ),
        template="marketplace/listing_detail.html",
        context=lambda: _listing_context(request, listing),
        success_url=lambda exchange: reverse(
            "marketplace:exchange_detail", kwargs={"pk": exchange.pk}
        ),
        success_message=_("Your answer has been sent."),
    )


@login_required
def listing_new(request: HttpRequest) -> HttpResponse:
    if not is_active_member(request.user):
        raise PermissionDenied
    form = ListingForm(request.POST or None)
    return form_action(
        request,
        form,
        lambda data: listing_create(
            actor=request.user,
            kind=data["kind"],
            title=data["title"],
            description=data["description"],
            tags=form.tag_names(),
            estimated_minutes=data["estimated_minutes"],
            place=data["place"],
            remote=data["remote"],
            project=data["project"],
            expires_on=data["expires_on"],
        ),
        template="marketplace/listing_form.html",
        context={"listing": None},
        success_url=lambda listing: reverse(
            "marketplace:listing_detail", kwargs={"pk": listing.pk}
        ),
        success_message=_("Your listing is published."),
    )


LISTING_EDITABLE = (
    "title",
    "description",
    "estimated_minutes",
    "place",
    "remote",
    "project",
    "status",
)


def _listing_changes(listing: Listing, data: dict) -> dict:
    changes = {name: data[name] for name in LISTING_EDITABLE}
    if data["expires_on"] != listing.expires_on:
        changes["expires_on"] = data["expires_on"]
    return changes


@login_required
def listing_edit(request: HttpRequest, pk: int) -> HttpResponse:
    listing = _listing_or_404(pk)
    if not request.user.has_perm("marketplace.change_listing", listing):
        raise PermissionDenied
    initial = {
        "kind": listing.kind,
        "title": listing.title,
        "description": listing.description,
        "tags": ", ".join(t.name for t in listing.tags.all()),
        "estimated_minutes": listing.estimated_minutes,
        "place": listing.place,
        "remote": listing.remote,
        "project": listing.project,
        "expires_on": listing.expires_on,
        "status": listing.status,
    }
    form = ListingForm(request.POST or None, initial=initial)
    return form_action(
        request,
        form,
        lambda data: listing_update(
            actor=request.user,
            listing=listing,
            tags=form.tag_names(),
            **_listing_changes(listing, data),
        ),
        template="marketplace/listing_form.html",
        context={"listing": listing},
        success_url=reverse("marketplace:listing_detail", kwargs={"pk": listing.pk}),
        success_message=_("Listing updated."),
    )


@login_required
def my_exchanges(request: HttpRequest) -> HttpResponse:
    page = Paginator(exchange_list_for_user(user=request.user), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "marketplace/exchange_list.html",
        {"exchanges": page, "listings": listing_search(owner_user_id=request.user.pk)[:50]},
    )


def _exchange_for(request: HttpRequest, pk: int):
    exchange = exchange_get(pk=pk)
    if exchange is None:
        raise Http404
    if not request.user.has_perm("marketplace.view_exchange", exchange):
        raise PermissionDenied
    return exchange


def _exchange_page(request, exchange) -> HttpResponse:
    return render(request, "marketplace/exchange_detail.html", _exchange_context(request, exchange))


def _exchange_context(request: HttpRequest, exchange) -> dict:
    roles = exchange_roles(exchange=exchange, user=request.user)
    return {
        "exchange": exchange,
        "actions": [
            {"name": a, "needs_reason": a in REASON_REQUIRED}
            for a in exchange_actions_available(exchange=exchange, user=request.user)
        ],
        "action_form": ExchangeActionForm(initial={"minutes": exchange.minutes}),
        "message_form": MessageForm(),
        "can_write": bool(roles & {"giver", "receiver"}),
        "is_giver": "giver" in roles,
    }


def _on_exchange(request: HttpRequest, pk: int, form, run, *, success: str, form_name: str):
    """An action posted from the exchange's page: back to it, or the page again with
    the form and the message (read again: a refused action changed nothing)."""
    return form_action(
        request,
        form,
        run,
        template="marketplace/exchange_detail.html",
        context=lambda: _exchange_context(request, _exchange_for(request, pk)),
        success_url=reverse("marketplace:exchange_detail", kwargs={"pk": pk}),
        success_message=success,
        form_name=form_name,
    )


@login_required
def exchange_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _exchange_page(request, _exchange_for(request, pk))


ACTION_MESSAGES = {
    "accept": gettext_lazy("Exchange accepted."),
    "done": gettext_lazy("Marked as done: the other party will confirm."),
    "confirm": gettext_lazy("Confirmed: the hours have been transferred."),
    "cancel": gettext_lazy("Exchange cancelled."),
    "dispute": gettext_lazy("The exchange is disputed; a coordinator can help."),
}


@login_required
@require_POST
def exchange_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    if action not in EXCHANGE_TRANSITIONS:
        raise Http404
    exchange = _exchange_for(request, pk)
    return _on_exchange(
        request,
        pk,
        ExchangeActionForm(request.POST),
        lambda data: exchange_transition(
            actor=request.user,
            exchange=exchange,
            action=action,
            reason=data["reason"],
            minutes=data["minutes"] if action == "accept" else None,
        ),
        success=ACTION_MESSAGES[action],
        form_name="action_form",
    )


@login_required
@require_POST
def exchange_message(request: HttpRequest, pk: int) -> HttpResponse:
    exchange = _exchange_for(request, pk)
    return _on_exchange(
        request,
        pk,
        MessageForm(request.POST),
        lambda data: exchange_message_post(
            actor=request.user, exchange=exchange, body=data["body"]
        ),
        success=_("Message sent."),
        form_name="message_form",
    )
