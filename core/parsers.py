"""The API's one JSON parser: DRF's, with limits on what a request body may hold.

- **Numbers are finite.** Python's `json` reads `1e400` as infinity (and, unless told not to,
  `NaN` and `Infinity` as themselves); an infinite id then fails deep in the ORM with an
  `OverflowError`, a 500. Such a number is refused here: 400, code `invalid_json_number`.
- **Nesting is shallow.** No request the API takes nests deeper than a few levels; a body nested
  thousands deep made the decoder recurse until `RecursionError`, a 500. Bodies nested deeper
  than `JSON_MAX_DEPTH` arrays or objects are refused before decoding: 400, `json_too_deep`.

Anything else that is not JSON stays DRF's `ParseError` (`malformed_json`, core/errors.py).
"""

from __future__ import annotations

import codecs
import json
import math
import re

from django.conf import settings
from rest_framework import parsers
from rest_framework.exceptions import ParseError
from rest_framework.parsers import get_encoding

# Strings (whose brackets do not count) and brackets, as the decoder would meet them.
_STRING_OR_BRACKET = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"|[\[\]{}]', re.S)


class InvalidNumber(ParseError):
    default_code = "invalid_json_number"


class TooDeep(ParseError):
    default_code = "json_too_deep"


def _finite(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise InvalidNumber(f"The number {text} is too large; numbers must be finite.")
    return value


def _no_constant(name: str):
    raise InvalidNumber(f"{name} is not a number JSON allows; numbers must be finite.")


def check_depth(text: str, limit: int) -> None:
    """Refuse `text` if its arrays and objects nest deeper than `limit`, without decoding it."""
    depth = 0
    for match in _STRING_OR_BRACKET.finditer(text):
        token = match[0]
        if token in ("[", "{"):
            depth += 1
            if depth > limit:
                raise TooDeep(f"The JSON is nested more than {limit} levels deep.")
        elif token in ("]", "}"):
            depth -= 1


class JSONParser(parsers.JSONParser):
    """DRF's JSON parser, refusing non-finite numbers and deep nesting (see the module)."""

    def parse(self, stream, media_type=None, parser_context=None):
        encoding = get_encoding(parser_context or {})
        try:
            text = codecs.getreader(encoding)(stream).read()
        except ValueError as exc:  # not in the declared encoding
            raise ParseError(f"JSON parse error - {exc}") from None
        check_depth(text, settings.JSON_MAX_DEPTH)
        try:
            return json.loads(
                text,
                parse_float=_finite,
                # NaN, Infinity, -Infinity: refused whatever STRICT_JSON says, for the same reason
                parse_constant=_no_constant,
            )
        except ValueError as exc:
            raise ParseError(f"JSON parse error - {exc}") from None
