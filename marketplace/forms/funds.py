"""HTML forms of contributions and funds (validation of input only; rules live in services)."""

import re
import uuid

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from backend.core.money import format_cents
from marketplace.models import PaymentMethod
from marketplace.models.funds import MANUAL_METHODS

_AMOUNT = re.compile(r"^\d{1,7}(?:[.,]\d{1,2})?$")
COOPERATIVE_CHOICE = "cooperative"


class EuroAmountField(forms.CharField):
    """Euros as people type them ("25", "12,5", "12.50 €") → integer cents.

    Parsed by hand: a comma is always the decimal mark here, whatever the language,
    so "12,50" can never become 1 250 €."""

    widget = forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off", "size": 10})

    def to_python(self, value):
        value = super().to_python(value)
        if value in self.empty_values:
            return None
        cleaned = value.replace("\u00a0", "").replace("\u202f", "").replace(" ", "")
        cleaned = cleaned.removesuffix("€").removeprefix("€")
        if not _AMOUNT.match(cleaned):
            raise ValidationError(
                _("Enter an amount in euros, for example 25 or 12,50."), code="invalid"
            )
        euros, _sep, cents = cleaned.replace(",", ".").partition(".")
        return int(euros) * 100 + int((cents + "00")[:2])


def _new_token() -> str:
    return uuid.uuid4().hex


class ContributionForm(forms.Form):
    amount_choice = forms.ChoiceField(label=_("Amount"), widget=forms.RadioSelect, required=False)
    other_amount = EuroAmountField(label=_("Another amount, in euros"), required=False)
    name = forms.CharField(label=_("Your name (optional)"), max_length=120, required=False)
    message = forms.CharField(
        label=_("A message (optional)"),
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    public = forms.BooleanField(
        label=_("Show my name and message on the public funds page"), required=False
    )
    email = forms.EmailField(
        label=_("Your e-mail address, for the receipt"),
        help_text=_("Used only to send your receipt."),
    )
    method = forms.ChoiceField(
        label=_("How do you pay?"),
        widget=forms.RadioSelect,
        choices=[("card", _("By card (Stripe)")), ("transfer", _("By bank transfer"))],
        initial="card",
    )
    idempotency_token = forms.CharField(widget=forms.HiddenInput, max_length=64)

    def __init__(
        self, *args, suggested: list[int], authenticated: bool, card_available: bool, **kwargs
    ) -> None:
        kwargs.setdefault("initial", {}).setdefault("idempotency_token", _new_token())
        super().__init__(*args, **kwargs)
        self.fields["amount_choice"].choices = [
            *((str(cents), format_cents(cents)) for cents in suggested),
            ("other", _("Another amount")),
        ]
        if suggested:
            self.fields["amount_choice"].initial = str(suggested[len(suggested) // 2])
        else:
            self.fields["amount_choice"].initial = "other"
        if authenticated:
            del self.fields["email"]
        if not card_available:
            del self.fields["method"]

    def clean(self) -> dict:
        cleaned = super().clean()
        choice = cleaned.get("amount_choice") or "other"
        other = cleaned.get("other_amount")
        if choice != "other":
            cleaned["amount_cents"] = int(choice)
        elif other is None:
            if "other_amount" not in self.errors:
                self.add_error("other_amount", _("Choose an amount or enter yours."))
        else:
            cleaned["amount_cents"] = other
        return cleaned


class _DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self) -> None:
        super().__init__(format="%Y-%m-%d")


class ManualPaymentForm(forms.Form):
    method = forms.ChoiceField(
        label=_("Method"),
        choices=[(m.value, m.label) for m in MANUAL_METHODS],
        initial=PaymentMethod.BANK_TRANSFER,
    )
    amount = EuroAmountField(label=_("Amount received, in euros"))
    reference = forms.CharField(
        label=_("Reference"),
        max_length=255,
        required=False,
        help_text=_("Transfer reference or cheque number; optional for cash."),
    )
    received_on = forms.DateField(label=_("Received on"), widget=_DateInput())

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("initial", {}).setdefault("received_on", timezone.localdate())
        super().__init__(*args, **kwargs)


class ManualContributionForm(ManualPaymentForm):
    target = forms.ChoiceField(label=_("For"))
    name = forms.CharField(label=_("Contributor's name"), max_length=120, required=False)
    email = forms.EmailField(
        label=_("Contributor's e-mail address"),
        required=False,
        help_text=_("The receipt is sent there; leave empty to hand it over yourself."),
    )
    message = forms.CharField(
        label=_("Message"),
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    public = forms.BooleanField(label=_("Listed publicly with this name"), required=False)

    field_order = ["target", "amount", "method", "reference", "received_on", "name", "email"]

    def __init__(self, *args, projects, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.projects = {str(p.pk): p for p in projects}
        self.fields["target"].choices = [
            (COOPERATIVE_CHOICE, _("The cooperative")),
            *((pk, project.title) for pk, project in self.projects.items()),
        ]

    def target_project(self):
        value = self.cleaned_data["target"]
        return None if value == COOPERATIVE_CHOICE else self.projects[value]


class AllocationForm(forms.Form):
    source = forms.ChoiceField(label=_("From the fund"))
    project = forms.ModelChoiceField(label=_("To the project"), queryset=None)
    amount = EuroAmountField(label=_("Amount, in euros"))
    allocated_on = forms.DateField(label=_("Date"), widget=_DateInput())
    note = forms.CharField(
        label=_("Note"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("What the money is for; shown on the public page."),
    )
    idempotency_token = forms.CharField(widget=forms.HiddenInput, max_length=64)

    def __init__(self, *args, funds, projects, **kwargs) -> None:
        initial = kwargs.setdefault("initial", {})
        initial.setdefault("allocated_on", timezone.localdate())
        initial.setdefault("idempotency_token", _new_token())
        super().__init__(*args, **kwargs)
        self.funds = {str(f.pk): f for f in funds}
        self.fields["source"].choices = [
            (pk, f"{fund} — {format_cents(fund.available_cents)}")
            for pk, fund in self.funds.items()
        ]
        self.fields["project"].queryset = projects

    def source_project(self):
        return self.funds[self.cleaned_data["source"]].project
