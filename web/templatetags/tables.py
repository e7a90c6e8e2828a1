"""GOV.UK tables' shared markup, so each table names only its columns:

{% load tables %}
<table class="govuk-table">
  <caption class="govuk-table__caption govuk-table__caption--m">...</caption>
  {% table_head "Booking" "What" "Detail" hidden="Action" %}
  <tbody class="govuk-table__body">...</tbody>
</table>
"""

from django import template

register = template.Library()


@register.inclusion_tag("web/includes/table_head.html")
def table_head(*columns: str, hidden: str = "") -> dict:
    """The table's head: a column header for each of `columns`, then, if `hidden` is given, a
    last one that only a screen reader hears (over a column of links, e.g. "Action")."""
    return {"columns": columns, "hidden": hidden}
