# dermclaims: `make help` lists the targets. `make demo` and `make test` do all set-up on a fresh machine.
.DEFAULT_GOAL := help
SHELL := /bin/bash
VENV := .venv/bin
PYTEST_OPTS ?=

.PHONY: help setup demo test test-unit test-integration lint fmt typecheck up down run bench schemas docs examples clean

help: ## Show this help
	@grep -hE '^[a-zA-Z_-]+:.*?## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*?## "}; {printf "  \033[36m%-18s\033[0m %s\n", $$1, $$2}'

setup: ## Create .venv, install pinned dependencies, Kafka jars (Maven) and Prometheus (Debian)
	@./scripts/setup.sh

demo: setup ## Run the whole job on the local Kafka: sample claims and remits in, findings and rework queue out
	@$(VENV)/dermclaims demo

test: setup lint typecheck ## Lint, type-check, then the whole test suite (unit, rules, real Kafka and Prometheus)
	$(VENV)/pytest $(PYTEST_OPTS)

test-unit: setup ## Run only the tests that need no broker
	$(VENV)/pytest -m "not integration and not prometheus" $(PYTEST_OPTS)

test-integration: setup ## Run only the real-broker tests
	$(VENV)/pytest -m "integration or prometheus" $(PYTEST_OPTS)

lint: ## ruff lint and format check; import-linter holds the engine's layers (pyproject.toml [tool.importlinter])
	$(VENV)/ruff check .
	$(VENV)/ruff format --check .
	PYTHONPATH=. $(VENV)/lint-imports

fmt: ## Format and autofix with ruff
	$(VENV)/ruff format .
	$(VENV)/ruff check --fix .

typecheck: ## mypy --strict (tests, scripts and benchmarks with relaxed annotations)
	$(VENV)/mypy rules schemas workers tests scripts benchmarks

up: setup ## Start the project's local Apache Kafka (KRaft, 127.0.0.1:9092)
	$(VENV)/dermclaims kafka up

down: ## Stop the local Kafka
	$(VENV)/dermclaims kafka down

run: up ## Create topics and run the worker in the foreground
	$(VENV)/dermclaims worker

bench: setup ## Rule-engine benchmark (100,000 claims)
	$(VENV)/python -m benchmarks.bench_engine

schemas: ## Re-export schemas/json from the pydantic models
	$(VENV)/python scripts/export_schemas.py

docs: ## Regenerate docs/rules.md from the rule docstrings and docs/coverage.md from the code homes
	PYTHONPATH=. $(VENV)/python scripts/gen_rules_doc.py
	PYTHONPATH=. $(VENV)/python scripts/gen_coverage.py

examples: ## Regenerate examples/*.jsonl
	$(VENV)/python scripts/make_examples.py

clean: ## Remove caches (not the Kafka jar cache)
	rm -rf .pytest_cache .mypy_cache .ruff_cache build *.egg-info
