# Two commands do everything on a fresh machine with Python 3.11+ and make:
#   make serve   live-reloading preview of the guide at http://127.0.0.1:8765
#   make test    the whole verification: every snippet run two ways, the strict build
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-$(shell cksum < requirements.lock | cut -d' ' -f1)
ARGS   ?=
export NO_MKDOCS_2_WARNING := 1

.PHONY: serve test test-deep check build build-zensical lock clean timings reload-time chromium axe upgrade-check test-pythons wrk bench

# MkDocs' live-reload server, rebuilding only the page an edit changed
# (guide/serve.py says when it rebuilds everything, as `mkdocs serve` does).
serve: $(STAMP)
	$(BIN)/python -m guide.serve

# Twice as many workers as cores: most tests wait on a server process, not the CPU.
JOBS ?= $(shell echo $$(( $$(nproc) * 2 )))

test: $(STAMP) chromium axe wrk
	$(BIN)/python -m pytest -n $(JOBS) --cov --cov-report=term-missing:skip-covered $(ARGS)

# Every check, the deep ones too (tests/checks.txt says which), with Hypothesis's
# thorough profile: what CI runs beside `make test`.
test-deep: $(STAMP) chromium axe wrk
	$(BIN)/python -m pytest -n $(JOBS) --deep --cov --cov-report=term-missing:skip-covered $(ARGS)

# One page, both layers, its build and its browser checks: `make check PAGE=flask`.
# Two workers: one builds the site while the other follows the page (Flask's
# page: 15 s here, against 23 s in one process and 18 s with three).
PAGE ?= index
check: $(STAMP) chromium axe
	$(BIN)/python -m pytest -q -p no:randomly -n 2 --page $(PAGE) $(ARGS)

build: $(STAMP)
	$(BIN)/mkdocs build --strict

# The same site from the second builder, Zensical, into site-zensical/.
build-zensical: $(STAMP)
	$(BIN)/python -m guide.builders zensical site-zensical

# Re-resolve every pinned version from pyproject.toml: the newest release of
# everything, for each supported Python (uv forks the resolution where Python
# versions need different releases: Django 5.2 on 3.11, Django 6 on 3.12+).
lock: $(STAMP)
	$(BIN)/uv pip compile pyproject.toml --extra dev --universal --python-version 3.11 \
	  --generate-hashes --no-header --upgrade -o requirements.lock

# The virtual environment, from the lock: pip bootstraps uv (the version the
# lock pins), uv installs everything with the lock's hashes and compiles it to
# bytecode (the reader's processes start faster), then the project itself,
# editable. pip stays in the environment: the pages' `python -m pip install`
# lines run there.
UV_VERSION := $(shell sed -n 's/^uv==\([0-9.]*\).*/\1/p' requirements.lock)
$(STAMP): requirements.lock
	rm -rf $(VENV)
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)
	$(BIN)/uv pip install --quiet --python $(BIN)/python --no-deps --require-hashes --compile-bytecode \
	  -r requirements.lock
	$(BIN)/uv pip install --quiet --python $(BIN)/python --no-deps --no-build-isolation --editable .
	touch $@

# The browser tests drive Debian's Chromium; no test tool downloads a browser.
chromium:
	@command -v chromium >/dev/null || { \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium; }

# axe-core, the accessibility engine the browser tests inject into every page:
# the version in tests/axe/package-lock.json, checked against the lock's hash
# by npm ci (about 2 s). Never loaded from a CDN.
AXE := tests/axe/node_modules/axe-core/axe.min.js
axe: $(AXE)
$(AXE): tests/axe/package.json tests/axe/package-lock.json
	@command -v npm >/dev/null || { \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq npm; }
	npm ci --prefix tests/axe --no-audit --no-fund --loglevel=error
	touch $@

# The newest release of every framework and tool, ignoring the lock: what broke?
upgrade-check: $(STAMP) chromium axe wrk
	$(BIN)/python scripts/upgrade_check.py $(ARGS)

# The whole verification under each supported Python installed here, each in
# its own environment from the lock, and a table of what each ran with.
test-pythons: $(STAMP) chromium axe wrk
	$(BIN)/python scripts/test_pythons.py

# wrk, the HTTP load generator the benchmark drives (Debian's package).
wrk:
	@command -v wrk >/dev/null || { \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq wrk; }

# Requests/s, latency, cold start and memory of every production server, the
# reference servers and Tornado's slow-connection test (about 12 minutes; writes
# bench/results.json, which the Performance page renders). Not a test.
bench: $(STAMP) wrk
	$(BIN)/python -m bench

clean:
	rm -rf $(VENV) .venv-* site site-zensical .cache .coverage-data .verification test-artifacts tests/axe/node_modules

# The bare reader pass, the strict build and the warm verification, and their
# ratio (not a test: it only reports).
timings: $(STAMP)
	$(BIN)/python scripts/timings.py --runs 3

# How long `make serve` takes to show a snippet edit in the browser (not a
# test: it only reports).
reload-time: $(STAMP) chromium
	$(BIN)/python scripts/reload_time.py $(ARGS)
