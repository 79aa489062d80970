from django import forms
from django.utils.translation import gettext_lazy as _


class ErasureForm(forms.Form):
    """The person confirms their own erasure with their password."""

    password = forms.CharField(
        label=_("Your password"),
        strip=False,
        max_length=4096,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    confirm = forms.BooleanField(
        label=_("I understand that my account will be closed and my personal data erased."),
        required=True,
    )


class ErasureForPersonForm(forms.Form):
    """A coordinator erases a person's data, on their request, with the reason."""

    reason = forms.CharField(
        label=_("Reason"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("For example: request received by post on 3 March."),
    )
    confirm = forms.BooleanField(
        label=_("I confirm the erasure of this person's personal data."), required=True
    )
