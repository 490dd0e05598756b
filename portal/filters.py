"""Filter values that cannot be read are said, never ignored: yes/no parameters, and the exports' answer to them.

A yes/no value that is neither is refused, naming the parameter, rather than read as "not given" (django-filter's
yes/no widget turned `open=maybe` into "any", so a typo silently gave the whole list). The FilterSets (web pages
and the API) and the API's own parameters read it the same way. A CSV export with a bad filter answers 400.
"""

from collections.abc import Mapping
from typing import Any

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.http import HttpResponse, HttpResponseBadRequest
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from portal.text import form_problems, punct

# The spellings a query string may use, in any case: true and false (docs/api.md), and 1 and 0, which the API's
# `include_dismissed` has always taken. An empty value means "not given" (the listing's "Any" option sends it).
TRUE_VALUES = frozenset({"true", "1"})
FALSE_VALUES = frozenset({"false", "0"})
BOOLEAN_MESSAGE = _("Give true or false.")


def boolean_read(value: Any) -> bool | None:
    """VALUE as True or False, or None when absent or empty; ValidationError when it is neither."""
    if value is None or isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if not text or text == "unknown":  # "unknown": what the listing's "Any" sent before (old links, saved searches)
        return None
    if text in TRUE_VALUES:
        return True
    if text in FALSE_VALUES:
        return False
    raise ValidationError(BOOLEAN_MESSAGE, code="invalid")


def boolean_param(params: Mapping[str, Any], name: str, *, default: bool = False) -> bool:
    """The query parameter NAME of PARAMS as a bool (DEFAULT when absent or empty); ValidationError naming it."""
    try:
        value = boolean_read(params.get(name))
    except ValidationError as error:
        raise ValidationError({name: error.messages}) from error
    return default if value is None else value


class BooleanSelect(forms.NullBooleanSelect):
    """Django's yes/no select, handing the value given to the field as it is (the field decides what it means)."""

    def __init__(self, attrs: dict | None = None) -> None:
        super().__init__(attrs)
        (_unknown, label), *rest = self.choices
        self.choices = [("", label), *rest]  # "any" sends an empty value, not "unknown"

    def value_from_datadict(self, data: Any, files: Any, name: str) -> Any:
        return data.get(name)

    def format_value(self, value: Any) -> list[str]:  # type: ignore[override]  # Select's contract: a list
        """The option to show as chosen, for every spelling the field reads (`?open=1`, `True`), else "any".

        A list, as Select expects: NullBooleanSelect's single string made "" (our "any") match any value as a
        substring, so the page showed "any" while the filter applied.
        """
        try:
            chosen = boolean_read(value)
        except ValidationError:
            return [""]
        return [""] if chosen is None else ["true" if chosen else "false"]


class BooleanField(forms.NullBooleanField):
    """True, False or None (not given); any other value is a field error."""

    widget = BooleanSelect
    default_error_messages = {"invalid": BOOLEAN_MESSAGE}

    def to_python(self, value: Any) -> bool | None:
        try:
            return boolean_read(value)
        except ValidationError:
            raise ValidationError(self.error_messages["invalid"], code="invalid") from None


class BooleanFilter(django_filters.BooleanFilter):
    """django-filter's BooleanFilter (the schema still says boolean), refusing a value that is neither yes nor no."""

    field_class = BooleanField


def filter_errors_response(form: forms.Form) -> HttpResponse:
    """A 400 naming each filter parameter that is not valid and why: for a download, which has no form to show.

    A listing page shows the same messages beside its form's fields; an export must not hand over every record as
    if the filter had been applied.
    """
    lines = [gettext("Nothing was exported: correct these filters and try again.")]
    lines += form_problems(form)
    return HttpResponseBadRequest("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")


class BlankIgnored:
    """A multi-value parameter whose empty values mean "not given" (`?kind=`), as for the yes/no parameters, rather
    than a choice named "" that no list holds."""

    def value_from_datadict(self, data: Any, files: Any, name: str) -> Any:
        values = super().value_from_datadict(data, files, name)  # type: ignore[misc]  # the widget's, beside it
        return [value for value in values if value != ""] if isinstance(values, list) else values


class BlankIgnoredSelectMultiple(BlankIgnored, forms.SelectMultiple):
    """The API's and exports' multi-value parameters (BlankIgnored)."""


class BlankIgnoredCheckboxes(BlankIgnored, forms.CheckboxSelectMultiple):
    """The pages' tick boxes for the same parameters (BlankIgnored)."""


class MultipleChoiceFilter(django_filters.MultipleChoiceFilter):
    """django-filter's, with empty values read as not given (BlankIgnoredSelectMultiple)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", BlankIgnoredSelectMultiple)
        super().__init__(*args, **kwargs)


class ModelMultipleChoiceFilter(django_filters.ModelMultipleChoiceFilter):
    """django-filter's, with empty values read as not given (BlankIgnoredSelectMultiple)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", BlankIgnoredSelectMultiple)
        super().__init__(*args, **kwargs)


ONE_VALUE_MESSAGE = _("Give one value, not several: %(values)s were given.")


class OneValueEachForm:
    """A filter form that refuses several different values of a parameter that takes one (`?eligible_country=AU
    &eligible_country=GB`), naming it, where the form alone read the last and listed as if the others were not
    there. Parameters that take several (`kind`, `technology_area` on records) are read by multiple-choice widgets
    and keep every value. The same value twice, or empty ones beside one value, are no conflict: that value is read."""

    data: Any
    fields: dict[str, forms.Field]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[call-arg]  # the form's own, beside it in the class built below
        for name, values in self._given().items():
            if len(values) <= 1 and len(self.data.getlist(name)) > 1:
                self.data = self.data.copy()
                self.data.setlist(name, values or [""])

    def _given(self) -> dict[str, list[str]]:
        """The values given for each one-value parameter, empty ones left out and each value once."""
        getlist = getattr(self.data, "getlist", None)
        if getlist is None:  # a plain dict holds one value per name
            return {}
        return {
            name: list(dict.fromkeys(str(value).strip() for value in getlist(name) if str(value).strip()))
            for name, field in self.fields.items()
            if not getattr(field.widget, "allow_multiple_selected", False)
        }

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}  # type: ignore[misc]  # the form's own, beside it in the class built below
        for name, values in self._given().items():
            if len(values) > 1:
                self.add_error(name, ONE_VALUE_MESSAGE % {"values": punct(",").join(values)})  # type: ignore[attr-defined]
        return cleaned


class FilterSet(django_filters.FilterSet):
    """django-filter's FilterSet, refusing a single-value parameter given several values (OneValueEachForm): every
    FilterSet of the pages and the API is one, so the rule is the same on each listing."""

    def get_form_class(self) -> type[forms.Form]:
        form_class = super().get_form_class()
        return type(form_class.__name__, (OneValueEachForm, form_class), {})
