# Two entry points a newcomer needs: `make run` and `make test`. Both build .venv on first use.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: run demo test lint bench content-map check-content clean

# First use: progress on one line, not pip's screen of notices; everything pip said goes to
# .venv/install.log, and its last lines are shown if it fails.
LOG := $(VENV)/install.log
PIP := $(PY) -m pip install --disable-pip-version-check --no-input
$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit("Python 3.11+ is required, found " + sys.version.split()[0]) if sys.version_info < (3, 11) else None'
	@test -x $(PY) || { echo "Setting up .venv (first run: a few minutes; details in $(LOG))"; $(PYTHON) -m venv $(VENV); }
	@: > $(LOG)
	@printf '  updating pip... '; \
	  $(PIP) --upgrade pip >> $(LOG) 2>&1 || { echo failed; tail -n 30 $(LOG); exit 1; }; echo ok
	@{ $(PIP) -e '.[dev]' 2>&1; echo "exit $$?"; } | tee -a $(LOG) | awk ' \
	  /^Collecting / { n++; printf "\r  installing Spasm Guide and its dependencies: %d packages", n; fflush() } \
	  /^Installing collected/ { printf "\r  installing Spasm Guide and its dependencies: %d packages, unpacking", n; fflush() } \
	  /^exit / { rc = $$2 } \
	  END { printf "\r  installing Spasm Guide and its dependencies: %d packages, %-9s\n", n, (rc == 0 ? "done" : "failed"); exit rc }' \
	  || { tail -n 30 $(LOG); echo "pip failed: the whole log is in $(LOG)"; exit 1; }
	@touch $(STAMP)

# The real bot when TELEGRAM_BOT_TOKEN is set, otherwise the terminal demo.
run: $(STAMP)
	@if [ -n "$$TELEGRAM_BOT_TOKEN" ]; then exec $(PY) main.py run; else exec $(PY) main.py demo; fi

demo: $(STAMP)
	@$(PY) main.py demo

test: $(STAMP)
	$(PY) -m pytest -q

lint: $(STAMP)
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	$(PY) -m mypy

bench: $(STAMP)
	$(PY) -m bench

check-content: $(STAMP)
	@$(PY) main.py check-content

content-map: $(STAMP)
	@$(PY) main.py content-map

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
