"""Digest preferences and the one-click unsubscribe of the digest e-mails."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from backend.accounts.models import User
from backend.core.digest import unsubscribe_user_id
from backend.core.models import DigestFrequency, DigestPreference
from backend.core.services import digest_preference_set


@login_required
@require_http_methods(["GET", "POST"])
def digest_preference(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        frequency = request.POST.get("frequency", "")
        if frequency in DigestFrequency.values:
            digest_preference_set(actor=request.user, user=request.user, frequency=frequency)
            messages.success(request, _("Your digest preference is saved."))
            return redirect("digest:preference")
        messages.error(request, _("Choose one of the frequencies."))
    current = (
        DigestPreference.objects.filter(user=request.user)
        .values_list("frequency", flat=True)
        .first()
        or DigestFrequency.WEEKLY
    )
    return render(
        request,
        "core/digest_preference.html",
        {"frequencies": DigestFrequency.choices, "current": current},
    )


# Mail clients post here without a session or CSRF token (RFC 8058 one-click): the signed
# token in the address is the proof, and all it can do is stop the digest. A GET only asks
# for confirmation: link scanners and mail previews fetch addresses without anyone clicking.
@csrf_exempt
@require_http_methods(["GET", "POST"])
def digest_unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    user_id = unsubscribe_user_id(token)
    user = User.objects.filter(pk=user_id).first() if user_id else None
    if user is None:
        return render(request, "core/digest_unsubscribed.html", {"invalid": True}, status=404)
    if request.method == "GET":
        return render(request, "core/digest_unsubscribed.html", {"confirm": True})
    digest_preference_set(actor=None, user=user, frequency=DigestFrequency.NONE)
    return render(request, "core/digest_unsubscribed.html", {"invalid": False})
