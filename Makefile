# The two commands of the README's Quick start: `make app` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8866
# Debian packages the tests need; installed when missing and we are root.
TEST_DEBS := chromium

.PHONY: app test test-fast lint clean venv

app: $(VENV)/.installed-app
	$(BIN)/casebook init
	$(BIN)/casebook serve --host $(HOST) --port $(PORT)

test: $(VENV)/.installed-test
	@$(MAKE) --no-print-directory debs DEBS="$(TEST_DEBS)"
	$(BIN)/ruff check .
	@# The notebooks run against a throw-away casebook, never the real one in var/.
	CASEBOOK_DB="sqlite:///$$(mktemp -d)/casebook.db" $(BIN)/pytest tests notebooks casebook \
		--nbval-lax --doctest-modules --ignore=casebook/store/migrations

# The quick loop while working: no browser, no server, no PostgreSQL, nothing slow, no
# notebooks (each starts a kernel). `make test` still runs everything.
test-fast: $(VENV)/.installed-test
	$(BIN)/ruff check .
	CASEBOOK_DB="sqlite:///$$(mktemp -d)/casebook.db" $(BIN)/pytest tests casebook \
		--doctest-modules --ignore=casebook/store/migrations \
		-m "not browser and not server and not postgres and not slow" -n auto

lint: $(VENV)/.installed-test
	$(BIN)/ruff check .

# Debian's python3 lacks venv/ensurepip until python3-venv is installed.
$(VENV)/bin/python:
	@$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "Python 3.11 or newer is needed"'
	@$(PYTHON) -c 'import ensurepip' 2>/dev/null || $(MAKE) --no-print-directory debs DEBS=python3-venv
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed-app: pyproject.toml constraints.txt | $(VENV)/bin/python
	$(BIN)/pip install --quiet -c constraints.txt -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml constraints.txt | $(VENV)/bin/python
	$(BIN)/pip install --quiet -c constraints.txt -e ".[test]"
	touch $@ $(VENV)/.installed-app

debs:
	@missing=""; for p in $(DEBS); do dpkg -s "$$p" >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
		if [ "$$(id -u)" = 0 ]; then apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q $$missing; \
		else echo "Please install these Debian packages:$$missing" >&2; exit 1; fi; \
	fi

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache *.egg-info
