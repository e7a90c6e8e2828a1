"""Twilio's calls to us: delivery receipts and inbound texts. Each must carry a valid
X-Twilio-Signature for our public URL and our account; anything else is refused with a 403
and changes nothing."""

from __future__ import annotations

import logging

from django.conf import settings
from django.http import HttpResponse, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST
from twilio.request_validator import RequestValidator
from twilio.twiml.messaging_response import MessagingResponse

from . import inbound, receipts

logger = logging.getLogger(__name__)


def _is_from_twilio(request) -> bool:
    signature = request.headers.get("X-Twilio-Signature", "")
    if not signature or request.POST.get("AccountSid") != settings.TWILIO_ACCOUNT_SID:
        return False
    # Twilio signs the URL it called: ours as the public sees it, not as the proxy passes it on.
    url = settings.PUBLIC_BASE_URL + request.get_full_path()
    return RequestValidator(settings.TWILIO_AUTH_TOKEN).validate(url, request.POST, signature)


def _forbidden() -> JsonResponse:
    return JsonResponse(
        {"code": "invalid_signature", "detail": "The request is not signed by our Twilio account."},
        status=403,
    )


@csrf_exempt
@require_POST
def twilio_status(request):
    """A delivery receipt for an SMS we sent."""
    if not _is_from_twilio(request):
        logger.warning("Refused an unsigned or forged Twilio status callback")
        return _forbidden()
    raw_id = request.GET.get("message", "")
    receipts.message_status_update(
        message_id=int(raw_id) if raw_id.isdigit() else None,
        provider_id=request.POST.get("MessageSid", ""),
        provider_status=request.POST.get("MessageStatus", ""),
        error_code=request.POST.get("ErrorCode", ""),
    )
    return HttpResponse(status=204)


@csrf_exempt
@require_POST
def twilio_inbound(request):
    """A text from a witness: YES, NO, STOP/START, HELP, or anything else."""
    if not _is_from_twilio(request):
        logger.warning("Refused an unsigned or forged Twilio inbound message")
        return _forbidden()
    reply = inbound.inbound_sms_handle(
        provider_id=request.POST.get("MessageSid", ""),
        from_number=request.POST.get("From", ""),
        body=request.POST.get("Body", ""),
    )
    response = MessagingResponse()
    if reply:
        response.message(reply)
    return HttpResponse(str(response), content_type="text/xml")
