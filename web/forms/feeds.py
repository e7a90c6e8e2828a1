"""The calendar feeds page's form: a new feed for a court, a suite or an officer.

It parses what staff choose and type and says in plain English what is wrong. Who may
subscribe to what is `bookings.feeds.feed_subjects` (the API's rule); the services stay the
last word."""

from __future__ import annotations

import secrets

from django import forms

from bookings.feeds import feed_subjects
from bookings.models import FeedScope, WitnessType
from core.validators import no_control_characters

from .govuk import GovukFormMixin

#: How each scope reads in the form and the error messages.
SCOPE_TEXT = {
    FeedScope.COURT: ("A court", "a court's", "court", "a court"),
    FeedScope.SUITE: ("A suite", "a suite's", "suite", "a suite"),
    FeedScope.WITNESS: ("A police officer", "an officer's", "officer", "an officer"),
}
SCOPE_HINTS = {
    FeedScope.COURT: "The video-link witnesses booked for the court's hearings.",
    FeedScope.SUITE: "Every booking at the suite, with set-up and turnaround times.",
    FeedScope.WITNESS: "One officer's own bookings, for their work calendar.",
}


class FeedTokenForm(GovukFormMixin, forms.Form):
    """What the feed is for (court, suite or officer), which one, and whose calendar it is.

    The choices are only those the user may subscribe to; a scope the user may not use at all
    is refused with a reason rather than as an unknown choice."""

    scope = forms.ChoiceField(
        label="What is the feed for?",
        choices=FeedScope.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select what the feed is for"},
    )
    # Plain choice fields: the choices are the subjects loaded once in __init__, so checking
    # the one chosen costs no further query.
    court = forms.ChoiceField(label="Court", required=False)
    suite = forms.ChoiceField(label="Suite", required=False)
    witness = forms.ChoiceField(label="Police officer", required=False)
    label = forms.CharField(
        label="Whose calendar is it for?",
        help_text="So you can tell your feeds apart, for example, Court 1 clerk's Outlook",
        max_length=100,
        validators=[no_control_characters],
        error_messages={
            "required": "Enter whose calendar the feed is for",
            "max_length": "Whose calendar it is for must be 100 characters or fewer",
        },
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    # Names this copy of the form, so that sending it again (reloading the page that showed
    # the new address) is recognised instead of making a second feed.
    form_id = forms.CharField(required=False, max_length=64, widget=forms.HiddenInput)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        if not self.is_bound:
            self.initial["form_id"] = secrets.token_urlsafe(16)
        subjects = {
            FeedScope.COURT: feed_subjects(user=user, scope=FeedScope.COURT).order_by("name"),
            FeedScope.SUITE: feed_subjects(user=user, scope=FeedScope.SUITE).order_by(
                "force__name", "name"
            ),
            # Only officers whose details are still held have a feed of their own.
            FeedScope.WITNESS: feed_subjects(user=user, scope=FeedScope.WITNESS)
            .filter(witness_type=WitnessType.POLICE_OFFICER, anonymised_at__isnull=True)
            .order_by("full_name", "id"),
        }
        # One query per scope the user may use (none for the others).
        self.subjects = {scope: list(objects) for scope, objects in subjects.items()}
        self.allowed_scopes = [scope for scope in FeedScope.values if self.subjects[scope]]
        for scope in FeedScope.values:
            field = self.fields[scope]
            field.choices = [
                (str(subject.pk), subject_label(subject)) for subject in self.subjects[scope]
            ]
            if len(field.choices) != 1:  # a court user's one court needs no choosing
                field.choices = [("", f"Choose {SCOPE_TEXT[scope][3]}"), *field.choices]
            field.error_messages["invalid_choice"] = f"Choose {SCOPE_TEXT[scope][3]} from the list"
        self.fields["label"].widget.attrs["class"] += " govuk-!-width-two-thirds"
        # The scope's radios are GOV.UK's own (`scope`, `scope-2`...); with one scope there are
        # none, and its error is about that scope's list.
        if len(self.allowed_scopes) > 1:
            self.error_anchors = {"scope": "scope"}
        elif self.allowed_scopes:
            self.error_anchors = {"scope": self[self.allowed_scopes[0]].id_for_label}

    def scope_options(self) -> list[dict]:
        """The radios: only the scopes the user may subscribe to, each with its select."""
        chosen = self.data.get("scope") if self.is_bound else None
        return [
            {
                "value": scope,
                "label": SCOPE_TEXT[scope][0],
                "hint": SCOPE_HINTS[scope],
                "checked": chosen == scope or len(self.allowed_scopes) == 1,
                "field": self[scope],
                "id": self.radio_id(index),
            }
            for index, scope in enumerate(self.allowed_scopes, start=1)
        ]

    def radio_id(self, number: int) -> str:
        return "scope" if number == 1 else f"scope-{number}"

    def clean_scope(self):
        scope = self.cleaned_data["scope"]
        if scope not in self.allowed_scopes:
            raise forms.ValidationError(
                f"You cannot subscribe to {SCOPE_TEXT[scope][1]} feed: "
                "choose one of the options shown",
                code="scope_not_allowed",
            )
        return scope

    def clean(self):
        cleaned = super().clean()
        scope = cleaned.get("scope")
        if not scope:  # missing, or one the user may not use: already said why
            return cleaned
        chosen = cleaned.get(scope)
        if not chosen:
            if scope not in self.errors:  # not a choice from the list: already said
                self.add_error(scope, f"Choose the {SCOPE_TEXT[scope][2]} the feed is for")
            return cleaned
        cleaned["subject"] = next(s for s in self.subjects[scope] if str(s.pk) == chosen)
        return cleaned


def subject_label(subject) -> str:
    """A court or suite by its name; an officer by name and collar number."""
    collar = getattr(subject, "collar_number", "")
    return f"{subject}{f' ({collar})' if collar else ''}"
