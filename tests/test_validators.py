"""The one rule for text that leaves the service (names in texts, email subjects, invites): no
control characters, except line breaks in a multi-line field such as an address."""

import unicodedata

import pytest
from django.core.exceptions import ValidationError

from core.validators import (
    NoControlCharactersValidator,
    no_control_characters,
    no_control_characters_but_line_breaks,
)

EVERY_CONTROL_CHARACTER = [
    chr(code) for code in range(0x110000) if unicodedata.category(chr(code)) == "Cc"
]


def refuses(validator, text: str) -> bool:
    try:
        validator(text)
    except ValidationError as error:
        assert error.code == "control_characters"
        return True
    return False


@pytest.mark.parametrize("character", EVERY_CONTROL_CHARACTER, ids=lambda c: f"U+{ord(c):04X}")
def test_a_name_with_any_control_character_in_it_is_refused(character):
    assert refuses(no_control_characters, f"Brighton{character}Police Station")


@pytest.mark.parametrize("character", ["\u2028", "\u2029"], ids=["line-sep", "paragraph-sep"])
def test_the_unicode_line_and_paragraph_separators_count_as_line_breaks(character):
    assert refuses(no_control_characters, f"Brighton{character}Police Station")
    assert refuses(no_control_characters_but_line_breaks, f"John Street{character}Brighton")


@pytest.mark.parametrize(
    "text",
    ["Siân O’Brien-Ní Dhuibhir", "Llys Ynadon Caerdydd – Cwrt 2", "Court 1 (annex)", "47SS1234523"],
)
def test_names_in_any_language_with_punctuation_are_fine(text):
    assert not refuses(no_control_characters, text)


@pytest.mark.parametrize("address", ["John Street\nBrighton", "John Street\r\nBrighton\r\n"])
def test_an_address_may_have_line_breaks_typed_in_a_textarea(address):
    assert not refuses(no_control_characters_but_line_breaks, address)
    assert refuses(no_control_characters, address)


@pytest.mark.parametrize(
    "address",
    ["John Street\tBrighton", "John Street\rBrighton", "John Street\x0bBrighton", "A\x1b[2JB"],
    ids=["tab", "lone-carriage-return", "vertical-tab", "escape"],
)
def test_an_address_with_any_other_control_character_is_refused(address):
    assert refuses(no_control_characters_but_line_breaks, address)


def test_a_page_can_word_the_refusal_its_own_way():
    validator = NoControlCharactersValidator(message="Enter the courtroom on one line")

    with pytest.raises(ValidationError) as refusal:
        validator("Court\t1")

    assert refusal.value.messages == ["Enter the courtroom on one line"]


def test_the_validators_compare_by_what_they_allow_so_migrations_stay_stable():
    assert no_control_characters == NoControlCharactersValidator()
    assert no_control_characters != no_control_characters_but_line_breaks
    assert no_control_characters_but_line_breaks.deconstruct() == (
        "core.validators.NoControlCharactersValidator",
        (),
        {"allow_line_breaks": True},
    )
