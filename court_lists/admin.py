"""The lists read and the changes they brought, to look at: a list is read through its ways in
(the push, `import_court_list`, the inbox) and a change is decided through the API or the staff
pages, never here."""

from django.contrib import admin

from core.admin import ReadOnlyAdmin

from .models import CourtList, ListChange


class ListChangeInline(admin.TabularInline):
    model = ListChange
    fk_name = "court_list"
    extra = 0
    can_delete = False
    show_change_link = True
    fields = ("kind", "case_reference", "hearing", "before", "after", "state", "decided_at")
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(CourtList)
class CourtListAdmin(ReadOnlyAdmin):
    list_display = ("received_at", "court", "list_type", "content_date", "published_at", "outcome")
    list_filter = ("outcome", "list_type", "court")
    list_select_related = ("court",)
    date_hierarchy = "received_at"
    inlines = [ListChangeInline]


@admin.register(ListChange)
class ListChangeAdmin(ReadOnlyAdmin):
    list_display = ("court_list", "kind", "case_reference", "hearing", "state", "decided_at")
    list_filter = ("state", "kind")
    list_select_related = ("court_list__court", "hearing")
    search_fields = ("case_reference",)
