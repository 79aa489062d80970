from django import forms
from django.utils.translation import gettext_lazy as _

from backend.core.selectors import audit_object_types


class AuditFilterForm(forms.Form):
    actor = forms.CharField(
        label=_("Who"),
        required=False,
        max_length=200,
        help_text=_("E-mail address, name or user number."),
    )
    action = forms.CharField(
        label=_("Action"),
        required=False,
        max_length=80,
        help_text=_("An action or its beginning, e.g. vote. or time."),
    )
    object_type = forms.ModelChoiceField(
        label=_("Object type"), queryset=audit_object_types(), required=False
    )
    object_id = forms.CharField(label=_("Object number"), required=False, max_length=64)
    date_from = forms.DateField(
        label=_("Start date"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label=_("End date"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["object_type"].label_from_instance = lambda ct: (
            f"{ct.app_label} · {ct.model_class()._meta.verbose_name}"
            if ct.model_class()
            else f"{ct.app_label}.{ct.model}"
        )

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and end < start:
            self.add_error("date_to", _("The end date is before the start date."))
        return cleaned

    def filters(self) -> dict:
        """The selector's arguments (an invalid form filters on nothing it could not read)."""
        data = self.cleaned_data if self.is_bound and self.is_valid() else {}
        return {
            "actor": data.get("actor", ""),
            "action": data.get("action", ""),
            "object_type": data.get("object_type"),
            "object_id": data.get("object_id", ""),
            "date_from": data.get("date_from"),
            "date_to": data.get("date_to"),
        }
