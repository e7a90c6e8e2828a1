"""The field policy (bookings.visibility) in templates, so a page shows a court user what the
API gives them:

    {% load seen %}
    {% if user|sees:"booking.notes" %}...{% endif %}
    {{ booking.witness|witness_label:user }}
"""

from django import template

from bookings import visibility

register = template.Library()


@register.filter
def sees(user, part_and_field: str) -> bool:
    """`user|sees:"booking.notes"`: whether the user may see that field of that part."""
    part, _, field = part_and_field.partition(".")
    return visibility.sees(user, part, field)


@register.filter
def witness_label(witness, user) -> str:
    """`witness|witness_label:user`: the full name to the police, the initials to a court."""
    return visibility.witness_label(user, witness)
