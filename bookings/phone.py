"""Witness phone numbers: any common UK or international form in, E.164 out."""

import re

import phonenumbers
from phonenumber_field.phonenumber import PhoneNumber, to_python
from phonenumber_field.serializerfields import PhoneNumberField
from rest_framework.exceptions import ValidationError

# Ofcom reserves 07700 900000–900999 for drama and training: structurally UK mobiles that
# phone libraries call invalid because no one owns them. Demo data and tests use them so that
# no real person is ever texted.
OFCOM_DRAMA_MOBILE = re.compile(r"^\+447700900\d{3}$")


def e164(number: PhoneNumber) -> str:
    # PhoneNumber.as_e164 gives back the raw input for numbers the library calls invalid,
    # so format with phonenumbers itself.
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def is_acceptable(number: PhoneNumber) -> bool:
    return number.is_valid() or bool(OFCOM_DRAMA_MOBILE.match(e164(number)))


class WitnessPhoneField(PhoneNumberField):
    default_error_messages = {
        "invalid": "Enter a phone number a text can reach, e.g. 07700 900123 or +44 7700 900123."
    }

    def to_internal_value(self, data):
        text = self._coerce(data)
        if not text:
            return ""
        number = to_python(text, region=self.region)
        if not isinstance(number, PhoneNumber) or not is_acceptable(number):
            raise ValidationError(self.error_messages["invalid"])
        return e164(number)

    def _coerce(self, data):
        if isinstance(data, PhoneNumber):
            return e164(data)
        if not isinstance(data, str):
            raise ValidationError(self.error_messages["invalid"])
        return data.strip()
