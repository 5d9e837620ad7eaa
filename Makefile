# masa: two commands do everything.
#   make demo   set up, load the synthetic borough of Northbury and serve http://127.0.0.1:8000
#   make test   set up and run the whole test suite (lint, SQLite, PostgreSQL, browser journeys)
SHELL := /bin/bash
PYTHON ?= python3
PORT ?= 8000
PUBLISHED_DATA ?= ../shared/data/dfe-published
VENV := .venv
BIN := $(VENV)/bin
ASSETS := src/masa/core/static/govuk/masa.css

.PHONY: demo test setup lint serve clean lock

demo: setup
	mkdir -p var
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py demo_data --size small
	@# The DfE's published figures to compare Northbury with (Wigan, 359, and its neighbours):
	@# loaded from the shared reference data when it is there; the dashboard says how otherwise.
	if [ -d "$(PUBLISHED_DATA)" ]; then $(BIN)/python manage.py load_published_figures "$(PUBLISHED_DATA)" --compare-with 359; fi
	@echo "masa is starting on http://127.0.0.1:$(PORT) (Ctrl+C to stop)"
	$(BIN)/python manage.py runserver 127.0.0.1:$(PORT) --insecure

test: setup
	bash scripts/test.sh

setup: $(VENV)/.installed $(ASSETS)
	bash scripts/system-packages.sh runtime

$(VENV)/.installed: requirements/dev.lock pyproject.toml
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet --require-hashes -r requirements/dev.lock
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

$(ASSETS): node_modules/.installed frontend/masa.scss frontend/build.mjs
	npm run --silent build

lint: setup
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks
	$(BIN)/mypy
	$(BIN)/djlint src/masa --lint

# Regenerate the lock file after changing pyproject.toml (needs network to PyPI).
lock:
	$(PYTHON) -m venv /tmp/masa-lock && /tmp/masa-lock/bin/pip install --quiet uv
	/tmp/masa-lock/bin/uv pip compile pyproject.toml --extra dev --python-version 3.11 \
		--generate-hashes -o requirements/dev.lock

clean:
	rm -rf $(VENV) node_modules var src/masa/core/static/govuk
