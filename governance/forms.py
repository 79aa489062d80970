from django import forms
from django.utils.translation import gettext_lazy as _

from governance.models import College, MembershipKind, MembershipStatus


def _active_colleges():
    return College.objects.filter(is_active=True).order_by("position", "name")


class ApplyForm(forms.Form):
    college = forms.ModelChoiceField(
        queryset=College.objects.none(), label=_("College"), empty_label=None
    )
    kind = forms.ChoiceField(
        choices=MembershipKind.choices, label=_("You join as"), initial=MembershipKind.PERSON
    )
    organisation_name = forms.CharField(
        label=_("Organisation you represent"), max_length=200, required=False
    )
    motivation = forms.CharField(
        label=_("Why do you want to join?"), widget=forms.Textarea, max_length=5000
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["college"].queryset = _active_colleges()


class MemberCreateForm(forms.Form):
    email = forms.EmailField(label=_("E-mail address"))
    name = forms.CharField(label=_("Full name"), max_length=300)
    college = forms.ModelChoiceField(queryset=College.objects.none(), label=_("College"))
    shares = forms.IntegerField(
        label=_("Shares subscribed"), min_value=1, max_value=100_000, initial=1
    )
    kind = forms.ChoiceField(choices=MembershipKind.choices, label=_("Kind"))
    organisation_name = forms.CharField(label=_("Organisation"), max_length=200, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["college"].queryset = _active_colleges()


class MemberFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    college = forms.ModelChoiceField(
        queryset=College.objects.none(),
        label=_("College"),
        required=False,
        to_field_name="slug",
        empty_label=_("All colleges"),
    )
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("All statuses")), *MembershipStatus.choices],
    )
    standing = forms.ChoiceField(
        label=_("Duties"),
        required=False,
        choices=[("", _("All")), ("1", _("All duties met")), ("0", _("Duties not met"))],
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["college"].queryset = College.objects.order_by("position", "name")


class DecisionForm(forms.Form):
    college = forms.ModelChoiceField(
        queryset=College.objects.none(),
        label=_("College"),
        required=False,
        empty_label=_("Keep the requested college"),
    )
    note = forms.CharField(
        label=_("Decision note"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=5000,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["college"].queryset = _active_colleges()


class CollegeChangeForm(forms.Form):
    college = forms.ModelChoiceField(queryset=College.objects.none(), label=_("New college"))
    note = forms.CharField(label=_("Note"), required=False, max_length=2000)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["college"].queryset = _active_colleges()


class StatusChangeForm(forms.Form):
    status = forms.ChoiceField(
        label=_("New status"),
        choices=[
            (MembershipStatus.RESIGNED, _("Resigned")),
            (MembershipStatus.EXCLUDED, _("Excluded")),
            (MembershipStatus.MEMBER, _("Member (reinstate)")),
        ],
    )
    note = forms.CharField(label=_("Reason"), required=False, max_length=2000)


class SharesForm(forms.Form):
    quantity = forms.IntegerField(label=_("Number of shares"), min_value=1, max_value=100_000)
    subscribed_on = forms.DateField(
        label=_("Subscribed on"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    paid_on = forms.DateField(
        label=_("Paid on (leave empty if not paid yet)"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    payment_reference = forms.CharField(
        label=_("Payment reference"), required=False, max_length=120
    )


class MarkPaidForm(forms.Form):
    subscription = forms.IntegerField(widget=forms.HiddenInput)
    paid_on = forms.DateField(
        label=_("Paid on"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    payment_reference = forms.CharField(
        label=_("Payment reference"), required=False, max_length=120
    )


class RefundForm(forms.Form):
    quantity = forms.IntegerField(label=_("Shares refunded"), min_value=1, max_value=100_000)
    refunded_on = forms.DateField(
        label=_("Refunded on"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    reference = forms.CharField(label=_("Reference"), required=False, max_length=120)


class SubscribeForm(forms.Form):
    shares = forms.IntegerField(label=_("Number of shares"), min_value=1, initial=1)
    college = forms.ModelChoiceField(
        label=_("College"), queryset=College.objects.none(), to_field_name="slug"
    )
    payment = forms.ChoiceField(
        label=_("Payment"),
        choices=[("stripe", _("By card")), ("transfer", _("By bank transfer"))],
        widget=forms.RadioSelect,
        initial="stripe",
    )

    def __init__(self, *args, colleges=None, card_enabled=True, max_shares=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["college"].queryset = (
            colleges if colleges is not None else College.objects.none()
        )
        if max_shares:
            self.fields["shares"].max_value = max_shares
            self.fields["shares"].widget.attrs["max"] = max_shares
        if not card_enabled:
            self.fields["payment"].choices = [("transfer", _("By bank transfer"))]
            self.fields["payment"].initial = "transfer"
        if colleges is not None and colleges.count() == 1:
            self.fields["college"].initial = colleges.first()
