# Quick start:  make run   (the sample suite against the embedded shop + HTML report)
#               make test  (the framework's own tests and checks)

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
ALLURE := tools/allure/node_modules/.bin/allure
RESULTS := reports/allure-results
REPORT := reports/allure-report
# Extra arguments for behave, e.g. make run ARGS="--tags=@checkout" or ARGS="-D env=postgres"
ARGS ?=

.PHONY: run report test lint format clean

run: $(BIN)/.installed $(ALLURE)
	rm -rf $(RESULTS)
	status=0; $(BIN)/behave $(ARGS) || status=$$?; \
	$(MAKE) --no-print-directory report; \
	exit $$status

report: $(ALLURE)
	rm -rf $(REPORT)
	$(ALLURE) generate $(RESULTS) --config tools/allure/allurerc.mjs -o $(REPORT) >/dev/null
	@echo "Allure report: $(REPORT)/index.html (serve it: $(BIN)/python -m http.server -d $(REPORT))"

test: $(BIN)/.installed-dev $(ALLURE)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python -m pytest

lint: $(BIN)/.installed-dev
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

$(BIN)/.installed: requirements.txt shop/requirements.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.txt
	touch $@

$(BIN)/.installed-dev: $(BIN)/.installed requirements-dev.txt
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $@

$(ALLURE): tools/allure/package.json tools/allure/package-lock.json
	npm ci --prefix tools/allure --no-audit --no-fund --loglevel=error
	touch $@

clean:
	rm -rf $(RESULTS) $(REPORT) reports/service-logs
