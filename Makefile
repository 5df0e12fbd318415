# Quick start:  make run   (the sample suite against the embedded shop + HTML report)
#               make test  (the framework's own tests and checks)

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# The pinned Allure 3 renderer (handoff/report/renderer), installed by `handoff report` once into
# ~/.cache/handoff/ (HANDOFF_RENDERER_DIR chooses another folder); this stamp says it is there.
ALLURE := $(VENV)/.renderer-installed
RESULTS := reports/allure-results
REPORT := reports/allure-report
HISTORY := reports/allure-history.jsonl
RERUN_FILE := reports/rerun.txt
# make report SINGLE_FILE=1 -> one self-contained HTML file to share, in reports/allure-report-single/
SINGLE_FILE ?=
REPORT_OUT := $(if $(filter 1,$(SINGLE_FILE)),reports/allure-report-single,$(REPORT))
# The console formatter (behave.ini adds the Allure one; make adds "rerun" for make rerun)
FORMAT ?= pretty
# Extra arguments for behave, e.g. make run ARGS="--tags=@checkout" or ARGS="-D env=postgres"
ARGS ?=
# Parallel and sharded runs (README, "Parallel and distributed runs"):
# make run JOBS=4 (4 worker processes), make run SHARD=2/4 (the 2nd quarter of the suite, for CI jobs)
JOBS ?=
SHARD ?=
BEHAVE := $(if $(JOBS)$(SHARD),$(BIN)/python -m behave --runner=handoff.parallel.runner:ParallelRunner --jobs $(or $(JOBS),1)$(if $(SHARD), -D shard=$(SHARD)),$(BIN)/behave)
# make bench BENCH_ARGS="--quick" (README, "Performance"; bench/run.py --help)
BENCH_ARGS ?=

.PHONY: run rerun report test lint format clean clean-history bench steps soak

# Exits with behave's status, except 0 when only quarantined scenarios failed (README, Reliability).
run: $(BIN)/.installed
	rm -rf $(RESULTS) $(RERUN_FILE)
	status=0; $(BEHAVE) -f rerun -o $(RERUN_FILE) -f $(FORMAT) $(ARGS) || status=$$?; \
	outcome=0; $(BIN)/python -m handoff.report.results after-run $(RESULTS) --behave-status $$status || outcome=$$?; \
	$(MAKE) --no-print-directory report; \
	exit $$outcome

# Reruns only the scenarios that failed in the last run, into the same results and report.
# Status: 0 nothing to rerun, 1 failures remain, 3 all passed but some only on a rerun (flaky);
# make itself exits 2 on either failure and shows the number in its "Error N" line.
rerun: $(BIN)/.installed
	@# One shell: an "exit 0" in a recipe line of its own would end only that line. behave reads
	@# the paths in an @file relative to that file's folder, so the rerun list gets absolute ones.
	@if ! grep -qv '^#' $(RERUN_FILE) 2>/dev/null; then echo "rerun: no failed scenarios in $(RERUN_FILE)"; exit 0; fi; \
	sed -e '/^#/d' -e 's|^\([^/]\)|$(CURDIR)/\1|' $(RERUN_FILE) > reports/rerun-input.txt; \
	status=0; $(BIN)/behave -f rerun -o $(RERUN_FILE) -f $(FORMAT) $(ARGS) @reports/rerun-input.txt || status=$$?; \
	outcome=0; $(BIN)/python -m handoff.report.results after-rerun $(RESULTS) --behave-status $$status || outcome=$$?; \
	$(MAKE) --no-print-directory report; \
	exit $$outcome

# Rendering again replaces this run's point in the history instead of adding a second one.
# Without Node and npm it says how to render later, and the results stay.
report: $(BIN)/.installed
	$(BIN)/handoff report --results $(RESULTS) --output $(REPORT_OUT) --history $(HISTORY)$(if $(filter 1,$(SINGLE_FILE)), --single-file)

test: $(BIN)/.installed-dev $(ALLURE)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python -m pytest

# The whole suite 20 times in a row, each in a new shuffled order; stops at the first failure
# with its seed (never part of make test). make soak SOAK_ARGS="--runs 5 -D env=postgres"
SOAK_ARGS ?=
soak: $(BIN)/.installed
	$(BIN)/python tools/soak.py $(SOAK_ARGS)

# Measures the framework against a raw loop and its peers (never part of make test).
bench: $(BIN)/.installed
	$(BIN)/python bench/run.py $(BENCH_ARGS)
	$(BIN)/python bench/tracing.py $(BENCH_ARGS)

# The step catalog, docs/steps.md, from the registered steps, and the phrases defined in Gherkin as
# stand-ins for editors' completion (.handoff/editor_phrases.py); a test fails when either is stale.
steps: $(BIN)/.installed
	$(BIN)/handoff steps --features features --features tests --output docs/steps.md --editor-glue .handoff/editor_phrases.py

# What a new version of an API description would break, from the last run's exchanges:
#   make contracts-diff OLD=contracts/orders.yaml NEW=contracts/orders-next.yaml [SERVICE=orders]
.PHONY: contracts-diff
contracts-diff: $(BIN)/.installed
	@test -n "$(OLD)" -a -n "$(NEW)" || { echo "usage: make contracts-diff OLD=<description> NEW=<description> [SERVICE=<name>]"; exit 2; }
	$(BIN)/handoff contracts diff "$(OLD)" "$(NEW)" $(if $(SERVICE),--service "$(SERVICE)")

# The docker environment (README, "Running in Docker"): an engine, the offline images, cleanup.
.PHONY: docker-engine docker-images docker-down
docker-engine:
	bash docker/start-engine.sh

# The base image and the wheels; the service images are built (or found by tag) when a run starts.
docker-images: $(BIN)/.installed
	$(BIN)/python docker/prepare.py

# Removes every container and volume of any run, kept stacks included (images stay as the cache).
docker-down: $(BIN)/.installed
	$(BIN)/python -m handoff.containers down

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

$(ALLURE): $(BIN)/.installed handoff/report/renderer/package.json handoff/report/renderer/package-lock.json
	$(BIN)/handoff report --install-renderer
	touch $@

# Keeps the run history (trends between runs); make clean-history forgets it.
clean:
	rm -rf $(RESULTS) $(REPORT) reports/allure-report-single reports/service-logs reports/workers $(RERUN_FILE) reports/rerun-input.txt

clean-history:
	rm -f $(HISTORY)
