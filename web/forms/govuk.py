"""Django forms in the GOV.UK Design System's markup: each widget's GOV.UK class, its hint and
its error state."""

from django import forms

#: The GOV.UK class of each kind of widget; any other is a text input, `govuk-input`.
WIDGET_CLASSES = {
    forms.Select: "govuk-select",
    forms.Textarea: "govuk-textarea",
    forms.CheckboxInput: "govuk-checkboxes__input",
    forms.RadioSelect: "govuk-radios__input",
    forms.FileInput: "govuk-file-upload",
}


class GovukFormMixin:
    """Adds GOV.UK classes, hints and error states to every field's widget.

    A form that renders a field's inputs itself, with GOV.UK's own ids (radios named `scope`,
    `scope-2`...), says in `error_anchors` which id the error summary links to for it."""

    error_anchors: dict[str, str] = {}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            widget = field.widget
            css = next(
                (c for kind, c in WIDGET_CLASSES.items() if isinstance(widget, kind)),
                "govuk-input",
            )
            widget.attrs["class"] = f"{css} {widget.attrs.get('class', '')}".strip()
            if field.help_text:
                widget.attrs["aria-describedby"] = f"id_{self.add_prefix(name)}-hint"

    def full_clean(self):
        super().full_clean()
        for name in self.errors:
            if name in self.fields:
                widget = self.fields[name].widget
                css = widget.attrs.get("class", "")
                base = css.split()[0] if css else "govuk-input"
                widget.attrs["class"] = f"{css} {base}--error"
                described = widget.attrs.get("aria-describedby", "")
                widget.attrs["aria-describedby"] = (
                    f"{described} id_{self.add_prefix(name)}-error".strip()
                )


class GovukForm(GovukFormMixin, forms.Form):
    """A plain form in GOV.UK markup: the form of the list pages' FilterSets."""
