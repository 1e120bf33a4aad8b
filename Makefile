# photoarchive — two commands: `make run` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: install run test bench lint clean demo screenshots

install: $(STAMP)

# Rebuilt when pyproject.toml changes (a "stale" venv).
$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	@touch $(STAMP)

run: install
	$(BIN)/photoarchive

test: install
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest -q

# The benchmarks also install sigal (figure 7 measures our export against it).
BENCH_STAMP := $(VENV)/.installed-bench
$(BENCH_STAMP): $(STAMP)
	$(BIN)/python -m pip install --quiet -e '.[test,bench]'
	@touch $(BENCH_STAMP)

bench: $(BENCH_STAMP)
	$(BIN)/python -m benchmarks $(BENCH_ARGS)

# The demonstration set (../shared/sample) in a catalog of its own, opened in the window.
DEMO := $(CURDIR)/.demo/demo.sqlite
demo: install
	$(BIN)/python scripts/demo_catalog.py $(DEMO)
	$(BIN)/photoarchive gui --catalog $(DEMO)

# The README's pictures, made from the demonstration catalog.
screenshots: install
	rm -rf .demo && $(BIN)/python scripts/demo_catalog.py $(DEMO)
	$(BIN)/photoarchive gui --catalog $(DEMO) --screenshot docs/screenshots/grid.png --select 6
	$(BIN)/photoarchive gui --catalog $(DEMO) --screenshot docs/screenshots/viewer.png --select 6 --view viewer

lint: install
	$(BIN)/ruff check photoarchive tests

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache
