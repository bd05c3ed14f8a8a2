"""Stripe's webhook: the only way an event from Stripe reaches the site."""

import stripe
from django.conf import settings
from django.db import transaction
from django.http import HttpResponse, HttpResponseBadRequest
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from . import services


@csrf_exempt  # Stripe cannot send a CSRF token; the signature stands in for it.
@transaction.non_atomic_requests  # each event's rows commit with the Stripe calls they lead to
@require_POST
def stripe_webhook(request):
    """Verify the event's signature with the webhook secret (unsigned,
    wrongly signed or older than the tolerance: 400, nothing changes), then
    apply it once."""
    signature = request.headers.get("Stripe-Signature", "")
    if not settings.STRIPE_WEBHOOK_SECRET or not signature:
        return HttpResponseBadRequest("missing signature")
    try:
        event = stripe.Webhook.construct_event(
            request.body.decode("utf-8"),
            signature,
            settings.STRIPE_WEBHOOK_SECRET,
            tolerance=settings.STRIPE_WEBHOOK_TOLERANCE_SECONDS,
        )
    except (ValueError, UnicodeDecodeError, stripe.SignatureVerificationError):
        return HttpResponseBadRequest("invalid signature or payload")
    services.stripe_event_handle(event=event)
    return HttpResponse(status=200)
