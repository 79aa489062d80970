"""Pages of the marketplace: listings with filters, a listing and its answer form,
new/edit listing, my exchanges, an exchange with its actions and messages."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from governance.selectors import is_active_member
from marketplace.errors import MarketplaceError
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
    return _listing_page(
        request, listing, RespondForm(initial={"minutes": listing.estimated_minutes})
    )


def _listing_page(request, listing, form, status: int = 200) -> HttpResponse:
    user = request.user
    return render(
        request,
        "marketplace/listing_detail.html",
        {
            "listing": listing,
            "form": form,
            "can_respond": is_active_member(user) and listing.owner.user_id != user.pk,
            "can_edit": user.has_perm("marketplace.change_listing", listing),
        },
        status=status,
    )


@login_required
@require_POST
def listing_respond(request: HttpRequest, pk: int) -> HttpResponse:
    listing = _listing_or_404(pk)
    form = RespondForm(request.POST)
    if not form.is_valid():
        return _listing_page(request, listing, form, status=400)
    try:
        exchange = exchange_create(
            actor=request.user,
            listing=listing,
            minutes=form.cleaned_data["minutes"],
            message=form.cleaned_data["message"],
        )
    except MarketplaceError as exc:
        form.add_error(None, exc.message)
        return _listing_page(request, listing, form, status=exc.status_code)
    messages.success(request, _("Your answer has been sent."))
    return redirect("marketplace:exchange_detail", pk=exchange.pk)


def _listing_form_page(request, form, listing=None, status=200) -> HttpResponse:
    return render(
        request,
        "marketplace/listing_form.html",
        {"form": form, "listing": listing},
        status=status,
    )


@login_required
def listing_new(request: HttpRequest) -> HttpResponse:
    if not is_active_member(request.user):
        raise PermissionDenied
    if request.method != "POST":
        return _listing_form_page(request, ListingForm())
    form = ListingForm(request.POST)
    if not form.is_valid():
        return _listing_form_page(request, form, status=400)
    data = form.cleaned_data
    try:
        listing = listing_create(
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
        )
    except MarketplaceError as exc:
        form.add_error(None, exc.message)
        return _listing_form_page(request, form, status=exc.status_code)
    messages.success(request, _("Your listing is published."))
    return redirect("marketplace:listing_detail", pk=listing.pk)


@login_required
def listing_edit(request: HttpRequest, pk: int) -> HttpResponse:
    listing = _listing_or_404(pk)
    if not request.user.has_perm("marketplace.change_listing", listing):
        raise PermissionDenied
    if request.method != "POST":
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
        return _listing_form_page(request, ListingForm(initial=initial), listing)
    form = ListingForm(request.POST)
    if not form.is_valid():
        return _listing_form_page(request, form, listing, status=400)
    data = form.cleaned_data
    changes = {
        k: data[k]
        for k in (
            "title",
            "description",
            "estimated_minutes",
            "place",
            "remote",
            "project",
            "status",
        )
    }
    if data["expires_on"] != listing.expires_on:
        changes["expires_on"] = data["expires_on"]
    try:
        listing_update(actor=request.user, listing=listing, tags=form.tag_names(), **changes)
    except MarketplaceError as exc:
        form.add_error(None, exc.message)
        return _listing_form_page(request, form, listing, status=exc.status_code)
    messages.success(request, _("Listing updated."))
    return redirect("marketplace:listing_detail", pk=listing.pk)


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


def _exchange_page(request, exchange, *, action_form=None, message_form=None, status=200):
    roles = exchange_roles(exchange=exchange, user=request.user)
    return render(
        request,
        "marketplace/exchange_detail.html",
        {
            "exchange": exchange,
            "actions": [
                {"name": a, "needs_reason": a in REASON_REQUIRED}
                for a in exchange_actions_available(exchange=exchange, user=request.user)
            ],
            "action_form": action_form or ExchangeActionForm(initial={"minutes": exchange.minutes}),
            "message_form": message_form or MessageForm(),
            "can_write": bool(roles & {"giver", "receiver"}),
            "is_giver": "giver" in roles,
        },
        status=status,
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
    form = ExchangeActionForm(request.POST)
    if not form.is_valid():
        return _exchange_page(request, exchange, action_form=form, status=400)
    try:
        exchange_transition(
            actor=request.user,
            exchange=exchange,
            action=action,
            reason=form.cleaned_data["reason"],
            minutes=form.cleaned_data["minutes"] if action == "accept" else None,
        )
    except MarketplaceError as exc:
        form.add_error(None, exc.message)
        return _exchange_page(request, exchange, action_form=form, status=exc.status_code)
    messages.success(request, ACTION_MESSAGES[action])
    return redirect("marketplace:exchange_detail", pk=exchange.pk)


@login_required
@require_POST
def exchange_message(request: HttpRequest, pk: int) -> HttpResponse:
    exchange = _exchange_for(request, pk)
    form = MessageForm(request.POST)
    if not form.is_valid():
        return _exchange_page(request, exchange, message_form=form, status=400)
    try:
        exchange_message_post(actor=request.user, exchange=exchange, body=form.cleaned_data["body"])
    except MarketplaceError as exc:
        form.add_error(None, exc.message)
        return _exchange_page(request, exchange, message_form=form, status=exc.status_code)
    messages.success(request, _("Message sent."))
    return redirect("marketplace:exchange_detail", pk=exchange.pk)
