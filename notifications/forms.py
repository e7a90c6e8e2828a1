"""The witness page's one question: when they say they cannot attend, the dates they cannot do.

GOV.UK's date input (day, month and year boxes) for the first and the last day, both optional:
no dates is an answer too. One date alone is that one day. Dates given must be real, the last
not before the first, from today and within the next two years; the messages are in the
witness's words, and the error summary links to the first box of the date at fault.

(The staff pages' date field is web's, a layer above this one, so this parses its own boxes.)

The words are in the page's language (the view validates under it). Each date's messages are
whole sentences, not the date's name slotted into one frame: Welsh mutates a word after "i'r",
"yn" and the like, and a translator needs the whole sentence to get it right.
"""

from __future__ import annotations

from datetime import date

from django import forms
from django.utils.translation import gettext, ngettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

#: How far ahead a witness may say they cannot do.
YEARS_AHEAD = 2
PARTS = ("day", "month", "year")
HINT = _("For example, 8 3 2027")
DATES = ("from", "to")
LEGENDS = {"from": _("First day you cannot do"), "to": _("Last day you cannot do")}
LABELS = {
    "day": pgettext_lazy("date box", "Day"),
    "month": pgettext_lazy("date box", "Month"),
    "year": pgettext_lazy("date box", "Year"),
}
#: What is missing from a date, the end of "must include ...".
MISSING = {
    # Translators: the end of "The first (or last) day you cannot do must include ...".
    ("day",): _("a day"),
    ("month",): _("a month"),
    ("year",): _("a year"),
    ("day", "month"): _("a day and a month"),
    ("day", "year"): _("a day and a year"),
    ("month", "year"): _("a month and a year"),
}
MESSAGES = {
    "from": {
        # Translators: %(missing)s is "a day", "a month and a year" and so on, translated too.
        "missing": _("The first day you cannot do must include %(missing)s"),
        "numbers": _("The first day you cannot do must be a real date, in numbers"),
        "year": _("The year of the first day you cannot do must have 4 numbers"),
        "real": _("The first day you cannot do must be a real date"),
    },
    "to": {
        "missing": _("The last day you cannot do must include %(missing)s"),
        "numbers": _("The last day you cannot do must be a real date, in numbers"),
        "year": _("The year of the last day you cannot do must have 4 numbers"),
        "real": _("The last day you cannot do must be a real date"),
    },
}


def _too_far(name: str) -> str:
    if name == "from":
        return ngettext(
            "The first day you cannot do must be within the next %(years)s year",
            "The first day you cannot do must be within the next %(years)s years",
            YEARS_AHEAD,
        ) % {"years": YEARS_AHEAD}
    return ngettext(
        "The last day you cannot do must be within the next %(years)s year",
        "The last day you cannot do must be within the next %(years)s years",
        YEARS_AHEAD,
    ) % {"years": YEARS_AHEAD}


def years_after(day: date, years: int) -> date:
    """The same day `years` on (29 February becomes 28 February)."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def _box() -> forms.CharField:
    return forms.CharField(required=False, strip=True)


class CannotDoDatesForm(forms.Form):
    """The first (`from_`) and last (`to_`) day's boxes; once valid, `dates()` is the first and
    last day they cannot do, or None when they gave none."""

    from_day, from_month, from_year = _box(), _box(), _box()
    to_day, to_month, to_year = _box(), _box(), _box()

    def __init__(self, *args, today: date, **kwargs):
        self.today = today
        super().__init__(*args, **kwargs)

    def _date(self, name: str) -> date | None:
        """The date typed in `name`'s boxes, None when they are all empty; a problem with it
        goes on its day box."""
        messages = MESSAGES[name]
        boxes = [f"{name}_{part}" for part in PARTS]
        if any(box in self.errors for box in boxes):  # e.g. a NUL character, refused by Django
            return None
        day, month, year = (self.cleaned_data.get(box, "") for box in boxes)
        if not (day or month or year):
            return None
        missing = [part for part, text in zip(PARTS, (day, month, year), strict=True) if not text]
        if missing:
            self.add_error(
                f"{name}_day", str(messages["missing"]) % {"missing": MISSING[tuple(missing)]}
            )
            return None
        if not all(t.isascii() and t.isdigit() for t in (day, month, year)):
            self.add_error(f"{name}_day", str(messages["numbers"]))
            return None
        if len(year) != 4:
            self.add_error(f"{name}_day", str(messages["year"]))
            return None
        try:
            if len(day) > 2 or len(month) > 2:
                raise ValueError
            return date(int(year), int(month), int(day))
        except ValueError:
            self.add_error(f"{name}_day", str(messages["real"]))
            return None

    def _typed(self, name: str) -> bool:
        return any(self.cleaned_data.get(f"{name}_{part}") for part in PARTS)

    def clean(self):
        cleaned = super().clean()
        first, last = self._date("from"), self._date("to")
        if self.errors or not (first or last):
            return cleaned
        first, last = first or last, last or first
        if first < self.today:
            self.add_error(
                "from_day", gettext("The first day you cannot do must be today or in the future")
            )
        elif last < first:
            self.add_error(
                "to_day",
                gettext("The last day you cannot do must be the same as or after the first"),
            )
        elif last > years_after(self.today, YEARS_AHEAD):
            name = "to" if self._typed("to") else "from"
            self.add_error(f"{name}_day", _too_far(name))
        cleaned["first"], cleaned["last"] = first, last
        return cleaned

    def dates(self) -> tuple[date, date] | None:
        """The first and last day they cannot do (the same day for one), or None."""
        first = self.cleaned_data.get("first")
        return (first, self.cleaned_data["last"]) if first and not self.errors else None

    def date_inputs(self) -> list[dict]:
        """The two dates as the page draws them: legend, errors, and each box with what was
        typed in it (shown again after a mistake)."""
        errors = self.errors_by_date() if self.is_bound else {}
        return [
            {
                "name": name,
                "legend": LEGENDS[name],
                "errors": errors.get(name, []),
                "boxes": [
                    {
                        "name": f"{name}_{part}",
                        "label": LABELS[part],
                        "value": self[f"{name}_{part}"].value() or "",
                        "width": 4 if part == "year" else 2,
                    }
                    for part in PARTS
                ],
            }
            for name in DATES
        ]

    def errors_by_date(self) -> dict[str, list[str]]:
        """Each date's messages (about any of its boxes), for the error under its legend."""
        return {
            name: list(
                dict.fromkeys(
                    text for part in PARTS for text in self.errors.get(f"{name}_{part}", [])
                )
            )
            for name in DATES
        }

    def error_links(self) -> list[dict[str, str]]:
        """The error summary's lines, each linking to the first box of its date."""
        return [
            {"text": text, "href": f"#{name}_day"}
            for name, messages in self.errors_by_date().items()
            for text in messages
        ]
