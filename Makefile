# Warmpath: `make dev` runs everything locally, `make test` checks everything.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-$(shell cat pyproject.toml | cksum | cut -d' ' -f1)
STAGE  ?= prod

.PHONY: dev test install lint format typecheck template browser unit integration e2e bench bench-scale requirements build deploy check-deploy clean

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

# The template as CloudFormation sees it: translated by aws-sam-translator (offline) and checked - cfn-lint,
# deploy limits and retry safety (tools/warmpath_template/checks.py), checkov with the reviewed skips in
# infra/checkov-skips.yaml. The translator and checkov pin boto3/pydantic versions that clash with the
# project's, so each has its own environment under .venv-tools, rebuilt when its pins change.
TRANSLATOR      := .venv-tools/translator
TRANSLATOR_PINS := tools/warmpath_template/requirements-translator.txt
TRANSLATOR_STAMP := $(TRANSLATOR)/.installed-$(shell cat $(TRANSLATOR_PINS) | cksum | cut -d' ' -f1)
CHECKOV         := .venv-tools/checkov
CHECKOV_PINS    := tools/warmpath_template/requirements-checkov.txt
CHECKOV_STAMP   := $(CHECKOV)/.installed-$(shell cat $(CHECKOV_PINS) | cksum | cut -d' ' -f1)
TRANSLATED      := .aws-sam/translated.json

$(TRANSLATOR_STAMP): $(TRANSLATOR_PINS)
	rm -rf $(TRANSLATOR)
	$(PYTHON) -m venv $(TRANSLATOR)
	$(TRANSLATOR)/bin/python -m pip install --quiet -r $(TRANSLATOR_PINS)
	touch $@

$(CHECKOV_STAMP): $(CHECKOV_PINS)
	rm -rf $(CHECKOV)
	$(PYTHON) -m venv $(CHECKOV)
	$(CHECKOV)/bin/python -m pip install --quiet -r $(CHECKOV_PINS)
	touch $@

template: install $(TRANSLATOR_STAMP) $(CHECKOV_STAMP)
	$(BIN)/cfn-lint infra/template.yaml
	$(TRANSLATOR)/bin/python tools/warmpath_template/translate.py infra/template.yaml $(TRANSLATED)
	@# W1020: SAM resolves the layer's name with the parameter values into a Sub with no variables left.
	$(TRANSLATOR)/bin/cfn-lint --ignore-checks W1020 -- $(TRANSLATED)
	$(BIN)/python tools/warmpath_template/checks.py $(TRANSLATED)
	$(BIN)/python tools/warmpath_template/checkov_run.py $(CHECKOV)/bin/checkov $(TRANSLATED)

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

# The SAM CLI in its own virtual environment: it pins boto3[crt] and pydantic versions that clash with the
# project's. The stamp's name carries the version, so changing SAM_VERSION reinstalls it.
SAM_VERSION := 1.170.0
SAM_VENV    := .venv-tools/sam
SAM         := $(SAM_VENV)/bin/sam
SAM_STAMP   := $(SAM_VENV)/.installed-$(SAM_VERSION)

$(SAM_STAMP):
	rm -rf $(SAM_VENV)
	$(PYTHON) -m venv $(SAM_VENV)
	$(SAM_VENV)/bin/python -m pip install --quiet --upgrade pip
	$(SAM_VENV)/bin/python -m pip install --quiet aws-sam-cli==$(SAM_VERSION)
	touch $@

# No Docker and no python3.12 needed: every function and the layer use `BuildMethod: makefile`
# (functions/*/Makefile, layers/Makefile); the layer's wheels are chosen for Lambda's arm64 Python 3.12 by pip's
# --platform/--python-version/--only-binary, run with the project's pip (LAYER_PIP).
build: requirements $(SAM_STAMP)
	SAM_CLI_TELEMETRY=0 LAYER_PIP="$(abspath $(BIN))/python -m pip" \
		$(SAM) build --template-file infra/template.yaml

# --parameter-overrides are the guided prompts' defaults: the stage and its signing keys follow STAGE.
deploy: build
	SAM_CLI_TELEMETRY=0 $(SAM) deploy --guided --stack-name warmpath-$(STAGE) \
		--parameter-overrides Stage=$(STAGE) SigningKeysParameter=/warmpath/$(STAGE)/signing-keys

# After a deploy: what is in place and what is still missing (with the command to fix each); exit 0 when nothing is.
check-deploy: install
	PYTHONPATH=tools $(BIN)/python -m warmpath_deploy --stage $(STAGE)

clean:
	rm -rf $(VENV) .venv-tools .aws-sam .pytest_cache .mypy_cache .ruff_cache .warmpath
