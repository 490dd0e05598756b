# Kakehashi: every set-up step a fresh clone needs. `make run` and `make test` are the two commands.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
DEMO_PASSWORD ?= kakehashi-demo
export DEMO_PASSWORD
# `make run PORT=8011` serves on another port; links in emails and feeds (SITE_URL) follow it unless SITE_URL is set.
PORT ?= 8000
SITE_URL ?= http://127.0.0.1:$(PORT)
# The machine-local settings manage.py reads (manage.py honours DJANGO_ENV_FILE the same way).
ENV_LOCAL := $(or $(DJANGO_ENV_FILE),.env.local)

.PHONY: install demo run site-url test lint migrations-check backup restore clean

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "Python 3.11 or newer is needed"'
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	touch $@

# Local-only settings for manage.py on this machine: debug on and a generated secret (git-ignored, not in the image).
$(ENV_LOCAL):
	printf '# Written by make install for this machine only; manage.py reads it. Production uses .env.\nDJANGO_DEBUG=1\nSECRET_KEY=%s\n' \
	  "$$($(PYTHON) -c 'import secrets; print(secrets.token_urlsafe(50))')" > $@

install: $(VENV)/.installed $(ENV_LOCAL)

demo: install
	DJANGO_DEBUG=1 $(PY) manage.py migrate --noinput
	DJANGO_DEBUG=1 $(PY) manage.py load_curated
	DJANGO_DEBUG=1 $(PY) manage.py load_notices
	DJANGO_DEBUG=1 $(PY) manage.py demo_users
	DJANGO_DEBUG=1 $(PY) manage.py rescore --sync

# Record the server's origin in the local settings, so the manage.py commands run next (send_digests, deliver_emails)
# write the same links in emails and feeds as the server; a SITE_URL exported in a shell still wins there.
site-url: $(ENV_LOCAL)
	@{ grep -v '^SITE_URL=' $(ENV_LOCAL) || true; echo 'SITE_URL=$(SITE_URL)'; } > $(ENV_LOCAL).tmp
	@mv $(ENV_LOCAL).tmp $(ENV_LOCAL)

run: demo site-url
	@echo ""
	@echo "Kakehashi is starting on http://127.0.0.1:$(PORT)/"
	@echo "  consultant log-in: consultant / $(DEMO_PASSWORD)   (admin: http://127.0.0.1:$(PORT)/admin/)"
	@echo "  company staff log-ins: staff / $(DEMO_PASSWORD) (editor), viewer / $(DEMO_PASSWORD) (read only)"
	@echo "  (set DEMO_PASSWORD=... before 'make run' to choose another password, PORT=... another port)"
	@echo ""
	SITE_URL=$(SITE_URL) DJANGO_DEBUG=1 $(PY) manage.py runserver 127.0.0.1:$(PORT)

# On SQLite (no DATABASE_URL or DATABASE_URL_FILE) the suite runs on every core (pytest-xdist, one test database per process). On PostgreSQL it runs in one
# process: the change feed waits for every open transaction on the server (docs/testing.md), and parallel tests
# hold transactions open.
test: install
	$(PY) -m pytest $(if $(DATABASE_URL)$(DATABASE_URL_FILE),,-n auto)

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	DJANGO_DEBUG=1 $(VENV)/bin/mypy  # strict, with django-stubs (which loads the settings) and DRF stubs
	$(PY) -m pytest -q tests/test_layers.py  # layer direction and import rings (docs/architecture.md)

migrations-check: install
	DJANGO_DEBUG=1 $(PY) manage.py makemigrations --check --dry-run

# Backups of the PostgreSQL database that DATABASE_URL names (custom format, restorable with pg_restore).
BACKUP_DIR ?= var/backups
backup:
	@test -n "$$DATABASE_URL" || { echo "backup: set DATABASE_URL to the PostgreSQL database to back up" >&2; exit 2; }
	@mkdir -p $(BACKUP_DIR)
	@file=$(BACKUP_DIR)/kakehashi-$$(date -u +%Y%m%dT%H%M%SZ).dump; \
	  pg_dump --format=custom --no-owner --no-privileges --file="$$file" "$$DATABASE_URL" && echo "$$file"

restore:
	@test -n "$$DATABASE_URL" || { echo "restore: set DATABASE_URL to the PostgreSQL database to restore into" >&2; exit 2; }
	@test -f "$(FILE)" || { echo "restore: FILE=path/to/backup.dump is needed (make restore FILE=...)" >&2; exit 2; }
	pg_restore --clean --if-exists --no-owner --no-privileges --single-transaction --dbname="$$DATABASE_URL" "$(FILE)"
	@# Cached API answers were built from the data before the restore: retire them (REDIS_URL names the cache).
	DJANGO_DEBUG=$${DJANGO_DEBUG:-1} $(PY) manage.py bump_generations

clean:
	rm -rf $(VENV) var/*.sqlite3
