# Two entry points a newcomer needs: `make run` and `make test`. Both build .venv on first use.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: run demo test lint bench content-map check-content clean

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit("Python 3.11+ is required, found " + sys.version.split()[0]) if sys.version_info < (3, 11) else None'
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	@$(PY) -m pip install --quiet --disable-pip-version-check --upgrade pip
	@$(PY) -m pip install --quiet --disable-pip-version-check -e '.[dev]'
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
