# Two commands for a newcomer: `make run` and `make test`. Everything else is optional.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
export FLASK_APP := wsgi.py

.PHONY: run test bench loadtest setup dev-setup db demo lint browser-deps clean

$(BIN)/python:
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "Python 3.11 is needed: set PYTHON=/path/to/python3.11"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.runtime: requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.dev: requirements.txt requirements-dev.txt requirements-nodeps.txt $(VENV)/.runtime
	$(BIN)/pip install --quiet -r requirements-dev.txt
	$(BIN)/pip install --quiet --no-deps -r requirements-nodeps.txt
	touch $@

setup: $(VENV)/.runtime
dev-setup: $(VENV)/.dev

db: setup
	$(BIN)/flask db upgrade

demo: db
	$(BIN)/flask demo

## make run: install, migrate, load the demo and serve http://127.0.0.1:5000 (SQLite in instance/)
run: demo
	$(BIN)/flask run --host 127.0.0.1 --port 5000

## make test: the whole suite (browser tests are skipped, with the reason, if no Chromium)
test: dev-setup
	$(BIN)/python -m pytest $(PYTEST_ARGS)

## make bench: measure and write docs/benchmarks.md
bench: dev-setup
	$(BIN)/python bench/run_all.py $(BENCH)

## make loadtest: PostgreSQL + gunicorn (4 workers) on 127.0.0.1, 50 annotators offering
## LOADTEST_RATE saves/s (315: the goal, 300, and a twentieth more; 0 = closed loop, for capacity) and 5 reviewers for LOADTEST_SECONDS
## (60, at most 120), Redis shared when one answers; then every acknowledged save is checked
loadtest: dev-setup
	$(BIN)/python loadtest/run.py

lint: dev-setup
	$(BIN)/ruff check .

## Chromium for the browser tests (Debian/Ubuntu, as root)
browser-deps:
	@command -v chromium >/dev/null 2>&1 || { apt-get update -qq && apt-get install -y -qq chromium; }

clean:
	rm -rf $(VENV) .pytest_cache
