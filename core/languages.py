"""The languages a witness is written to in: Welsh Language Standards, correspondence.

A witness's choice is followed; where it is not known, their force's default applies, which for
forces in Wales is both languages in one message, Welsh first.
"""

from django.db import models


class Language(models.TextChoices):
    ENGLISH = "en", "English"
    WELSH = "cy", "Welsh (Cymraeg)"
    BOTH = "en_cy", "Both: Welsh first, then English"

    @property
    def parts(self) -> tuple[str, ...]:
        """The Django language codes a message is written in, in order."""
        return {"en": ("en-gb",), "cy": ("cy",), "en_cy": ("cy", "en-gb")}[self.value]


def language_parts(value: str) -> tuple[str, ...]:
    return Language(value or Language.ENGLISH).parts
