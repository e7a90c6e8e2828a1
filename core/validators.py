"""Validators shared by every app's models, forms and serializers.

Names and addresses typed here leave the service: a suite's name goes into every witness's SMS,
a court's name into email subjects, a suite's address into calendar invites. A line break in
one of them could start a new header or a new line of an invite, and an escape or NUL byte
could garble a text, so they are refused where they are typed, on the field at fault.
"""

from __future__ import annotations

import unicodedata

from django.core.exceptions import ValidationError
from django.utils.deconstruct import deconstructible

# Cc: C0 and C1 controls (tab, line feed, carriage return, escape, NUL, DEL, NEL...).
# Zl, Zp: U+2028 and U+2029, line breaks to anything that splits lines the Unicode way.
_REFUSED_CATEGORIES = frozenset({"Cc", "Zl", "Zp"})


@deconstructible
class NoControlCharactersValidator:
    """Refuses control characters (Unicode category Cc, and the line and paragraph separators).

    With `allow_line_breaks`, a multi-line field (an address typed in a textarea) keeps its line
    breaks, `\\n` or `\\r\\n`, and refuses everything else, a lone `\\r` included."""

    code = "control_characters"
    single_line_message = "Must be one line of text, without tabs or other control characters."
    multi_line_message = "Must not contain tabs or other control characters (line breaks are fine)."

    def __init__(self, *, allow_line_breaks: bool = False, message: str | None = None) -> None:
        self.allow_line_breaks = allow_line_breaks
        self.message = message

    def __call__(self, value) -> None:
        text = str(value)
        if self.allow_line_breaks:
            text = text.replace("\r\n", "").replace("\n", "")
        if any(unicodedata.category(character) in _REFUSED_CATEGORIES for character in text):
            raise ValidationError(self._message(), code=self.code)

    def _message(self) -> str:
        if self.message:
            return self.message
        return self.multi_line_message if self.allow_line_breaks else self.single_line_message

    def __eq__(self, other) -> bool:
        return (
            isinstance(other, NoControlCharactersValidator)
            and self.allow_line_breaks == other.allow_line_breaks
            and self.message == other.message
        )

    def __hash__(self) -> int:
        return hash((self.allow_line_breaks, self.message))


#: Names, postcodes, references: one line, no control characters at all.
no_control_characters = NoControlCharactersValidator()
#: Addresses and notes typed in a textarea: line breaks allowed, other control characters not.
no_control_characters_but_line_breaks = NoControlCharactersValidator(allow_line_breaks=True)


@deconstructible
class ServiceYearsValidator:
    """A date or time in the years the service accepts (core.inputs: 2000 to 2100), on the
    model field so that every form built from it, the admin's included, refuses the rest."""

    code = "out_of_range"

    def __call__(self, value) -> None:
        from core import inputs

        if value is not None and not inputs.in_range(value):
            raise ValidationError(inputs.YEAR_MESSAGE, code=self.code)

    def __eq__(self, other) -> bool:
        return isinstance(other, ServiceYearsValidator)

    def __hash__(self) -> int:
        return hash(self.code)


#: Dates and times typed by staff (hearings, closures): 2000 to 2100.
in_service_years = ServiceYearsValidator()
