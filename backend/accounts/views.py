"""The personal data pages (RGPD): see what is kept, download it, ask for erasure."""

from django.contrib import messages
from django.contrib.auth import get_user_model, logout
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from backend.accounts import privacy
from backend.accounts.forms import ErasureForm, ErasureForPersonForm
from backend.core.permissions import coordinator_required


@login_required
def my_data(request: HttpRequest) -> HttpResponse:
    return render(request, "accounts/my_data.html")


@login_required
@require_POST
def my_data_export(request: HttpRequest) -> HttpResponse:
    content = privacy.personal_data_archive(actor=request.user, user=request.user)
    response = HttpResponse(content, content_type="application/zip")
    name = f"terreau-mes-donnees-{timezone.localdate().isoformat()}.zip"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@login_required
@require_http_methods(["GET", "POST"])
def my_data_erase(request: HttpRequest) -> HttpResponse:
    form = ErasureForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            privacy.personal_data_erase(
                actor=request.user, user=request.user, password=form.cleaned_data["password"]
            )
        except privacy.PrivacyError as error:
            form.add_error("password", error.message)
        else:
            logout(request)
            messages.success(request, _("Your personal data has been erased. Goodbye."))
            return redirect("home")
    return render(request, "accounts/erase.html", {"form": form})


@coordinator_required
@require_http_methods(["GET", "POST"])
def person_erase(request: HttpRequest, user_id: int) -> HttpResponse:
    person = get_object_or_404(get_user_model(), pk=user_id)
    form = ErasureForPersonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            outcome = privacy.personal_data_erase(
                actor=request.user, user=person, reason=form.cleaned_data["reason"]
            )
        except privacy.PrivacyError as error:
            form.add_error(None, error.message)
        else:
            if outcome.already_erased:
                messages.info(request, _("This person's data was already erased."))
            else:
                messages.success(request, _("The person's personal data has been erased."))
            return redirect("privacy:person_erase", user_id=person.pk)
    return render(request, "accounts/person_erase.html", {"person": person, "form": form})
