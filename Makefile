# lintas — everyday commands. Each target sets up what it needs (virtualenv, packages;
# the tests and the demo start their own Kafka broker from Maven Central jars).

PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-$(shell cksum pyproject.toml | cut -d' ' -f1)

.PHONY: help install demo test test-unit test-integration bench fuzz faults lint typecheck clean

help:
	@echo "make demo        run the pipeline end to end once (starts and stops its own Kafka)"
	@echo "make test        run the whole test suite (real Kafka broker and PostgreSQL)"
	@echo "make test-unit   only the tests that need no broker"
	@echo "make bench       measure throughput ratios (see docs/benchmarks.md)"
	@echo "make fuzz        20,000 hostile payloads per partner through the CLI and the agent"
	@echo "make faults      processes SIGKILLed, the broker restarted and frozen, the view's database"
	@echo "                 stopped and a webhook flood, under load; figures into docs/reliability.md"
	@echo "make lint        ruff, mypy, the import contract and function sizes (docs/architecture.md)"

$(STAMP): pyproject.toml
	@command -v java >/dev/null || { echo "lintas needs Java 17+ to run Kafka (Debian: apt install openjdk-17-jre-headless)"; exit 1; }
	@command -v mvn >/dev/null || { echo "lintas needs Maven to fetch the Kafka jars (Debian: apt install maven)"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[dev,postgres]"
	rm -f $(VENV)/.installed-*
	touch $@

install: $(STAMP)

demo: install
	$(BIN)/lintas demo

test: install
	$(BIN)/pytest

test-unit: install
	$(BIN)/pytest -m "not integration"

test-integration: install
	$(BIN)/pytest -m integration

bench: install
	$(BIN)/python -m bench

fuzz: install
	$(BIN)/python -m tools.fuzz --per-partner $(or $(FUZZ_PER_PARTNER),20000)

faults: install
	$(BIN)/python -m tests.faults

lint: install
	$(BIN)/ruff check .
	$(BIN)/python -m tools.typecheck
	$(BIN)/python -m tools.importcontract
	$(BIN)/python -m tools.functionsize

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache .hypothesis build
