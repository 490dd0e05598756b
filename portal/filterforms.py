"""The one way a FilterSet's form is made fit for a web page (the API reads the same FilterSet bare)."""

from collections.abc import Iterable

from django import forms
from django.forms.models import ModelChoiceIterator

from portal.filters import BlankIgnoredCheckboxes
from portal.text import localised, natural_sort_key


def filter_form_tune(form: forms.Form, *, tick_boxes: Iterable[str] = ()) -> None:
    """Plain labels, no API help texts, and tick boxes for TICK_BOXES (records named in the reader's language)."""
    form.label_suffix = ""
    for field in form.fields.values():
        field.help_text = ""  # the FilterSet's help texts describe API parameters
    for name in tick_boxes:
        field = form.fields[name]
        # One query per field, shared by the tick boxes and the active-filter labels; Japanese names on /ja/.
        queryset = getattr(field, "queryset", None)
        choices = field.choices if queryset is None else [(obj.slug, localised(obj)) for obj in queryset]
        field.widget = BlankIgnoredCheckboxes(choices=choices)


def record_choices_localise(form: forms.Form, names: Iterable[str]) -> None:
    """Name the records the fields NAMES offer in the reader's language (Japanese names on /ja/)."""
    for name in names:
        form.fields[name].label_from_instance = localised


class NaturalOrderChoiceIterator(ModelChoiceIterator):
    """A ModelChoiceField's choices in the natural order of their labels as shown ("field 2" before "field 10"),
    which SQL's ORDER BY cannot give."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        choices = [self.choice(obj) for obj in self.queryset]
        yield from sorted(choices, key=lambda choice: (natural_sort_key(str(choice[1])), str(choice[1])))


def record_choices_in_natural_order(form: forms.Form, names: Iterable[str]) -> None:
    """Offer the records the fields NAMES list named in the reader's language, in the natural order of those names."""
    record_choices_localise(form, names)
    for name in names:
        field = form.fields[name]
        field.iterator = NaturalOrderChoiceIterator
        field.widget.choices = field.choices  # the widget took its choices from the field's old iterator
