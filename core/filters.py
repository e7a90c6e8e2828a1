"""Query-string filters shared by the APIs."""

from django import forms
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django_filters import rest_framework as filters

from core import inputs


class OffsetDateTimeFormField(forms.DateTimeField):
    """ISO 8601 with a UTC offset, as everywhere in the API: a bare local time is refused."""

    default_error_messages = {
        "invalid": "Give an ISO 8601 time with its UTC offset, e.g. 2027-03-28T10:00:00+01:00.",
    }

    def to_python(self, value):
        if value in self.empty_values:
            return None
        try:
            parsed = parse_datetime(str(value).strip())
        except ValueError:
            parsed = None
        if parsed is None or timezone.is_naive(parsed):
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        if not inputs.in_range(parsed):
            raise forms.ValidationError("Give a time between the years 2000 and 2100.")
        return parsed


class OffsetDateTimeFilter(filters.Filter):
    field_class = OffsetDateTimeFormField


class IdFormField(forms.IntegerField):
    """An id in a query string: a whole number the database can hold (core.inputs)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", inputs.LARGEST_ID)
        super().__init__(**kwargs)


class IdFilter(filters.NumberFilter):
    """`?court=12`: past the largest id is bad input (400), not an overflow in the database."""

    field_class = IdFormField


class DayFormField(forms.DateField):
    def validate(self, value):
        super().validate(value)
        if value is not None and not inputs.in_range(value):
            raise forms.ValidationError(inputs.YEAR_MESSAGE)


class DayFilter(filters.DateFilter):
    """`?date=2027-03-24`, in the years the service accepts."""

    field_class = DayFormField
