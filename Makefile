# Kota Cerdas — the two commands: `make run` and `make test`. Everything else is a helper of those.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
PIP := $(BIN)/python -m pip --disable-pip-version-check -q

.PHONY: run test install install-test messages lint typecheck migrations-check pytest serve demo clean bench

run: install messages ## install, migrate SQLite under var/, load the demo data, serve on $(HOST):$(PORT)
	@mkdir -p var
	$(BIN)/kotacerdas migrate --noinput
	$(BIN)/kotacerdas load_demo
	$(BIN)/kotacerdas runserver $(HOST):$(PORT)

test: install-test messages lint typecheck migrations-check pytest ## every check

install: $(BIN)/.installed-run
install-test: $(BIN)/.installed-test

$(BIN)/.installed-run: requirements/base.txt constraints.txt pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(PIP) install -r requirements/base.txt -c constraints.txt
	$(PIP) install --no-deps -e .
	@touch $@

$(BIN)/.installed-test: $(BIN)/.installed-run requirements/test.txt
	$(PIP) install -r requirements/test.txt -c constraints.txt
	@touch $@

messages: install ## compile the translations (.po -> .mo) with Babel; no system gettext needed
	for dir in kotacerdas/locale kotacerdas/*/locale; do [ -d "$$dir" ] && $(BIN)/pybabel -q compile -d "$$dir" -D django || exit 1; done

lint:
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck:
	$(BIN)/mypy kotacerdas

migrations-check:
	$(BIN)/kotacerdas makemigrations --check --dry-run

pytest:
	$(BIN)/pytest $(PYTEST_ARGS)

bench: install messages ## measure the production server (BENCHMARKS.md); QUICK=1: scratch SQLite, seconds, no record
	$(BIN)/kotacerdas bench $(if $(QUICK),--quick,--record)

clean:
	rm -rf $(VENV) var .mypy_cache .ruff_cache .pytest_cache
