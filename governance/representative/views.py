"""Pages of the representative election: elections and candidates, standing, the vote."""

import rules
from django import forms as django_forms
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from backend.core.forms import form_action
from backend.core.permissions import rule_required
from governance.representative import selectors, services
from governance.representative.forms import CandidacyForm, ElectionForm, PutToVoteForm
from governance.representative.models import Candidacy

MANAGE = "governance.manage_representative_elections"
STAND = "governance.stand_for_representative"


def election_list(request: HttpRequest) -> HttpResponse:
    """The representative in office, the elections and their candidates (public)."""
    return render(
        request,
        "governance/representative/list.html",
        {
            "mandate": selectors.mandate_current(),
            "electing_college": selectors.electing_college(),
            "elections": selectors.elections_with_candidacies(),
            "may_manage": rules.has_perm(MANAGE, request.user),
        },
    )


@rule_required(MANAGE)
@require_http_methods(["GET", "POST"])
def election_create(request: HttpRequest) -> HttpResponse:
    return form_action(
        request,
        ElectionForm(request.POST or None),
        lambda data: services.election_create(actor=request.user, **data),
        template="governance/representative/create.html",
        context={},
        success_url=lambda election: reverse(
            "governance:representative_detail", kwargs={"pk": election.pk}
        ),
        success_message=_("Election created: members of its college may now stand."),
    )


def _election_or_404(pk: int):
    election = selectors.election_get(pk)
    if election is None:
        raise Http404
    return election


def _detail_context(request: HttpRequest, election) -> dict:
    return {
        "election": election,
        "candidacies": list(selectors.candidacies_standing(election)),
        "mine": selectors.my_candidacy(election=election, user=request.user),
        "may_stand": rules.has_perm(STAND, request.user, election) and election.candidacies_open,
        "may_manage": rules.has_perm(MANAGE, request.user),
        "stand_form": CandidacyForm(),
        "vote_form": PutToVoteForm(initial={"method": election.method}),
    }


def election_detail(request: HttpRequest, pk: int) -> HttpResponse:
    election = _election_or_404(pk)
    return render(
        request, "governance/representative/detail.html", _detail_context(request, election)
    )


@login_required
@require_POST
def candidacy_stand(request: HttpRequest, pk: int) -> HttpResponse:
    election = _election_or_404(pk)
    return form_action(
        request,
        CandidacyForm(request.POST),
        lambda data: services.candidacy_stand(
            user=request.user, election=election, statement=data["statement"]
        ),
        template="governance/representative/detail.html",
        context=lambda: _detail_context(request, election),
        success_url=reverse("governance:representative_detail", kwargs={"pk": election.pk}),
        success_message=_("You are standing: your statement is published with your name."),
        form_name="stand_form",
    )


@login_required
@require_POST
def candidacy_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    candidacy = Candidacy.objects.filter(pk=pk, membership__user=request.user).first()
    if candidacy is None:
        raise Http404
    election = candidacy.election
    return form_action(
        request,
        django_forms.Form(request.POST),
        lambda data: services.candidacy_withdraw(user=request.user, candidacy=candidacy),
        template="governance/representative/detail.html",
        context=lambda: _detail_context(request, election),
        success_url=reverse("governance:representative_detail", kwargs={"pk": election.pk}),
        success_message=_("Your candidacy is withdrawn."),
        form_name="withdraw_form",
    )


@rule_required(MANAGE)
@require_POST
def election_put_to_vote(request: HttpRequest, pk: int) -> HttpResponse:
    election = _election_or_404(pk)
    return form_action(
        request,
        PutToVoteForm(request.POST),
        lambda data: services.election_put_to_vote(actor=request.user, election=election, **data),
        template="governance/representative/detail.html",
        context=lambda: _detail_context(request, election),
        success_url=lambda vote: reverse("governance:vote_detail", kwargs={"pk": vote.pk}),
        success_message=_("The election is put to the vote; candidacies are closed."),
        form_name="vote_form",
    )
