"""DRF's error messages that its own Japanese catalogue leaves in English, marked here for makemessages.

DRF asks for them itself (`rest_framework/fields.py`, `serializers.py`); our catalogue translates them, and this
module is where makemessages finds them, so `makemessages --no-obsolete` keeps their translations.
`tests/api/test_error_language_api.py` checks that every DRF field message reads in Japanese.
"""

from django.utils.translation import gettext_noop

DRF_MESSAGES = (
    gettext_noop("Not a valid string."),
    gettext_noop("Must be a valid boolean."),
    gettext_noop("Invalid input."),
    gettext_noop("Ensure this field has no more than {max_length} elements."),
    gettext_noop("Ensure this field has at least {min_length} elements."),
    gettext_noop("This dictionary may not be empty."),
    gettext_noop("Datetime value out of range."),
    gettext_noop('Invalid datetime for the timezone "{timezone}".'),
    gettext_noop("Surrogate characters are not allowed: U+{code_point:X}."),
    gettext_noop("Must be a valid UUID."),
    gettext_noop("A valid biginteger is required."),
    gettext_noop("Integer value too large to convert to float"),
    gettext_noop('Enter a valid "slug" consisting of Unicode letters, numbers, underscores, or hyphens.'),
)
