"""gunicorn settings for Kakehashi; each value can be overridden from the environment."""

import os

from portal.env import env_int  # a number below its least sensible value stops start-up, naming the variable

bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
workers = env_int("GUNICORN_WORKERS", 2, minimum=1)
threads = env_int("GUNICORN_THREADS", 1, minimum=1)
timeout = env_int("GUNICORN_TIMEOUT", 30, minimum=1)
graceful_timeout = 20
keepalive = 5
# Recycle workers now and then so a slow leak never grows without bound.
max_requests = env_int("GUNICORN_MAX_REQUESTS", 2000, minimum=0)  # 0: never recycle, as gunicorn reads it
max_requests_jitter = 200
accesslog = os.environ.get("GUNICORN_ACCESSLOG", "-")
errorlog = "-"
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
wsgi_app = "portal.wsgi:application"
# The path without its query string, and no referrer: private feed links carry their secret in the query string
# (issue 17), and it must never reach a log.
access_log_format = '%(h)s %(l)s %(u)s %(t)s "%(m)s %(U)s %(H)s" %(s)s %(b)s "%(a)s" %(L)s'
