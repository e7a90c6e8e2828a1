"""The GOV.UK error summary's lines, each linking to the field at fault, and a service's refusal
put back on the form it is about.

Every page gives its template `errors`: the page's own problems (a refusal that is about no
field links to the part of the page it is about) followed by `error_links(form, ...)`; the
template web/includes/error_summary.html shows them."""

from __future__ import annotations

from dataclasses import dataclass

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS

from core.errors import DomainError

from .fields import GovukDateWidget


@dataclass(frozen=True)
class ErrorLink:
    """One line of the GOV.UK error summary: the message and the field it links to."""

    text: str
    href: str


def field_anchor(form: forms.Form, name: str) -> str:
    """The id of the element an error summary link should focus: the one the form names for a
    field it renders itself (`error_anchors`), the first box of a date, the first radio of a
    radio group, else the field itself."""
    anchors = getattr(form, "error_anchors", {})
    if name in anchors:
        return anchors[name]
    bound = form[name]
    widget = bound.field.widget
    if isinstance(widget, GovukDateWidget):
        return bound.id_for_label
    if isinstance(widget, forms.RadioSelect):
        return f"{bound.auto_id}_0"
    return bound.auto_id


def error_links(*forms_: forms.Form | None) -> list[ErrorLink]:
    """The error summary's lines, in the order the fields are on the page; an error about the
    whole form links to its first field."""
    links = []
    for form in forms_:
        if form is None or not form.is_bound or not form.errors:
            continue
        visible = [f.name for f in form.visible_fields()]
        for name in [*form.fields, NON_FIELD_ERRORS]:
            if name not in form.errors:
                continue
            target = name if name in form.fields else (visible[0] if visible else None)
            href = f"#{field_anchor(form, target)}" if target else "#main-content"
            links += [ErrorLink(str(error), href) for error in form.errors[name]]
    return links


def add_refusal(form: forms.Form, refusal: DomainError, field_map: dict[str, str], codes=None):
    """Show a service's refusal on the field it is about (its `fields`, else its code), in the
    rule's own words; otherwise on the whole form."""
    codes = codes or {}
    target = next(
        (field_map[name] for name in (refusal.fields or {}) if name in field_map),
        codes.get(refusal.code),
    )
    form.add_error(target if target in form.fields else None, refusal.detail)
