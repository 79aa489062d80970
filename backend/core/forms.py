from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _

from backend.core.errors import ApplicationError
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


# ---------------------------------------------------------------- one pattern for HTML forms

Context = Mapping[str, Any] | Callable[[], Mapping[str, Any]]


def form_errors_add(
    form: forms.Form, error: ApplicationError, aliases: Mapping[str, str] | None = None
) -> None:
    """Put a service's field errors on the form's fields (the others are in its message).

    ``aliases`` names the form's field for a service's argument when they differ
    (a service's ``options`` typed in the form's ``options_text``)."""
    for name, messages_ in error.errors.items():
        name = (aliases or {}).get(name, name)
        if name in form.fields:
            for message in messages_:
                form.add_error(name, message)


def error_status(error: ApplicationError) -> int:
    """400 for what the person sent, 409 for a conflict of state (403 a refusal, 404 gone,
    429 too many attempts, 5xx a service we depend on that failed)."""
    if error.status_code in (403, 404, 409, 429) or 500 <= error.status_code <= 599:
        return error.status_code
    return 400


def form_action(
    request: HttpRequest,
    form: forms.Form,
    run: Callable[[dict[str, Any]], Any],
    *,
    template: str,
    context: Context,
    success_url: str | Callable[[Any], str],
    success_message: str | Callable[[Any], str] = "",
    invalid_message: str | Callable[[forms.Form], str] = "",
    form_name: str = "form",
    check: Callable[[], None] | None = None,
    field_aliases: Mapping[str, str] | None = None,
) -> HttpResponse:
    """Handle a posted form the one way every page does.

    A GET shows the page with the form. A POST with a valid form: ``run(cleaned_data)``
    calls the service. If it succeeds, flash
    ``success_message`` and redirect to ``success_url`` (POST/redirect/GET; both may be
    callables of the service's result). If the form is invalid, or the service raises an
    ``ApplicationError`` (its transaction rolled back: nothing changed), render ``template``
    again with ``context`` (a dict, or a callable built only then) and the bound form
    under ``form_name``: its field errors on their fields, the message in the page's
    messages, status 400 (409 for a conflict of state). ``invalid_message`` may be a
    callable of the invalid form (to say which of its rules failed); ``field_aliases``
    maps a service's argument to the form's field that holds it.

    ``check()``, if given, runs first on every POST (a rate limit, say): an
    ``ApplicationError`` it raises re-renders the page the same way, the form unread by
    any service.
    """
    message, status = invalid_message, 400
    refused = None
    if request.method == "POST" and check is not None:
        try:
            check()
        except ApplicationError as error:
            refused = error
    if request.method != "POST":
        message, status = "", 200
    elif refused is not None:
        form_errors_add(form, refused)
        message, status = refused.message, error_status(refused)
    elif form.is_valid():
        try:
            result = run(form.cleaned_data)
        except ApplicationError as error:
            form_errors_add(form, error, field_aliases)
            message, status = error.message, error_status(error)
        else:
            text = success_message(result) if callable(success_message) else success_message
            if text:
                messages.success(request, text)
            return redirect(success_url(result) if callable(success_url) else success_url)
    if callable(message):
        message = message(form)
    if message:
        messages.error(request, message)
    values = dict(context() if callable(context) else context)
    values[form_name] = form
    return render(request, template, values, status=status)


@dataclass(frozen=True)
class ActionPage:
    """A page whose forms post actions to their own views (a project's, a vote's, a
    resource's page): each view hands its form and service call to ``act``; success comes
    back to ``url`` with a flash, a refusal shows the page again (``context`` is read
    only then: a refused action left the data as it was) with the bound form under
    ``form_name``, its errors and the message."""

    template: str
    context: Callable[[], Mapping[str, Any]]
    url: str

    def act(
        self,
        request: HttpRequest,
        form: forms.Form,
        run: Callable[[dict[str, Any]], Any],
        *,
        success: str | Callable[[Any], str],
        invalid: str | Callable[[forms.Form], str] = "",
        form_name: str = "form",
        success_url: str | Callable[[Any], str] = "",
    ) -> HttpResponse:
        return form_action(
            request,
            form,
            run,
            template=self.template,
            context=self.context,
            success_url=success_url or self.url,
            success_message=success,
            invalid_message=invalid,
            form_name=form_name,
        )
