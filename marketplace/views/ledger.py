"""Pages of the time ledger: my account and statement, giving hours, the coordinator's
view of every account and limit, and the public figures."""

import csv

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _

from backend.core.forms import form_action
from backend.core.idempotency import FORM_TOKEN_REUSED
from marketplace.errors import MarketplaceError
from marketplace.forms.ledger import CreditLimitForm, GiveHoursForm
from marketplace.models import TimeAccount
from marketplace.selectors.ledger import (
    StatementPages,
    ledger_monthly_figures,
    ledger_totals,
    time_account_get,
    time_account_list,
    time_account_monthly_totals,
    time_recipients_choices,
    time_transfer_statement,
)
from marketplace.services.ledger import (
    TRANSFER_SCOPE_FORM,
    time_account_for_recipient,
    time_account_for_user,
    time_account_limit_set,
    time_transfer_create_once,
)
from marketplace.views.funds import _cell, _Echo

PAGE_SIZE = 25


def _statement_context(request: HttpRequest, account: TimeAccount) -> dict:
    page = Paginator(StatementPages(account=account), PAGE_SIZE).get_page(request.GET.get("page"))
    for transfer in page:
        transfer.counterpart = transfer.payer if transfer.payee_id == account.pk else transfer.payee
    return {
        "account": account,
        "transfers": page,
        "months": time_account_monthly_totals(account=account),
    }


def _own_account(request: HttpRequest) -> TimeAccount:
    try:
        return time_account_for_user(user=request.user)
    except MarketplaceError as exc:
        raise PermissionDenied(exc.message) from exc


@login_required
def my_account(request: HttpRequest) -> HttpResponse:
    """My balance, my limit, my statement with its running balance and monthly totals."""
    account = _own_account(request)
    return render(
        request,
        "marketplace/time_account.html",
        _statement_context(request, account) | {"own": True},
    )


@login_required
def account_detail(request: HttpRequest, pk: int) -> HttpResponse:
    account = time_account_get(pk=pk)
    if account is None:
        raise Http404
    if not request.user.has_perm("marketplace.view_timeaccount", account):
        raise PermissionDenied
    return render(
        request,
        "marketplace/time_account.html",
        _statement_context(request, account)
        | {
            "own": account.owner_member_id is not None
            and account.owner_member.user_id == request.user.pk
        },
    )


@login_required
def account_export(request: HttpRequest, pk: int) -> StreamingHttpResponse:
    """The whole statement as CSV (minutes: positive received, negative given)."""
    account = time_account_get(pk=pk)
    if account is None:
        raise Http404
    if not request.user.has_perm("marketplace.view_timeaccount", account):
        raise PermissionDenied
    writer = csv.writer(_Echo())

    def rows():
        yield writer.writerow(["id", "date", "counterpart", "minutes", "balance_after", "memo"])
        for t in time_transfer_statement(account=account).iterator(chunk_size=500):
            other = t.payer if t.payee_id == account.pk else t.payee
            yield writer.writerow(
                [
                    t.pk,
                    t.created_at.isoformat(),
                    _cell(str(other)),
                    t.signed_minutes,
                    t.balance_after,
                    _cell(t.memo),
                ]
            )

    response = StreamingHttpResponse(rows(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="terreau-heures-{account.pk}.csv"'
    return response


@login_required
def give_hours(request: HttpRequest) -> HttpResponse:
    account = _own_account(request)
    recipients = time_recipients_choices(exclude_user_id=request.user.pk)
    return form_action(
        request,
        GiveHoursForm(
            request.POST or None, recipients=recipients, initial={"to": request.GET.get("to", "")}
        ),
        # A double click or a browser retry posts the same token: one transfer.
        lambda data: time_transfer_create_once(
            scope=TRANSFER_SCOPE_FORM,
            key=data["idempotency_token"],
            reused_message=FORM_TOKEN_REUSED,
            actor=request.user,
            payer=account,
            payee=time_account_for_recipient(choice=data["to"]),
            minutes=data["total_minutes"],
            memo=data["memo"],
        ),
        template="marketplace/give_hours.html",
        context={"account": account},
        success_url=reverse("marketplace:time_account"),
        success_message=_("Thank you: the hours have been given."),
    )


def _require_coordinator(request: HttpRequest) -> None:
    if not request.user.has_perm("marketplace.list_timeaccounts"):
        raise PermissionDenied


@login_required
def accounts_manage(request: HttpRequest) -> HttpResponse:
    _require_coordinator(request)
    page = Paginator(time_account_list(), 50).get_page(request.GET.get("page"))
    return render(
        request,
        "marketplace/time_accounts_manage.html",
        {"accounts": page, "totals": ledger_totals()},
    )


@login_required
def account_limit_edit(request: HttpRequest, pk: int) -> HttpResponse:
    if not request.user.has_perm("marketplace.change_timeaccount_limit"):
        raise PermissionDenied
    account = time_account_get(pk=pk)
    if account is None:
        raise Http404
    return form_action(
        request,
        CreditLimitForm(
            request.POST or None, initial={"hours": account.credit_limit_minutes // 60}
        ),
        lambda data: time_account_limit_set(
            actor=request.user, account=account, credit_limit_minutes=data["hours"] * 60
        ),
        template="marketplace/time_limit_edit.html",
        context={"account": account},
        success_url=reverse("marketplace:time_accounts_manage"),
        success_message=_("Credit limit updated."),
    )


def ledger_figures(request: HttpRequest) -> HttpResponse:
    """Public figures: hours exchanged per month and how many members take part."""
    return render(
        request,
        "marketplace/ledger_figures.html",
        {"totals": ledger_totals(), "months": ledger_monthly_figures()},
    )
