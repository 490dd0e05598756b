# Kakehashi: every set-up step a fresh clone needs. `make run` and `make test` are the two commands.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
DEMO_PASSWORD ?= kakehashi-demo
export DEMO_PASSWORD

.PHONY: install demo run test lint migrations-check clean

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "Python 3.11 or newer is needed"'
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	touch $@

install: $(VENV)/.installed

demo: install
	DJANGO_DEBUG=1 $(PY) manage.py migrate --noinput
	DJANGO_DEBUG=1 $(PY) manage.py load_curated
	DJANGO_DEBUG=1 $(PY) manage.py demo_users
	DJANGO_DEBUG=1 $(PY) manage.py rescore --sync

run: demo
	@echo ""
	@echo "Kakehashi is starting on http://127.0.0.1:8000/"
	@echo "  consultant log-in: consultant / $(DEMO_PASSWORD)   (admin: http://127.0.0.1:8000/admin/)"
	@echo "  company staff log-in: staff / $(DEMO_PASSWORD)"
	@echo "  (set DEMO_PASSWORD=... before 'make run' to choose another password)"
	@echo ""
	DJANGO_DEBUG=1 $(PY) manage.py runserver 127.0.0.1:8000

test: install
	$(PY) -m pytest

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

migrations-check: install
	DJANGO_DEBUG=1 $(PY) manage.py makemigrations --check --dry-run

clean:
	rm -rf $(VENV) var/*.sqlite3
