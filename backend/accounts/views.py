"""The personal data pages (RGPD): see what is kept, download it, ask for erasure."""

from django.contrib.auth import get_user_model, logout
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from backend.accounts import privacy
from backend.accounts.forms import ErasureForm, ErasureForPersonForm
from backend.core.forms import form_action
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
    def run(data: dict) -> None:
        privacy.personal_data_erase(
            actor=request.user, user=request.user, password=data["password"]
        )
        logout(request)

    return form_action(
        request,
        ErasureForm(request.POST or None),
        run,
        template="accounts/erase.html",
        context={},
        success_url=reverse("home"),
        success_message=_("Your personal data has been erased. Goodbye."),
    )


@coordinator_required
@require_http_methods(["GET", "POST"])
def person_erase(request: HttpRequest, user_id: int) -> HttpResponse:
    person = get_object_or_404(get_user_model(), pk=user_id)
    return form_action(
        request,
        ErasureForPersonForm(request.POST or None),
        lambda data: privacy.personal_data_erase(
            actor=request.user, user=person, reason=data["reason"]
        ),
        template="accounts/person_erase.html",
        context={"person": person},
        success_url=reverse("privacy:person_erase", kwargs={"user_id": person.pk}),
        success_message=lambda outcome: (
            _("This person's data was already erased.")
            if outcome.already_erased
            else _("The person's personal data has been erased.")
        ),
    )
