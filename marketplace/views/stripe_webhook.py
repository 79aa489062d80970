from django.http import HttpRequest, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from marketplace.errors import MarketplaceError
from marketplace.services.stripe_events import stripe_event_process, stripe_event_verify


@csrf_exempt  # Stripe cannot send our CSRF token; its signature authenticates the call
@require_POST
def stripe_webhook(request: HttpRequest) -> JsonResponse:
    try:
        event = stripe_event_verify(
            payload=request.body, signature=request.headers.get("Stripe-Signature")
        )
    except MarketplaceError as exc:
        return JsonResponse({"detail": exc.message, "code": exc.code}, status=400)
    record, replayed = stripe_event_process(event=event)
    return JsonResponse(
        {
            "received": True,
            "event": record.event_id,
            "outcome": record.outcome,
            "replayed": replayed,
        }
    )
