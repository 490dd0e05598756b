"""`manage.py shell` imports every model, sources' history included, without a complaint."""

import io

from django.core.management import call_command


def test_the_shell_imports_every_model_including_the_sources_history(db):
    out, err = io.StringIO(), io.StringIO()

    call_command("shell", command="pass", verbosity=1, stdout=out, stderr=err)

    said = out.getvalue() + err.getvalue()
    assert "could not be automatically imported" not in said, said
