"""A refused request (403) writes one log line, without a traceback: refusals are the code working."""

import logging
from logging.config import dictConfig

from django.conf import settings


def test_a_refused_edit_logs_its_line_without_a_traceback(carol_client, firm_a, caplog):
    dictConfig(settings.LOGGING)  # the console handler as the settings make it
    root = logging.getLogger()
    console = next(handler for handler in root.handlers if handler.get_name() == "console")
    root.addHandler(caplog.handler)  # dictConfig took pytest's capture off the root logger
    with caplog.at_level(logging.INFO):
        assert carol_client.get(f"/companies/{firm_a.slug}/edit/").status_code == 403
    lines = [console.format(record) for record in caplog.records if console.filter(record)]

    refused = [line for line in lines if f"/companies/{firm_a.slug}/edit/" in line]
    assert refused, lines
    assert not any("Traceback" in line or "PermissionDenied" in line for line in refused)
