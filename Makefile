# Regularization Landscapes: build, run and test.
#
#   make run            start the app on http://$(HOST):$(PORT)
#   make test           ruff + all three test layers (unit, app, browser)
#   make test-unit | test-app | test-browser
#   make lint | bench | bench-class | bench-room | clean | distclean   (BENCH_ARGS=--quick: a smoke run)
#
# The virtualenv lives in .venv; each requirements file is installed once and
# re-installed only when it changes (stamp files inside .venv).

PYTHON   ?= python3
HOST     ?= localhost
PORT     ?= 8501
CHROMIUM ?= /usr/bin/chromium
PYTEST_ARGS ?=
BENCH_ARGS ?=

VENV      := .venv
VPY       := $(VENV)/bin/python
RUN_STAMP := $(VENV)/requirements.stamp
DEV_STAMP := $(VENV)/requirements-dev.stamp

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

.PHONY: help run warm docker lock test test-unit test-app test-browser lint bench bench-class bench-room \
        chromium nginx postgresql \
        check-python clean distclean

help:
	@sed -n "3,7p" Makefile | sed 's/^# \{0,1\}//'

check-python:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else 1)' 2>/dev/null || { \
	  echo "error: Python >= 3.11 is required, but '$(PYTHON)' is" \
	       "$$($(PYTHON) --version 2>/dev/null || echo missing)." \
	       "Install Python 3.11+ or run 'make PYTHON=python3.11 ...'." >&2; exit 1; }

$(VPY): | check-python
	$(PYTHON) -m venv $(VENV)
	@$(VPY) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else 1)' || { \
	  echo "error: $(VENV) uses $$($(VPY) --version); Python >= 3.11 is required." \
	       "Run 'make distclean' and retry." >&2; exit 1; }

$(RUN_STAMP): requirements.txt | $(VPY)
	$(VPY) -m pip install --disable-pip-version-check -q -r requirements.txt
	@touch $@

$(DEV_STAMP): requirements-dev.txt requirements.txt | $(VPY)
	$(VPY) -m pip install --disable-pip-version-check -q -r requirements-dev.txt
	@touch $@ $(RUN_STAMP)

# Compile what the pages use into .jax_cache/ once, so the first slider move is instant.
WARM_STAMP := .jax_cache/warm.stamp
$(WARM_STAMP): $(RUN_STAMP) $(wildcard core/*.py core/scenes/*.py)
	$(VPY) -m core.runtime
	@touch $@

warm: $(WARM_STAMP)

# Re-pin requirements.txt from requirements.in in a fresh venv (run it on 3.11 and 3.12 and
# merge any pin that differs with a python_version marker, as scipy's is).
lock: | check-python
	rm -rf .lock-venv && $(PYTHON) -m venv .lock-venv
	.lock-venv/bin/pip install -q -r requirements.in
	.lock-venv/bin/pip freeze > requirements.lock.new && rm -rf .lock-venv
	@echo "wrote requirements.lock.new: compare it with requirements.txt and replace"

# A container (needs a Docker engine): docker run --rm -p 8501:8501 regularization-landscapes
docker:
	docker build -t regularization-landscapes .

run: $(RUN_STAMP) $(WARM_STAMP)
	$(VENV)/bin/streamlit run app.py --server.address $(HOST) --server.port $(PORT)

# Browser tests drive the system Chromium (never a Playwright-downloaded one), with a colour
# emoji font so that screenshots show the navigation's emoji icons as a student's browser
# does (without it: empty boxes).
EMOJI_FONT := /usr/share/fonts/truetype/noto/NotoColorEmoji.ttf
chromium:
	@if [ -x "$(CHROMIUM)" ]; then \
	  echo "chromium: $(CHROMIUM) present"; \
	elif [ "$$(id -u)" = 0 ]; then \
	  echo "chromium: $(CHROMIUM) missing, installing it with apt-get"; \
	  apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y chromium; \
	else \
	  echo "warning: $(CHROMIUM) missing and not root: browser tests will skip" \
	       "(or fail under CI=true). Install it with: sudo apt-get install chromium" >&2; \
	fi
	@if [ ! -f "$(EMOJI_FONT)" ] && [ "$$(id -u)" = 0 ]; then \
	  echo "chromium: installing fonts-noto-color-emoji with apt-get"; \
	  { apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y \
	      fonts-noto-color-emoji; } || echo "warning: no emoji font: screenshots show" \
	      "empty boxes for the navigation icons" >&2; \
	fi

# pytest exits 5 when it collects no test: report that loudly, but do not fail.
define pytest
	@rc=0; $(VPY) -m pytest $(1) $(PYTEST_ARGS) || rc=$$?; \
	if [ $$rc -eq 5 ]; then echo "warning: pytest collected no tests in '$(1)'" >&2; \
	elif [ $$rc -ne 0 ]; then exit $$rc; fi
endef

lint: $(DEV_STAMP)
	$(VENV)/bin/ruff check .

test: $(DEV_STAMP) chromium nginx postgresql lint
	$(call pytest,tests)

test-unit: $(DEV_STAMP) postgresql
	$(call pytest,tests/unit)

test-app: $(DEV_STAMP)
	$(call pytest,tests/app)

test-browser: $(DEV_STAMP) chromium nginx
	$(call pytest,tests/browser)

bench: $(DEV_STAMP) chromium nginx
	@if [ -f bench/run.py ]; then PYTHONPATH=. $(VPY) bench/run.py $(BENCH_ARGS); \
	else echo "error: bench/run.py does not exist yet" >&2; exit 1; fi

# A class on one server, and on two replicas behind Debian's nginx (bench/class_bench.py).
bench-class: $(DEV_STAMP) nginx
	PYTHONPATH=. $(VPY) bench/class_bench.py $(BENCH_ARGS)

# A class room: 30 and 60 students answer through nginx and two replicas, on SQLite and on
# Debian's PostgreSQL, and a replica SIGKILLed mid-question (bench/room_bench.py).
bench-room: $(DEV_STAMP) nginx postgresql
	PYTHONPATH=. $(VPY) bench/room_bench.py $(BENCH_ARGS)

nginx:
	@if command -v nginx >/dev/null || [ -x /usr/sbin/nginx ]; then echo "nginx: present"; \
	elif [ "$$(id -u)" = 0 ]; then \
	  apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y nginx-light \
	    || DEBIAN_FRONTEND=noninteractive apt-get install -y nginx; \
	else echo "warning: nginx missing and not root: no replica run" >&2; fi

# The class rooms' tests run against SQLite and against Debian's PostgreSQL server, which
# they start themselves on a free loopback port (tests/services.py).
postgresql:
	@if ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1; then echo "postgresql: present"; \
	elif [ "$$(id -u)" = 0 ]; then \
	  apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y postgresql; \
	else echo "warning: PostgreSQL missing and not root: its tests skip (or fail under" \
	          "CI=true). Install it with: sudo apt-get install postgresql" >&2; fi

clean:
	rm -rf .pytest_cache .ruff_cache .jax_cache test-results playwright-report
	find . -path ./$(VENV) -prune -o -name __pycache__ -type d -print0 | xargs -0 rm -rf

distclean: clean
	rm -rf $(VENV)
