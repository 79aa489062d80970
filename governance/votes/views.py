"""The votes' pages: list, vote, ballot, receipt, results, CSV; the coordinator's screens."""

import csv
from collections.abc import Callable
from functools import wraps

import rules
from django import forms as django_forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST
from django_htmx.http import HttpResponseClientRedirect

from backend.core.forms import ActionPage, form_action
from backend.core.permissions import coordinator_required
from backend.core.throttles import BallotRateThrottle, too_many_requests_message, web_throttled
from governance.errors import GovernanceError
from governance.votes import ballots, forms, results, selectors, services
from governance.votes.models import Vote, VoteMethod, VoteStatus
from governance.votes.subjects import option_provider


def _members_only(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    @wraps(view)
    @login_required
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not request.user.has_perm("governance.see_votes"):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


def _vote_fresh(pk: int) -> Vote:
    """The vote, opened or closed first if its time has come (no scheduler needed)."""
    try:
        vote = selectors.vote_get(vote_id=pk)
    except Vote.DoesNotExist:
        raise Http404 from None
    if services.vote_sync(vote=vote).status != vote.status:
        vote = selectors.vote_get(vote_id=pk)
    return vote


@_members_only
def vote_list(request: HttpRequest) -> HttpResponse:
    services.votes_sync_due()
    closed = Paginator(
        selectors.vote_list_for(user=request.user, status=VoteStatus.CLOSED), 20
    ).get_page(request.GET.get("page"))
    return render(
        request,
        "governance/votes/list.html",
        {
            "open_votes": selectors.vote_list_for(user=request.user, status=VoteStatus.OPEN),
            "scheduled_votes": selectors.vote_list_for(
                user=request.user, status=VoteStatus.SCHEDULED
            ),
            "page": closed,
        },
    )


@_members_only
def vote_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return render(request, "governance/votes/detail.html", _vote_detail_context(request, pk))


def _vote_detail_context(request: HttpRequest, pk: int) -> dict:
    vote = _vote_fresh(pk)
    membership = selectors.voter_membership(vote=vote, user=request.user)
    return {
        "vote": vote,
        "in_electorate": membership is not None,
        "has_voted": selectors.vote_has_voted(vote=vote, membership=membership),
        "schedule_form": forms.VoteScheduleForm(
            initial={"opens_at": vote.opens_at, "closes_at": vote.closes_at}
        ),
    }


def _on_vote(request, pk, form, run, *, success: str, success_url: str = "") -> HttpResponse:
    """A coordinator's action posted from the vote's page: on to the page (or
    ``success_url``), or the page again with the form and the message (400/409)."""
    page = ActionPage(
        template="governance/votes/detail.html",
        context=lambda: _vote_detail_context(request, pk),
        url=reverse("governance:vote_detail", kwargs={"pk": pk}),
    )
    return page.act(
        request,
        form,
        run,
        success=success,
        success_url=success_url,
        invalid=_("Check the form: it has errors."),
        form_name="schedule_form",
    )


# ---------------------------------------------------------------- ballot


def _ballot_rows(vote: Vote, options: list, chosen: dict[int, int]) -> list[dict]:
    """The ballot form, one row per option, with what is already chosen."""
    rows = []
    for option in options:
        value = chosen.get(option.pk)
        row = {"option": option, "value": value}
        if vote.method == VoteMethod.MAJORITY_JUDGMENT:
            row["choices"] = [
                {"value": index, "label": name, "checked": value == index}
                for index, name in enumerate(vote.grades)
            ]
        elif vote.method == VoteMethod.SCHULZE:
            row["places"] = [
                {"value": place, "selected": value is not None and value + 1 == place}
                for place in range(1, len(options) + 1)
            ]
        rows.append(row)
    return rows


def _ballot_from_post(vote: Vote, options: list, post) -> tuple[dict, dict[int, int]]:
    """The service's arguments from the form, and the choices to show again on error."""
    if vote.method == VoteMethod.MAJORITY_JUDGMENT:
        grades: dict = {}
        for option in options:
            raw = post.get(f"grade-{option.pk}", "")
            if raw != "":
                grades[option.pk] = int(raw) if raw.lstrip("-").isdigit() else raw
        shown = {k: v for k, v in grades.items() if isinstance(v, int)}
        return {"grades": grades}, shown
    if vote.method == VoteMethod.APPROVAL:
        approved = post.getlist("approved")
        shown = {int(v): 1 for v in approved if v.isdigit()}
        return {"approved": approved}, shown
    if vote.method == VoteMethod.SCHULZE:
        places = {}
        for option in options:
            raw = post.get(f"rank-{option.pk}", "")
            if raw.isdigit() and int(raw) >= 1:
                places[option.pk] = int(raw)
        shown = {option: place - 1 for option, place in places.items()}
        return {"ranking": ballots.ranking_from_places(places)}, shown
    choice = post.get("choice") or None
    shown = {int(choice): 1} if choice and choice.isdigit() else {}
    return {"choice": choice}, shown


@login_required
@require_http_methods(["GET", "POST"])
def vote_ballot(request: HttpRequest, pk: int) -> HttpResponse:
    vote = _vote_fresh(pk)
    # The rule itself, not user.has_perm: Django grants a superuser every permission, but
    # only the vote's electorate casts a ballot (the service refuses anyone else).
    if not rules.has_perm("governance.cast_ballot", request.user, vote):
        raise PermissionDenied
    if vote.status == VoteStatus.CLOSED:
        messages.info(request, _("This vote is closed."))
        return _leave(request, reverse("governance:vote_results", args=[vote.pk]))
    if vote.status != VoteStatus.OPEN:
        messages.info(request, _("This vote is not open yet."))
        return _leave(request, reverse("governance:vote_detail", args=[vote.pk]))
    options = list(vote.options.all())
    membership = selectors.voter_membership(vote=vote, user=request.user)
    has_voted = selectors.vote_has_voted(vote=vote, membership=membership)
    chosen: dict[int, int] = {}
    if has_voted and not vote.secret:
        ballot = vote.ballots.filter(voter=membership).first()
        chosen = selectors.ballot_entries(ballot=ballot) if ballot else {}
    error = ""
    status = 200
    # With htmx the form is swapped in place (the ballot, or the receipt, replaces the
    # page's content); without JavaScript the same POST answers with the full page.
    partial = bool(request.htmx) and not request.htmx.history_restore_request
    if request.method == "POST" and web_throttled(request, BallotRateThrottle):
        error, status = too_many_requests_message(), 429
    elif request.method == "POST":
        try:
            payload, chosen = _ballot_from_post(vote, options, request.POST)
            cast = services.vote_cast(
                user=request.user, vote=vote, receipt=request.POST.get("receipt", ""), **payload
            )
        except GovernanceError as exc:
            if exc.status_code == 409 and exc.code != "already_voted":
                messages.error(request, exc.message)
                return _leave(request, reverse("governance:vote_detail", args=[vote.pk]))
            error = exc.message
        else:
            response = render(
                request,
                "governance/votes/_receipt.html" if partial else "governance/votes/receipt.html",
                {
                    "vote": vote,
                    "cast": cast,
                    "partial": partial,
                    "cells": list(
                        zip(
                            options,
                            results.ballot_cells(vote, cast.entries, options),
                            strict=True,
                        )
                    ),
                },
            )
            response["Cache-Control"] = "no-store"  # the receipt code is shown once
            patch_vary_headers(response, ("HX-Request",))
            return response
    response = render(
        request,
        "governance/votes/_ballot.html" if partial else "governance/votes/ballot.html",
        {
            "vote": vote,
            "rows": _ballot_rows(vote, options, chosen),
            "has_voted": has_voted,
            "error": error,
            "partial": partial,
        },
        status=status,
    )
    patch_vary_headers(response, ("HX-Request",))
    return response


def _leave(request: HttpRequest, url: str) -> HttpResponse:
    """Go to another page: a redirect, or for htmx a client-side redirect (htmx would
    otherwise swap the whole page into the ballot's place)."""
    if request.htmx:
        return HttpResponseClientRedirect(url)
    return redirect(url)


@_members_only
@require_http_methods(["GET", "POST"])
def vote_receipt(request: HttpRequest, pk: int) -> HttpResponse:
    """Find one's ballot by its receipt code (POST: the code stays out of URLs and logs)."""
    vote = _vote_fresh(pk)
    form = forms.ReceiptCheckForm(request.POST or None)
    found = None
    if request.method == "POST" and form.is_valid():
        ballot = selectors.ballot_find_by_receipt(vote=vote, code=form.cleaned_data["receipt"])
        if ballot is None:
            form.add_error("receipt", _("No ballot of this vote has this receipt code."))
        else:
            options = list(vote.options.all())
            entries = selectors.ballot_entries(ballot=ballot)
            found = {
                "ballot": ballot,
                "cells": list(
                    zip(options, results.ballot_cells(vote, entries, options), strict=True)
                ),
            }
    response = render(
        request,
        "governance/votes/receipt_check.html",
        {"vote": vote, "form": form, "found": found},
    )
    response["Cache-Control"] = "no-store"
    return response


# ---------------------------------------------------------------- results


def _closed_or_redirect(request: HttpRequest, vote: Vote) -> HttpResponse | None:
    if vote.status == VoteStatus.CLOSED:
        return None
    messages.info(request, _("The results are published when the vote closes."))
    return redirect("governance:vote_detail", pk=vote.pk)


@_members_only
def vote_results(request: HttpRequest, pk: int) -> HttpResponse:
    vote = _vote_fresh(pk)
    if (response := _closed_or_redirect(request, vote)) is not None:
        return response
    return render(request, "governance/votes/results.html", _results_context(request, vote))


def _results_context(request: HttpRequest, vote: Vote) -> dict:
    options = list(vote.options.all())
    public_ballots = []
    if not vote.secret:
        for ballot in selectors.vote_ballots(vote=vote):
            entries = {e.option_id: e.value for e in ballot.entries.all()}
            public_ballots.append(
                {"ballot": ballot, "cells": results.ballot_cells(vote, entries, options)}
            )
    provider = option_provider(vote.outcome_subject_kind or "")
    can_override = (
        vote.outcome_applied_at is not None
        and provider is not None
        and provider.overridable
        and rules.has_perm("governance.override_vote_outcome", request.user)
    )
    return {
        "vote": vote,
        "outcome_kind": vote.outcome_subject_kind or "",
        "outcome_option": next(
            (
                o
                for o in options
                if o.subject_id is not None
                and o.subject_kind == vote.outcome_subject_kind
                and o.subject_id == vote.outcome_subject_id
            ),
            None,
        ),
        "override_form": forms.VoteOutcomeOverrideForm(options=options) if can_override else None,
        "options": options,
        "page": results.results_page(vote),
        "participation": results.participation(vote),
        "participation_percent": results.percent(vote.result.participation_rate),
        "chart_width": results.CHART_WIDTH,
        "chart_middle": results.CHART_WIDTH // 2,
        "bar_height": results.BAR_HEIGHT,
        "public_ballots": public_ballots,
    }


@coordinator_required
@require_POST
def vote_outcome_override(request: HttpRequest, pk: int) -> HttpResponse:
    """The coordinator chooses another project than the count did, with a public reason."""
    vote = _vote_fresh(pk)
    return form_action(
        request,
        forms.VoteOutcomeOverrideForm(request.POST, options=list(vote.options.all())),
        lambda data: services.vote_outcome_override(
            actor=request.user, vote=vote, option_id=data["option"], reason=data["reason"]
        ),
        template="governance/votes/results.html",
        context=lambda: _results_context(request, selectors.vote_get(vote_id=pk)),
        success_url=reverse("governance:vote_results", kwargs={"pk": pk}),
        success_message=_("The result is overridden; the reason is published."),
        invalid_message=_("Check the form: it has errors."),
        form_name="override_form",
    )


@_members_only
def vote_ballots_csv(request: HttpRequest, pk: int) -> HttpResponse:
    """Every ballot, a row each under its receipt number, a column per option."""
    vote = _vote_fresh(pk)
    if (response := _closed_or_redirect(request, vote)) is not None:
        return response
    options = list(vote.options.all())
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="scrutin-{vote.pk}-bulletins.csv"'
    response.write("\ufeff")  # spreadsheet programs then read UTF-8 correctly
    writer = csv.writer(response)
    voter_column = [] if vote.secret else [_("Voter")]
    writer.writerow(
        [_("Receipt number"), *voter_column, *(f"{o.label} (#{o.pk})" for o in options)]
    )
    for ballot in selectors.vote_ballots(vote=vote).iterator(chunk_size=1000):
        entries = {e.option_id: e.value for e in ballot.entries.all()}
        voter = [] if vote.secret else [ballot.voter.display_name if ballot.voter else ""]
        writer.writerow([ballot.receipt_id, *voter, *results.csv_cells(vote, entries, options)])
    return response


# ---------------------------------------------------------------- coordinator


@coordinator_required
@require_http_methods(["GET", "POST"])
def vote_create(request: HttpRequest) -> HttpResponse:
    form = forms.VoteCreateForm(request.POST or None)

    def run(data: dict) -> Vote:
        options = [services.OptionInput(label=label) for label in form.option_labels()]
        options += [services.OptionInput.project(ref) for ref in data["projects"]]
        return services.vote_create(
            actor=request.user,
            title=data["title"],
            description=data["description"],
            method=data["method"],
            options=options,
            grades=form.grade_names(),
            opens_at=data["opens_at"],
            closes_at=data["closes_at"],
            secret=data["secret"],
            colleges=list(data["colleges"]),
            pioneers_only=data["pioneers_only"],
        )

    return form_action(
        request,
        form,
        run,
        template="governance/votes/create.html",
        context={},
        success_url=lambda vote: reverse("governance:vote_detail", kwargs={"pk": vote.pk}),
        success_message=_("The vote is created."),
        invalid_message=_("Check the form: it has errors."),
        field_aliases={"options": "options_text", "grades": "grades_text"},
    )


@coordinator_required
@require_POST
def vote_schedule(request: HttpRequest, pk: int) -> HttpResponse:
    vote = _vote_fresh(pk)

    def run(data: dict):
        opens_at = data["opens_at"]
        if vote.status != VoteStatus.SCHEDULED or opens_at is None:
            opens_at = vote.opens_at  # once open, only the closing time moves
        return services.vote_schedule(
            actor=request.user, vote=vote, opens_at=opens_at, closes_at=data["closes_at"]
        )

    return _on_vote(
        request,
        pk,
        forms.VoteScheduleForm(request.POST),
        run,
        success=_("The schedule is saved."),
    )


@coordinator_required
@require_POST
def vote_open(request: HttpRequest, pk: int) -> HttpResponse:
    vote = _vote_fresh(pk)
    return _on_vote(
        request,
        pk,
        django_forms.Form(request.POST),
        lambda data: services.vote_open(actor=request.user, vote=vote),
        success=_("The vote is open."),
    )


@coordinator_required
@require_POST
def vote_close(request: HttpRequest, pk: int) -> HttpResponse:
    vote = _vote_fresh(pk)
    return _on_vote(
        request,
        pk,
        django_forms.Form(request.POST),
        lambda data: services.vote_close(actor=request.user, vote=vote),
        success=_("The vote is closed and counted."),
        success_url=reverse("governance:vote_results", kwargs={"pk": pk}),
    )
