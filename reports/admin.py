from django.contrib import admin

from .models import Assumption, ReportRecipient


@admin.register(Assumption)
class AssumptionAdmin(admin.ModelAdmin):
    list_display = ["key", "force", "value", "unit", "year", "kind"]
    list_filter = ["key", "force"]
    list_select_related = ["force"]
    readonly_fields = ["updated_at", "updated_by"]

    def save_model(self, request, obj, form, change):
        obj.updated_by = request.user
        super().save_model(request, obj, form, change)


@admin.register(ReportRecipient)
class ReportRecipientAdmin(admin.ModelAdmin):
    list_display = ["email", "force"]
    list_filter = ["force"]
    list_select_related = ["force"]
