"""Forms of the time ledger pages (the rules stay in services.ledger)."""

import secrets

from django import forms
from django.utils.translation import gettext_lazy as _

from marketplace.services.ledger import MAX_TRANSFER_MINUTES


class GiveHoursForm(forms.Form):
    to = forms.ChoiceField(label=_("To"))
    hours = forms.IntegerField(label=_("Hours"), min_value=0, max_value=1000, initial=1)
    minutes = forms.IntegerField(
        label=_("Additional minutes"), min_value=0, max_value=59, initial=0
    )
    memo = forms.CharField(
        label=_("What for"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    idempotency_token = forms.CharField(widget=forms.HiddenInput, max_length=64)

    def __init__(self, *args, recipients: list[tuple[str, str]], **kwargs) -> None:
        kwargs.setdefault("initial", {}).setdefault("idempotency_token", secrets.token_hex(16))
        super().__init__(*args, **kwargs)
        self.fields["to"].choices = [("", "—"), *recipients]

    def clean(self) -> dict:
        data = super().clean()
        total = data.get("hours", 0) * 60 + data.get("minutes", 0)
        if "hours" in data and "minutes" in data and not 0 < total <= MAX_TRANSFER_MINUTES:
            raise forms.ValidationError(_("Give at least one minute."))
        data["total_minutes"] = total
        return data


class CreditLimitForm(forms.Form):
    hours = forms.IntegerField(
        label=_("Credit limit (hours)"),
        min_value=0,
        max_value=MAX_TRANSFER_MINUTES // 60,
        help_text=_("How many hours the account may owe to the community."),
    )
