# ecomwatch — the two commands a newcomer needs: `make demo` and `make test`.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
BIN    := $(VENV)/bin
# Re-install whenever the project's declared dependencies change.
STAMP  := $(VENV)/.installed-$(shell cat pyproject.toml | cksum | cut -d' ' -f1)

.PHONY: demo test lint bench bench-review install clean help

help:
	@echo "make demo   - install, start the demo marketplace, crawl it, print flagged listings (ARGS=... for ecomwatch demo)"
	@echo "make test   - install with test extras, run ruff and pytest (slow benchmarks excluded)"
	@echo "make bench  - run the storage, rules and crawl benchmarks in bench/"
	@echo "make bench-review - seed 1,000,000 listings in PostgreSQL and load-test the review UI (slow)"

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(STAMP): $(BIN)/python pyproject.toml
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	rm -f $(VENV)/.installed-* && touch $@

install: $(STAMP)

demo: $(STAMP)
	$(BIN)/ecomwatch demo $(ARGS)

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

test: lint
	$(BIN)/python -m pytest -m "not slow" $(PYTEST_ARGS)

# Each bench exits non-zero when it misses its target; run them all regardless (the leading '-').
bench: $(STAMP)
	-$(BIN)/python bench/storage.py
	-$(BIN)/python bench/rules.py
	-$(BIN)/python bench/crawl.py

bench-review: $(STAMP)
	$(BIN)/python bench/review.py

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache *.egg-info
