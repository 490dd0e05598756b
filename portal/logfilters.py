"""Log filters: what a log line may never carry.

Django's request logger attaches the request to every 4xx and 5xx record, and the JSON formatter writes every such
attribute out, the request's repr with its query string included. Secrets travel in query strings (calendar and
Atom feeds, unsubscribe and email-confirmation links: `?token=`), and the access log already leaves them out
(gunicorn.conf.py), so the application log must too.
"""

import logging


class RequestWithoutQuery(logging.Filter):
    """Replace a record's `request` with its method and path, without the query string."""

    def filter(self, record: logging.LogRecord) -> bool:
        request = getattr(record, "request", None)
        if request is not None and not isinstance(request, str):
            method = getattr(request, "method", "") or ""
            path = getattr(request, "path", "") or ""
            record.request = f"{method} {path}".strip()
        return True


class RefusalWithoutTraceback(logging.Filter):
    """Keep a refused request's line (403: who may not do what is worth a line) but drop the traceback Django
    attaches to it: a refusal is the code working, and a dozen stack lines per refusal bury the real errors."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.name == "django.request" and getattr(record, "status_code", None) == 403:
            record.exc_info = None
            record.exc_text = None
        return True
