"""Staff users (Django's user admin plus role and scope), the idempotency log (read-only), and
the admin's own sign-in (lockout and two-factor, as on the staff pages)."""

from auditlog.admin import LogEntryAdmin
from auditlog.filters import ResourceTypeFilter
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm

from core.admin import ReadOnlyAdmin

from .forms import AdminSignInForm
from .models import AuditEntry, IdempotentRequest, Role, User

FORCE_ROLES = (Role.SCHEDULER, Role.SUITE_MANAGER)

# The admin's sign-in locks out and asks for a two-factor code like the staff pages' does.
admin.site.login_form = AdminSignInForm
admin.site.login_template = "accounts/admin_login.html"


class RoleScopeFormMixin:
    """A scheduler or suite manager works for one force, a court user for one court: say so
    next to the field rather than as a failed database constraint."""

    def clean(self):
        cleaned = super().clean()
        role, force, court = cleaned.get("role"), cleaned.get("force"), cleaned.get("court")
        if role in FORCE_ROLES and force is None:
            self.add_error("force", "A scheduler or suite manager needs their police force.")
        if role == Role.COURT_USER and court is None:
            self.add_error("court", "A court user needs their court.")
        return cleaned


class StaffUserCreationForm(RoleScopeFormMixin, AdminUserCreationForm):
    class Meta(AdminUserCreationForm.Meta):
        model = User
        fields = ("username", "email", "role", "force", "court")


class StaffUserChangeForm(RoleScopeFormMixin, UserChangeForm):
    class Meta(UserChangeForm.Meta):
        model = User


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    form = StaffUserChangeForm
    add_form = StaffUserCreationForm
    list_display = ("username", "email", "role", "force", "court", "is_staff", "is_active")
    list_filter = ("role", "force", "is_staff", "is_superuser", "is_active")
    list_select_related = ("force", "court")
    search_fields = ("username", "first_name", "last_name", "email")
    autocomplete_fields = ("force", "court")
    fieldsets = (
        *DjangoUserAdmin.fieldsets[:1],
        ("Role and scope", {"fields": ("role", "force", "court")}),
        *DjangoUserAdmin.fieldsets[1:],
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": ("username", "email", "usable_password", "password1", "password2"),
            },
        ),
        (
            "Role and scope",
            {
                "fields": ("role", "force", "court"),
                "description": "Schedulers and suite managers work for one force; court users "
                "for one court. An admin is made a superuser, so they can sign in here.",
            },
        ),
    )

    def save_model(self, request, obj, form, change):
        if not change:  # as `createuser` does; later changes are the admin's own to make
            obj.is_staff = obj.is_superuser = obj.role == Role.ADMIN
        super().save_model(request, obj, form, change)


@admin.register(IdempotentRequest)
class IdempotentRequestAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "user", "path", "key", "response_status")
    list_filter = ("response_status",)
    list_select_related = ("user",)
    search_fields = ("key", "path", "user__username")
    date_hierarchy = "created_at"


# --- The audit log (README, "Security"): read here or on the staff page /audit/ ----------------

admin.site.unregister(AuditEntry)


@admin.register(AuditEntry)
class AuditEntryAdmin(LogEntryAdmin):
    """django-auditlog's admin, which can add, change and delete nothing, saying who (also once
    their user is gone) and from where."""

    list_display = ["created", "resource_url", "action", "msg_short", "actor_label", "remote_addr"]
    list_filter = ["action", ResourceTypeFilter]
    search_fields = ["object_repr", "actor_label", "actor__username", "remote_addr"]
    readonly_fields = [
        *LogEntryAdmin.readonly_fields,
        "actor_label",
        "remote_addr",
        "user_agent",
        "additional_data",
    ]
    fieldsets = [
        (None, {"fields": ["created", "actor_label", "user_url", "resource_url", "cid"]}),
        ("From", {"fields": ["remote_addr", "user_agent"]}),
        ("Changes", {"fields": ["action", "msg", "additional_data"]}),
    ]
