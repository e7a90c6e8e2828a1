"""Request and response shapes for courts, hearings, witnesses, bookings, availability and
calendar feed tokens, one module per concept as in bookings.api. No rules here: they live in
services; related-object querysets here only scope what a caller may refer to."""

from .. import visibility


class PolicyFieldsMixin:
    """Leaves out the fields the caller's role may not see (bookings.visibility, part
    `policy_part`). The schema, generated without a caller, shows them all; each one left out
    for some callers must not be listed as required in the response: a writable field with
    required=False is not, but drf-spectacular lists every read-only field as required
    (tests/bookings/test_field_policy.py checks the schema)."""

    policy_part: str

    def get_fields(self):
        fields = super().get_fields()
        request = self.context.get("request")
        view = self.context.get("view")
        if request is None or getattr(view, "swagger_fake_view", False):
            return fields
        return visibility.visible(request.user, self.policy_part, fields)
