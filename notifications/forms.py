"""The witness page's one question: when they say they cannot attend, the dates they cannot do.

GOV.UK's date input (day, month and year boxes) for the first and the last day, both optional:
no dates is an answer too. One date alone is that one day. Dates given must be real, the last
not before the first, from today and within the next two years; the messages are in the
witness's words, and the error summary links to the first box of the date at fault.

(The staff pages' date field is web's, a layer above this one, so this parses its own boxes.)
"""

from __future__ import annotations

from datetime import date

from django import forms

#: How far ahead a witness may say they cannot do.
YEARS_AHEAD = 2
PARTS = ("day", "month", "year")
HINT = "For example, 8 3 2027"
NOUNS = {"from": "first day you cannot do", "to": "last day you cannot do"}
LEGENDS = {"from": "First day you cannot do", "to": "Last day you cannot do"}


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
        noun = NOUNS[name]
        boxes = [f"{name}_{part}" for part in PARTS]
        if any(box in self.errors for box in boxes):  # e.g. a NUL character, refused by Django
            return None
        day, month, year = (self.cleaned_data.get(box, "") for box in boxes)
        if not (day or month or year):
            return None
        missing = [part for part, text in zip(PARTS, (day, month, year), strict=True) if not text]
        if missing:
            self.add_error(f"{name}_day", f"The {noun} must include a {' and a '.join(missing)}")
            return None
        if not all(t.isascii() and t.isdigit() for t in (day, month, year)):
            self.add_error(f"{name}_day", f"The {noun} must be a real date, in numbers")
            return None
        if len(year) != 4:
            self.add_error(f"{name}_day", f"The year of the {noun} must have 4 numbers")
            return None
        try:
            if len(day) > 2 or len(month) > 2:
                raise ValueError
            return date(int(year), int(month), int(day))
        except ValueError:
            self.add_error(f"{name}_day", f"The {noun} must be a real date")
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
            self.add_error("from_day", f"The {NOUNS['from']} must be today or in the future")
        elif last < first:
            self.add_error("to_day", f"The {NOUNS['to']} must be the same as or after the first")
        elif last > years_after(self.today, YEARS_AHEAD):
            name = "to" if self._typed("to") else "from"
            self.add_error(
                f"{name}_day", f"The {NOUNS[name]} must be within the next {YEARS_AHEAD} years"
            )
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
                        "label": part.title(),
                        "value": self[f"{name}_{part}"].value() or "",
                        "width": 4 if part == "year" else 2,
                    }
                    for part in PARTS
                ],
            }
            for name in NOUNS
        ]

    def errors_by_date(self) -> dict[str, list[str]]:
        """Each date's messages (about any of its boxes), for the error under its legend."""
        return {
            name: list(
                dict.fromkeys(
                    text for part in PARTS for text in self.errors.get(f"{name}_{part}", [])
                )
            )
            for name in NOUNS
        }

    def error_links(self) -> list[dict[str, str]]:
        """The error summary's lines, each linking to the first box of its date."""
        return [
            {"text": text, "href": f"#{name}_day"}
            for name, messages in self.errors_by_date().items()
            for text in messages
        ]
