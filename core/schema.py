"""OpenAPI: every operation documents the one error shape for the 4xx it can return."""

from drf_spectacular.openapi import AutoSchema as BaseAutoSchema
from rest_framework import serializers


class ErrorSerializer(serializers.Serializer):
    code = serializers.CharField(help_text="Machine-readable, snake_case, e.g. suite_unavailable.")
    detail = serializers.CharField(help_text="A sentence for a person.")
    fields = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        required=False,
        help_text="Only when particular fields are at fault: field name → messages.",
    )


ERROR_DESCRIPTIONS = {
    "400": "Bad input: the offending fields are named in `fields`.",
    "401": "Not signed in (no or bad token).",
    "403": "Signed in, but the role does not allow this.",
    "404": "No such object, or one the caller may not see.",
    "409": "Clashes with the current state (e.g. suite_unavailable, witness_unavailable, "
    "suite_closed, booking_changed, idempotency_key_reused, hearing_shared).",
    "429": "Too many requests; retry after the Retry-After header.",
}


class AutoSchema(BaseAutoSchema):
    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        if direction != "response":
            return responses
        codes = ["401", "403", "429"]
        if self.method in ("POST", "PUT", "PATCH") or self._is_list_view() or self.method == "GET":
            codes.append("400")
        if "{" in self.path or self._is_list_view():  # a list: a page past the last
            codes.append("404")
        if self.method in ("POST", "PATCH", "DELETE"):
            codes.append("409")
        for code in codes:
            if code not in responses:
                response = self._get_response_for_code(ErrorSerializer, code, direction=direction)
                response["description"] = ERROR_DESCRIPTIONS[code]
                responses[code] = response
        return responses


def confidential_whereabouts(result, generator, request, public):
    """A confidential suite's coordinates are null for court users: say so in the schema."""
    suite = result.get("components", {}).get("schemas", {}).get("Suite", {})
    for name in ("latitude", "longitude"):
        if name in suite.get("properties", {}):
            suite["properties"][name]["nullable"] = True
    return result
