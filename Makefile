# Everything a person runs, in one place. `make demo` and `make test` are the README's Quick start.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin

.PHONY: install setup demo test test-min lint check-defs dev bench clean

$(BIN)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[dev]'
	touch $@

install: $(BIN)/.installed

## setup: venv, install, embedded Dagster home and warehouse migrations
setup: install
	$(BIN)/jobboard setup

## demo: the main job on the embedded default: 30 simulated days of 33 boards through Dagster
demo: setup
	$(BIN)/jobboard demo --days 30

## dev: the simulated market and `dagster dev` (UI on http://127.0.0.1:3000, schedule and sensors on)
dev: setup
	$(BIN)/jobboard dev

## test: the whole suite (set JOBBOARD_TEST_POSTGRES_URL to include PostgreSQL); three xdist
## workers on 2 CPUs: a third of a worker's time is spent waiting on daemons' ticks
test: install
	$(BIN)/pytest -q -ra -n 3 --dist loadgroup --durations=15

## test-min: the suite once on the lowest versions pyproject.toml allows (constraints-min.txt)
MIN_VENV ?= .venv-min
test-min:
	$(PYTHON) -m venv $(MIN_VENV)
	$(MIN_VENV)/bin/pip install -q --upgrade pip
	$(MIN_VENV)/bin/pip install -q -c constraints-min.txt -e '.[dev]'
	$(MIN_VENV)/bin/pytest -q -ra -n 2 --dist loadgroup -p no:cacheprovider

## lint: formatting, lint rules, the type check and the import floors (ruff, mypy, import-linter;
## settings in pyproject.toml),
## then check-defs
lint: install
	$(BIN)/ruff format --check jobboard_assets jobboard_assets_tests benchmarks
	$(BIN)/ruff check jobboard_assets jobboard_assets_tests benchmarks
	$(BIN)/mypy
	$(BIN)/lint-imports
	$(MAKE) --no-print-directory check-defs

## check-defs: `dg check defs`: the code location loads from defs/ (on a throw-away Dagster home)
check-defs: install
	@home=$$(mktemp -d) && touch $$home/dagster.yaml && \
	  DAGSTER_HOME=$$home VIRTUAL_ENV=$(CURDIR)/$(VENV) $(BIN)/dg check defs; \
	  status=$$?; rm -rf $$home; exit $$status

## bench: every benchmark against the simulator on loopback; figures in benchmarks/results/*.json
bench: setup
	$(BIN)/python benchmarks/bench_floor.py --repeats 3
	$(BIN)/python benchmarks/bench_instance.py --repeats 3
	$(BIN)/python benchmarks/bench_history.py --repeats 3
	$(BIN)/python benchmarks/bench_daily_cost.py --repeats 3 --boards 100
	$(BIN)/python benchmarks/bench_scale.py --repeats 3
	$(BIN)/python benchmarks/bench_metrics.py --repeats 3
	$(BIN)/python benchmarks/bench_breadth.py --boards 1000
	$(BIN)/python benchmarks/bench_partitions.py --history-days 60 --repeats 3
	$(BIN)/python benchmarks/bench_automation.py --boards 33 1000
	$(BIN)/python benchmarks/bench_scale_out.py --boards 1000 --workers 2 --profile
	$(BIN)/python benchmarks/bench_api.py --rows 1000000 --boards 1000 --clients 8 --rounds 20

clean:
	rm -rf .jobboard
