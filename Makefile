# Procurement scoring service: install, build, run and test.
#
#   make run      install everything, migrate, seed demo data and serve
#   make test     install everything, lint, then run the test suite
#   make help     list every target
#
# Installs are keyed on stamp files, so a second `make` only redoes what an
# edited input (pyproject.toml, package.json, package-lock.json, SCSS) needs.

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help
.DELETE_ON_ERROR:
MAKEFLAGS += --no-print-directory

PYTHON ?= python3
PYTEST_ARGS ?=

VENV := .venv
BIN := $(VENV)/bin
VENV_STAMP := $(VENV)/.install-stamp
NODE_STAMP := node_modules/.install-stamp

GOVUK := node_modules/govuk-frontend/dist/govuk
ASSETS := build/assets
SCSS := $(wildcard templates/assets/*.scss)
# The service's own scripts: pages load every script from a file (the Content-Security-Policy
# allows no inline script).
APP_JS := $(patsubst templates/assets/%,$(ASSETS)/%,$(wildcard templates/assets/*.js))
ASSET_FILES := $(ASSETS)/app.css \
	$(ASSETS)/govuk-frontend.min.js $(ASSETS)/govuk-frontend.min.js.map \
	$(ASSETS)/htmx.min.js $(APP_JS)

# Which system packages to insist on: Chromium only matters to the tests.
# A target-specific value is inherited by that target's prerequisites.
DEPS_FOR := run
test: DEPS_FOR := test

# npm reads CI=true too; no audit/fund chatter, and no install scripts:
# none of our packages needs one, and none may fetch a binary.
NPM_FLAGS := --ignore-scripts --no-audit --no-fund

.PHONY: help run test lint format install assets system-deps clean distclean

help: ## Show this list of targets
	@grep -hE '^[a-z-]+:.*## ' $(MAKEFILE_LIST) \
		| awk 'BEGIN {FS = ":.*## "} {printf "  make %-12s %s\n", $$1, $$2}'

run: install assets ## Install, migrate, seed demo logins and serve on http://127.0.0.1:8000
	$(BIN)/procurement db upgrade
	$(BIN)/procurement seed-demo
	$(BIN)/procurement serve

# Lint runs before pytest so a style or typing slip fails in seconds, not
# after the whole suite. Assets are built first because page and PDF tests
# load build/assets/app.css.
test: lint assets ## Install, lint, then run pytest (extra options: PYTEST_ARGS=...)
	$(BIN)/pytest $(PYTEST_ARGS)

lint: install ## Ruff (lint and format check), mypy and import-linter contracts
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy procurement scoring reports tests bench
	$(BIN)/lint-imports

format: install ## Rewrite code with ruff format and ruff check --fix
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

install: $(VENV_STAMP) $(NODE_STAMP) ## Create .venv and node_modules (only when their inputs changed)

assets: $(ASSET_FILES) ## Build stylesheet and copy scripts into build/assets/

# Always runs, but only costs a package manager call when something is
# missing. Order-only below, so it never makes an install stale by itself.
system-deps: ## Check (and as root, apt-get install) the Debian packages needed
	@bash scripts/system-deps.sh --for $(DEPS_FOR)

# --- Python --------------------------------------------------------------
# A .venv whose interpreter has gone (Python upgraded or moved) is rebuilt
# from scratch rather than patched.
$(VENV_STAMP): pyproject.toml | system-deps
	@if ! $(BIN)/python -c '' >/dev/null 2>&1; then \
		echo "Creating $(VENV) with $(PYTHON)"; \
		$(PYTHON) -m venv --clear $(VENV); \
	fi
	$(BIN)/python -m pip install --disable-pip-version-check --progress-bar off -e '.[dev]'
	@touch $@

# --- Node ----------------------------------------------------------------
# npm ci installs exactly the lock file and fails if package.json disagrees
# with it; npm install is only for the first run, before a lock exists.
$(NODE_STAMP): package.json $(wildcard package-lock.json) | system-deps
	@if [ -f package-lock.json ]; then \
		echo "npm ci $(NPM_FLAGS)"; npm ci $(NPM_FLAGS); \
	else \
		echo "npm install $(NPM_FLAGS)"; npm install $(NPM_FLAGS); \
	fi
	@touch $@

# --- Web assets ------------------------------------------------------------
# Compiled to a temporary file and checked before it replaces app.css: the
# service is not GOV.UK, so the GDS Transport font (and the package's
# /assets/fonts/ path) must never reach a page.
$(ASSETS)/app.css: $(SCSS) $(NODE_STAMP)
	@mkdir -p $(@D)
	node_modules/.bin/sass --load-path=node_modules --style=compressed --no-source-map \
		--quiet-deps --silence-deprecation=import templates/assets/app.scss $@.tmp
	@if grep -qE 'GDS Transport|/assets/fonts/' $@.tmp; then \
		echo "$@: compiled CSS refers to GDS Transport or /assets/fonts/" >&2; \
		rm -f $@.tmp; exit 1; \
	fi
	@mv $@.tmp $@

# Copied scripts depend on the npm stamp, not on the files in node_modules:
# npm gives unpacked files a fixed old mtime, so an upgrade would otherwise
# look older than the copy already in build/.
$(ASSETS)/govuk-frontend.min.js $(ASSETS)/govuk-frontend.min.js.map: $(NODE_STAMP)
	@mkdir -p $(@D)
	cp $(GOVUK)/$(@F) $@

$(ASSETS)/htmx.min.js: $(NODE_STAMP)
	@mkdir -p $(@D)
	cp node_modules/htmx.org/dist/$(@F) $@

$(APP_JS): $(ASSETS)/%.js: templates/assets/%.js
	@mkdir -p $(@D)
	cp $< $@

# --- Housekeeping ----------------------------------------------------------
# data/ holds the local database and uploads, so neither target touches it.
clean: ## Remove build/, tool caches and the install stamps (forces a reinstall check)
	rm -rf build .mypy_cache .ruff_cache .pytest_cache .hypothesis .import_linter_cache
	rm -f $(VENV_STAMP) $(NODE_STAMP)

distclean: clean ## Also remove .venv/ and node_modules/ entirely
	rm -rf $(VENV) node_modules
