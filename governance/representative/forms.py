from django import forms
from django.conf import settings
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from governance.models import College
from governance.representative.services import (
    MANDATE_MONTHS_MAX,
    STATEMENT_MAX,
    STATEMENT_MIN,
    TITLE_MAX,
)
from governance.votes.forms import DateTimeLocalInput
from governance.votes.models import VoteMethod


class ElectionForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=TITLE_MAX)
    college = forms.ModelChoiceField(
        label=_("Electing college"),
        queryset=College.objects.filter(is_active=True),
        required=False,
        help_text=_("Empty: the college set for the representative (the pioneers' college)."),
    )
    method = forms.ChoiceField(
        label=_("Counting method"),
        choices=VoteMethod.choices,
        initial=VoteMethod.MAJORITY_JUDGMENT,
    )
    mandate_months = forms.IntegerField(
        label=_("Mandate length (months)"), min_value=1, max_value=MANDATE_MONTHS_MAX
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["mandate_months"].initial = settings.REPRESENTATIVE_MANDATE_MONTHS


class CandidacyForm(forms.Form):
    # The length is checked by the service (one clear message, in the form and the API).
    statement = forms.CharField(
        label=_("Your statement"),
        widget=forms.Textarea(attrs={"rows": 8, "maxlength": STATEMENT_MAX}),
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["statement"].help_text = gettext(
            "Why you stand and what you will carry for the community (%(min)d characters at least)."
        ) % {"min": STATEMENT_MIN}


class PutToVoteForm(forms.Form):
    opens_at = forms.DateTimeField(label=_("Opens at"), widget=DateTimeLocalInput())
    closes_at = forms.DateTimeField(label=_("Closes at"), widget=DateTimeLocalInput())
    method = forms.ChoiceField(label=_("Counting method"), choices=VoteMethod.choices)
