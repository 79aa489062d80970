"""Forms of the marketplace pages (the rules stay in services.listings/exchanges)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from marketplace.models import ListingKind, ListingStatus
from marketplace.models.listings import MAX_LISTING_MINUTES
from projects.models import Project


class ListingFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    kind = forms.ChoiceField(
        label=_("Kind"), required=False, choices=[("", _("All")), *ListingKind.choices]
    )
    tag = forms.SlugField(label=_("Skill"), required=False, max_length=60)
    remote = forms.ChoiceField(
        label=_("Where"),
        required=False,
        choices=[("", _("Anywhere")), ("1", _("Remote")), ("0", _("On site"))],
    )
    project = forms.ModelChoiceField(
        label=_("Project"), required=False, queryset=Project.objects.order_by("title")
    )
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("Open")), *ListingStatus.choices],
    )


class ListingForm(forms.Form):
    kind = forms.ChoiceField(label=_("I…"), choices=ListingKind.choices)
    title = forms.CharField(label=_("Title"), max_length=200)
    description = forms.CharField(
        label=_("Description"), required=False, max_length=5000, widget=forms.Textarea
    )
    tags = forms.CharField(
        label=_("Skills"),
        required=False,
        max_length=500,
        help_text=_("Comma-separated, e.g. gardening, bike repair."),
    )
    estimated_minutes = forms.IntegerField(
        label=_("Estimated time (minutes)"), min_value=1, max_value=MAX_LISTING_MINUTES
    )
    place = forms.CharField(label=_("Place"), required=False, max_length=200)
    remote = forms.BooleanField(label=_("Can be done remotely"), required=False)
    project = forms.ModelChoiceField(
        label=_("For a project"), required=False, queryset=Project.objects.order_by("title")
    )
    expires_on = forms.DateField(
        label=_("Expires on"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    status = forms.ChoiceField(
        label=_("Status"), choices=ListingStatus.choices, initial=ListingStatus.OPEN
    )

    def tag_names(self) -> list[str]:
        return [t for t in self.cleaned_data.get("tags", "").split(",") if t.strip()]


class RespondForm(forms.Form):
    minutes = forms.IntegerField(
        label=_("Minutes you propose"), min_value=1, max_value=MAX_LISTING_MINUTES
    )
    message = forms.CharField(
        label=_("Message"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class ExchangeActionForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )
    minutes = forms.IntegerField(
        label=_("Agreed minutes"), required=False, min_value=1, max_value=MAX_LISTING_MINUTES
    )


class MessageForm(forms.Form):
    body = forms.CharField(
        label=_("Your message"), max_length=5000, widget=forms.Textarea(attrs={"rows": 3})
    )
