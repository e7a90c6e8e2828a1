"""Forces and suites, with each suite's opening hours and closures inline."""

import itertools

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db.models import Count

from core.errors import DomainError

from .models import Closure, Force, OpeningHours, Suite
from .services import Period, check_opening_periods


@admin.register(Force)
class ForceAdmin(admin.ModelAdmin):
    list_display = ("name", "code", "default_witness_language", "suite_count")
    list_filter = ("default_witness_language",)
    search_fields = ("name", "code")

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(suite_total=Count("suites"))

    @admin.display(description="Suites", ordering="suite_total")
    def suite_count(self, obj):
        return obj.suite_total


class OpeningHoursFormSet(forms.BaseInlineFormSet):
    """The week's periods must not overlap on a weekday: the same check as the API's."""

    def clean(self):
        super().clean()
        periods = [
            Period(
                form.cleaned_data["weekday"],
                form.cleaned_data["opens"],
                form.cleaned_data["closes"],
            )
            for form in self.forms
            if form.cleaned_data
            and not form.cleaned_data.get("DELETE")
            and {"weekday", "opens", "closes"} <= form.cleaned_data.keys()
        ]
        try:
            check_opening_periods(periods)
        except DomainError as error:
            raise ValidationError(
                (error.fields or {}).get("opening_hours", [error.detail])
            ) from None


class OpeningHoursInline(admin.TabularInline):
    model = OpeningHours
    formset = OpeningHoursFormSet
    extra = 0
    fields = ("weekday", "opens", "closes")


class ClosureFormSet(forms.BaseInlineFormSet):
    """Two closures of one suite may not overlap (PostgreSQL also refuses it)."""

    def clean(self):
        super().clean()
        windows = sorted(
            (form.cleaned_data["starts_at"], form.cleaned_data["ends_at"])
            for form in self.forms
            if form.cleaned_data
            and not form.cleaned_data.get("DELETE")
            and {"starts_at", "ends_at"} <= form.cleaned_data.keys()
        )
        for (_start, end), (next_start, _end) in itertools.pairwise(windows):
            if next_start < end:
                raise ValidationError("Two closures of this suite overlap; merge them.")


class ClosureInline(admin.TabularInline):
    model = Closure
    formset = ClosureFormSet
    extra = 0
    fields = ("starts_at", "ends_at", "reason")
    ordering = ("-starts_at",)


@admin.register(Suite)
class SuiteAdmin(admin.ModelAdmin):
    list_display = (
        "name",
        "code",
        "force",
        "postcode",
        "capacity",
        "turnaround_minutes",
        "is_active",
        "location_confidential",
    )
    list_filter = ("force", "is_active", "location_confidential", "video_platform")
    list_select_related = ("force",)
    search_fields = ("name", "name_cy", "code", "postcode", "address")
    autocomplete_fields = ("force",)
    readonly_fields = ("created_at", "updated_at")
    inlines = (OpeningHoursInline, ClosureInline)
    fieldsets = (
        (None, {"fields": ("code", "name", "name_cy", "force", "is_active")}),
        (
            "Where",
            {
                "fields": (
                    "address",
                    "postcode",
                    ("latitude", "longitude"),
                    "location_confidential",
                )
            },
        ),
        (
            "Room",
            {"fields": ("capacity", "turnaround_minutes", "kit_notes", "accessibility_notes")},
        ),
        ("Contact", {"fields": ("contact_phone", "contact_email")}),
        ("Live link", {"fields": ("video_platform", "video_endpoint")}),
        ("Record", {"fields": ("created_at", "updated_at"), "classes": ("collapse",)}),
    )


class ClosureForm(forms.ModelForm):
    class Meta:
        model = Closure
        fields = ("suite", "starts_at", "ends_at", "reason")

    def clean(self):
        cleaned = super().clean()
        suite, starts_at, ends_at = (cleaned.get(f) for f in ("suite", "starts_at", "ends_at"))
        if suite and starts_at and ends_at:
            others = Closure.objects.filter(
                suite=suite, starts_at__lt=ends_at, ends_at__gt=starts_at
            ).exclude(pk=self.instance.pk)
            if others.exists():
                raise ValidationError(
                    "This overlaps another closure of the suite; change that one."
                )
        return cleaned


@admin.register(Closure)
class ClosureAdmin(admin.ModelAdmin):
    form = ClosureForm
    list_display = ("suite", "starts_at", "ends_at", "reason")
    list_filter = ("suite__force",)
    list_select_related = ("suite",)
    search_fields = ("suite__name", "suite__code", "reason")
    autocomplete_fields = ("suite",)
    date_hierarchy = "starts_at"
    readonly_fields = ("created_at",)
