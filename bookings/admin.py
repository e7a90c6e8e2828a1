"""Courts, hearings, witnesses and bookings.

The admin is a window on the data, not a back door round the booking rules: bookings are made,
moved, cancelled and progressed through the API (the services apply the rules and write the
history), so here a booking's schedule and status are read-only and only its special measures
and notes can be edited, through the same service. A booking's history is never edited.
Hearings are relisted and vacated through the API too, because their bookings must follow.
"""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.utils.html import format_html

from core.admin import ReadOnlyAdmin, ReadOnlyInline
from core.errors import DomainError

from . import rules, services
from .models import (
    AttentionFlag,
    Booking,
    BookingEvent,
    Court,
    Hearing,
    HearingStatus,
    RetentionRun,
    Unavailability,
    Witness,
)
from .retention import ROWS, counts_in_words
from .services.video_link import VIDEO_LINK_FIELDS

# --- Courts and hearings ----------------------------------------------------------------------


@admin.register(Court)
class CourtAdmin(admin.ModelAdmin):
    list_display = ("name", "code", "name_cy", "postcode", "contact_email", "contact_phone")
    search_fields = ("name", "name_cy", "code", "postcode")


class HearingForm(forms.ModelForm):
    class Meta:
        model = Hearing
        fields = ("court", "case_reference", "hearing_type", "courtroom", "starts_at", "ends_at")

    def clean_case_reference(self):
        return self.cleaned_data["case_reference"].strip().upper()

    def clean(self):
        cleaned = super().clean()
        starts_at, ends_at = cleaned.get("starts_at"), cleaned.get("ends_at")
        if starts_at and ends_at:  # only when adding: afterwards the times are read-only
            try:
                rules.check_hearing_window(starts_at, ends_at)
            except DomainError as error:
                raise ValidationError(error.detail) from None
        return cleaned


class HearingBookingInline(ReadOnlyInline):
    model = Booking
    fk_name = "hearing"
    fields = ("reference", "witness", "suite", "starts_at", "ends_at", "status", "outcome")
    readonly_fields = fields
    ordering = ("starts_at",)

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("witness", "suite")


@admin.register(Hearing)
class HearingAdmin(admin.ModelAdmin):
    form = HearingForm
    list_display = (
        "case_reference",
        "court",
        "courtroom",
        "hearing_type",
        "starts_at",
        "ends_at",
        "status",
        "booking_count",
    )
    list_filter = ("status", "hearing_type", "court")
    list_select_related = ("court",)
    search_fields = ("case_reference",)
    autocomplete_fields = ("court",)
    date_hierarchy = "starts_at"
    inlines = (HearingBookingInline,)
    actions = ("conclude",)

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(booking_total=Count("bookings"))

    @admin.display(description="Bookings", ordering="booking_total")
    def booking_count(self, obj):
        return obj.booking_total

    def get_readonly_fields(self, request, obj=None):
        always = ("status", "vacated_reason", "created_at", "updated_at")
        if obj is None:
            return always
        # Moving a hearing moves its bookings: relist or vacate it through the API.
        return (*always, "court", "starts_at", "ends_at")

    @admin.action(description="Mark the selected listed hearings as concluded")
    def conclude(self, request, queryset):
        done = 0
        for hearing in queryset.filter(status=HearingStatus.LISTED):
            services.hearing_conclude(hearing=hearing)
            done += 1
        self.message_user(request, f"{done} hearing(s) concluded.", messages.SUCCESS)


# --- Witnesses --------------------------------------------------------------------------------


class WitnessForm(forms.ModelForm):
    class Meta:
        model = Witness
        fields = (
            "full_name",
            "witness_type",
            "force",
            "collar_number",
            "phone",
            "email",
            "language",  # blank: the force's default (Witness.save)
        )

    def clean(self):
        cleaned = super().clean()
        if "witness_type" in cleaned:
            try:
                rules.check_witness_fields(
                    cleaned["witness_type"], cleaned.get("collar_number", "")
                )
            except DomainError as error:
                for field, problems in (error.fields or {"__all__": [error.detail]}).items():
                    self.add_error(field if field in self.fields else None, problems)
        return cleaned


@admin.register(Unavailability)
class UnavailabilityAdmin(ReadOnlyAdmin):
    """Witnesses' dates to avoid, read here: staff add and remove them through the API and
    the staff pages (and imports); a witness's go when they are anonymised."""

    list_display = ("witness", "reason", "starts_at", "ends_at", "source", "created_at")
    list_filter = ("reason", "source", "witness__force")
    list_select_related = ("witness",)
    search_fields = ("=witness__id", "witness__collar_number")
    date_hierarchy = "starts_at"
    fields = (
        "witness",
        "starts_at",
        "ends_at",
        "reason",
        "note",
        "source",
        "source_key",
        "created_by",
        "created_at",
    )
    readonly_fields = fields


@admin.register(Witness)
class WitnessAdmin(admin.ModelAdmin):
    form = WitnessForm
    list_display = (
        "full_name",
        "witness_type",
        "force",
        "collar_number",
        "phone",
        "language",
        "sms_opt_out",
        "anonymised_at",
    )
    list_filter = ("witness_type", "force", "language", "sms_opt_out")
    list_select_related = ("force",)
    search_fields = ("full_name", "collar_number")
    autocomplete_fields = ("force",)

    def save_model(self, request, obj, form, change):
        if not change:
            return super().save_model(request, obj, form, change)
        # Through the service, as the API does: a corrected number or email gets the news
        # already sent elsewhere, and a new number takes its opt-out state from the ledger.
        changed = {name: form.cleaned_data[name] for name in form.changed_data}
        if not changed:  # nothing to change (an anonymised witness's record is read-only)
            return None
        stored = Witness.objects.get(pk=obj.pk)
        form.instance = services.witness_update(witness=stored, **changed)
        return None

    def get_readonly_fields(self, request, obj=None):
        record = ("sms_opt_out", "anonymised_at", "created_at", "updated_at")
        if obj is not None and obj.anonymised_at is not None:
            # Anonymised: kept as a record, never filled in again.
            return (
                *record,
                "full_name",
                "witness_type",
                "force",
                "collar_number",
                "phone",
                "email",
                "language",
            )
        return record


# --- Bookings and their history ---------------------------------------------------------------


class BookingEventInline(ReadOnlyInline):
    model = BookingEvent
    fields = ("at", "actor_label", "action", "changes")
    readonly_fields = fields
    show_change_link = False
    ordering = ("at", "id")


class AttentionFlagInline(ReadOnlyInline):
    model = AttentionFlag
    fields = ("created_at", "kind", "detail", "resolved_at")
    readonly_fields = fields
    ordering = ("created_at",)


#: What staff may change on a booking in the admin: nothing that moves it.
BOOKING_DETAILS = (
    "live_link_basis",
    "needs_supporter",
    "needs_intermediary",
    "interpreter_language",
    "notes",
)


@admin.register(Booking)
class BookingAdmin(admin.ModelAdmin):
    list_display = (
        "reference",
        "status",
        "suite",
        "starts_at",
        "ends_at",
        "case_reference",
        "court",
        "witness",
        "outcome",
    )
    list_filter = ("status", "suite__force", "outcome", "suite")
    list_select_related = ("suite", "hearing__court", "witness")
    search_fields = ("reference", "hearing__case_reference")
    date_hierarchy = "starts_at"
    inlines = (AttentionFlagInline, BookingEventInline)
    fieldsets = (
        (
            None,
            {"fields": ("reference", "status", "hearing", "witness", "suite")},
        ),
        (
            "When",
            {"fields": (("starts_at", "ends_at"), ("occupied_from", "occupied_until"))},
        ),
        ("Special measures", {"fields": BOOKING_DETAILS}),
        ("Court's video link", {"fields": (*VIDEO_LINK_FIELDS, "link_version")}),
        ("Dates to avoid", {"fields": ("overrides_rest_day",)}),
        (
            "On the day",
            {
                "fields": (
                    "witness_confirmed_at",
                    "checked_in_at",
                    "released_at",
                    "outcome",
                    "cancellation_reason",
                    "cancelled_at",
                )
            },
        ),
        ("Record", {"fields": ("version", "created_by", "created_at", "updated_at")}),
    )

    @admin.display(description="Case", ordering="hearing__case_reference")
    def case_reference(self, obj):
        return obj.hearing.case_reference

    @admin.display(description="Court", ordering="hearing__court__name")
    def court(self, obj):
        return obj.hearing.court.name

    def get_readonly_fields(self, request, obj=None):
        every = [f.name for f in Booking._meta.get_fields() if f.concrete and not f.auto_created]
        return [name for name in every if name not in (*BOOKING_DETAILS, *VIDEO_LINK_FIELDS)]

    def has_add_permission(self, request):
        return False  # through the API, which checks the suite, the witness and the hours

    def has_delete_permission(self, request, obj=None):
        return False  # a booking and its history are kept: cancel it instead

    def save_model(self, request, obj, form, change):
        """Special measures, notes and the court's link change through the services, which
        record the change in the booking's history (and send the suite a new invite for a new
        link)."""
        details = {name: form.cleaned_data[name] for name in form.changed_data}
        link = {name: details.pop(name) for name in VIDEO_LINK_FIELDS if name in details}
        current = Booking.objects.get(pk=obj.pk)
        try:
            if link:
                values = {name: getattr(current, name) for name in VIDEO_LINK_FIELDS} | link
                current = services.booking_set_video_link(
                    actor=request.user, booking=current, **values
                )
            if details:
                services.booking_update_details(actor=request.user, booking=current, **details)
        except DomainError as error:
            self.message_user(request, error.detail, messages.ERROR)
        obj.refresh_from_db()


@admin.register(BookingEvent)
class BookingEventAdmin(ReadOnlyAdmin):
    """Booking history: append-only, so it can be read here and nothing else."""

    list_display = ("at", "booking", "actor_label", "action")
    list_filter = ("action",)
    list_select_related = ("booking",)
    search_fields = ("booking__reference", "actor_label")
    date_hierarchy = "at"
    fields = ("booking", "at", "actor", "actor_label", "action", "changes")
    readonly_fields = fields


class ResolvedFilter(admin.SimpleListFilter):
    title = "resolved"
    parameter_name = "resolved"

    def lookups(self, request, model_admin):
        return (("no", "Open"), ("yes", "Resolved"))

    def queryset(self, request, queryset):
        if self.value() in ("yes", "no"):
            return queryset.filter(resolved_at__isnull=self.value() == "no")
        return queryset


@admin.register(AttentionFlag)
class AttentionFlagAdmin(ReadOnlyAdmin):
    """Raised by the services when something needs a person: read here, and resolved (the
    one thing done to a flag here)."""

    list_display = ("created_at", "booking", "kind", "detail", "resolved_at", "resolved_by")
    list_filter = (ResolvedFilter, "kind")
    list_select_related = ("booking", "resolved_by")
    search_fields = ("booking__reference", "detail")
    date_hierarchy = "created_at"
    fields = ("booking", "kind", "detail", "data", "created_at", "resolved_at", "resolved_by")
    readonly_fields = fields
    actions = ("resolve",)

    def has_resolve_permission(self, request):
        return request.user.has_perm("bookings.change_attentionflag")

    @admin.action(description="Mark the selected flags resolved", permissions=["resolve"])
    def resolve(self, request, queryset):
        flags = queryset.filter(resolved_at__isnull=True).select_related("booking")
        for flag in flags:
            services.attention_flag_resolve(actor=request.user, flag=flag)
        self.message_user(request, f"{len(flags)} flag(s) resolved.", messages.SUCCESS)


# --- Retention runs (bookings.retention, docs/privacy.md) -------------------------------------


@admin.register(RetentionRun)
class RetentionRunAdmin(ReadOnlyAdmin):
    """What each retention run changed, newest first: admins see here that the sweep runs and
    what it did. A record, so read-only."""

    list_display = ("at", "via", "witnesses", "bookings", "feeds", "messages_changed")
    date_hierarchy = "at"
    fields = ("at", "via", "what_changed")
    readonly_fields = fields

    @admin.display(description="Witnesses anonymised")
    def witnesses(self, run: RetentionRun) -> int:
        return sum(run.counts.get(key, 0) for key in ("witnesses_booked", "witnesses_unbooked"))

    @admin.display(description="Bookings")
    def bookings(self, run: RetentionRun) -> int:
        return run.counts.get("bookings", 0)

    @admin.display(description="Feeds revoked")
    def feeds(self, run: RetentionRun) -> int:
        return run.counts.get("feeds", 0)

    @admin.display(description="Messages")
    def messages_changed(self, run: RetentionRun) -> int:
        return run.counts.get("messages", 0)

    @admin.display(description=f"What changed ({len(ROWS)} rows of docs/privacy.md)")
    def what_changed(self, run: RetentionRun):
        return format_html("<pre>{}</pre>", "\n".join(counts_in_words(run.counts)))
