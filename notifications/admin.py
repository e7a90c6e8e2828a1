from django.contrib import admin

from core.admin import ReadOnlyAdmin

from .models import InboundSms, Message, SmsOptOut, WitnessLink


@admin.register(Message)
class MessageAdmin(ReadOnlyAdmin):
    list_display = [
        "id",
        "booking",
        "kind",
        "channel",
        "audience",
        "status",
        "not_before",
        "sent_at",
        "error_code",
    ]
    list_filter = ["status", "channel", "kind"]
    search_fields = ["booking__reference", "provider_id"]
    list_select_related = ["booking"]


@admin.register(SmsOptOut)
class SmsOptOutAdmin(ReadOnlyAdmin):
    list_display = ["phone", "is_opted_out", "keyword", "changed_at"]
    search_fields = ["phone"]


@admin.register(InboundSms)
class InboundSmsAdmin(ReadOnlyAdmin):
    list_display = ["received_at", "from_number", "handled_as", "booking"]
    list_filter = ["handled_as"]
    list_select_related = ["booking"]


@admin.register(WitnessLink)
class WitnessLinkAdmin(ReadOnlyAdmin):
    list_display = ["booking", "created_at", "expires_at", "last_used_at"]
    exclude = ["token_hash"]
    list_select_related = ["booking"]
