"""Every model's plural reads as English: the admin's lists and delete pages name records by it."""

import re

from django.apps import apps
from django.utils import translation

OURS = {"portal", "programmes", "companies", "matching", "partners", "sources", "notices", "workspace", "alerts"}


def test_no_plural_is_the_singular_with_an_s_stuck_after_a_consonant_and_y():
    wrong = []
    with translation.override("en"):
        for model in apps.get_models():
            if model._meta.app_label not in OURS:
                continue
            singular, plural = str(model._meta.verbose_name), str(model._meta.verbose_name_plural)
            if re.search(r"[^aeiou]y$", singular) and plural == singular + "s":
                wrong.append(f"{model._meta.label}: {plural}")
    assert wrong == []
