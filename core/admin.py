"""What the apps' admins share: records that are read there and never written by hand."""

from django.contrib import admin


class ReadOnly:
    """A record of what happened: looked at, never added, changed or deleted by hand."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyAdmin(ReadOnly, admin.ModelAdmin):
    """A model's records, listed and opened, nothing more."""


class ReadOnlyInline(ReadOnly, admin.TabularInline):
    """A record's own records, listed under it, each a link to its page."""

    extra = 0
    can_delete = False
    show_change_link = True
