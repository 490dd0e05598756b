"""The CSV upload form of the companies admin: the file, the columns it must have and the size it may be."""

from typing import Any

from django import forms
from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from companies.importing import HEADER, OPTIONAL


# Uploads larger than this are refused with a message: bigger files belong to `manage.py import_companies`.
def upload_max_bytes() -> int:
    """The upload limit, read from settings.COMPANY_IMPORT_MAX_BYTES at request time."""
    return settings.COMPANY_IMPORT_MAX_BYTES


class CompanyImportForm(forms.Form):
    file = forms.FileField(label=_("CSV file"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = _(
            "UTF-8, with the header %(header)s (optional columns: %(optional)s); at most %(size)s."
        ) % {
            "header": ",".join(HEADER),
            "optional": ",".join(OPTIONAL),
            "size": filesizeformat(upload_max_bytes()),
        }

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > upload_max_bytes():
            raise forms.ValidationError(
                _(
                    "The file is %(size)s; uploads are limited to %(limit)s. Split it, or ask for it to be imported "
                    "with manage.py import_companies."
                )
                % {"size": filesizeformat(upload.size), "limit": filesizeformat(upload_max_bytes())}
            )
        return upload
