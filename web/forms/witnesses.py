"""The witnesses list's search, read from the query string."""

from __future__ import annotations

import django_filters

from .govuk import GovukForm


class WitnessFilter(django_filters.FilterSet):
    """Witnesses with the words searched for anywhere in their name, in any case."""

    q = django_filters.CharFilter(method="filter_name", label="Name", max_length=120)

    class Meta:
        form = GovukForm

    @property
    def query(self) -> str:
        """What was searched for, if anything (and it could be searched for)."""
        return self.form.cleaned_data.get("q", "") if self.is_valid() else ""

    def filter_name(self, witnesses, name, query: str):
        return witnesses.filter(full_name__icontains=query)
