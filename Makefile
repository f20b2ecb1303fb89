# Warmpath: `make dev` runs everything locally, `make test` checks everything.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-$(shell cat pyproject.toml | cksum | cut -d' ' -f1)

.PHONY: dev test install lint format typecheck template browser unit integration e2e bench bench-scale requirements build deploy clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# Reinstall whenever pyproject.toml changes (the stamp's name carries its checksum).
$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	rm -f $(VENV)/.installed-*
	touch $(STAMP)

install: $(STAMP)

dev: install
	$(BIN)/python -m warmpath_local

test: install lint typecheck template browser
	$(BIN)/pytest

# The browser tests drive Debian's Chromium (Playwright cannot download its own here). Installed when missing
# and possible (root with apt); otherwise the browser tests skip, saying why, and everything else still runs.
browser:
	@test -x /usr/bin/chromium || { command -v apt-get >/dev/null && [ "$$(id -u)" = 0 ] && \
		(apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null) \
		|| echo "WARNING: Chromium could not be installed: the browser tests will be skipped."; }

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

typecheck: install
	$(BIN)/mypy layers tools functions bench

template: install
	$(BIN)/cfn-lint infra/template.yaml

unit: install
	$(BIN)/pytest tests/unit

integration: install
	$(BIN)/pytest tests/integration

e2e: install
	$(BIN)/pytest tests/e2e

bench: install
	$(BIN)/python bench/run.py

# Opt-in, never in `make test` or CI: matching at 1,000,000 ties on dynalite (npm, pinned in
# .bench/dynalite/package.json), loaded once into .bench/out/ (long: see the README). BENCH_MATCH_SCALE=0.1 for less.
bench-scale: install
	npm install --prefix .bench/dynalite --no-audit --no-fund --silent
	$(BIN)/python bench/scale_bench.py

requirements: install
	$(BIN)/python -m warmpath_local.layer

build: requirements
	sam build --template-file infra/template.yaml

deploy: build
	sam deploy --guided

clean:
	rm -rf $(VENV) .aws-sam .pytest_cache .mypy_cache .ruff_cache .warmpath
