# nnFT: `make run` opens the wizard on the demo workspace, `make test` runs the whole suite.
# Both create .venv and install everything into it first (pinned versions: constraints.txt).

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.nnft-installed
PYTEST_ARGS ?=

.PHONY: install run test lint bench demo chain screenshots translations clean

# The translations are compiled here (PySide6's pyside6-lrelease, in the venv) into .qm files
# next to their .ts sources, which the package ships (package-data: translations/*); the .qm
# are not committed. Build them before a wheel (`make install`, then `pip wheel .`).
TS_FILES := $(wildcard resources/translations/*.ts)
QM_FILES := $(TS_FILES:.ts=.qm)

install: $(STAMP) $(QM_FILES)

%.qm: %.ts $(STAMP)
	$(BIN)/pyside6-lrelease -silent $< -qm $@

# mypy cannot see core/ as nnft.core through setuptools' editable import hook: it reads the
# links in $(VENV)/mypy-path instead (mypy_path in pyproject.toml).
$(STAMP): pyproject.toml constraints.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --constraint constraints.txt --editable '.[test]'
	mkdir -p $(VENV)/mypy-path/nnft
	ln -sfn ../../../core $(VENV)/mypy-path/nnft/core
	ln -sfn ../../../resources $(VENV)/mypy-path/nnft/resources
	touch $(STAMP)

run: install
	$(BIN)/nnft-wizard --demo

test: install
	$(BIN)/ruff check .
	$(BIN)/mypy
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check .
	$(BIN)/mypy

# nnFT against its anchors (nnU-Net's own commands, a bare Qt window) on generated data: one
# table, benchmarks/last_run.json; ~15 minutes on 2 cores. BENCH_ARGS="--quick" for a smoke run,
# "--only startup,preflight" for some rows. Not part of `make test`.
BENCH_ARGS ?=
bench: install
	$(BIN)/python -m benchmarks.run $(BENCH_ARGS)

# The whole chain on the demo workspace, headless, as a quick trial on the CPU (~3 minutes, and
# the from-scratch baseline about as long again as the fine-tuning: the results page compares).
chain: install
	rm -rf demo_workspace
	$(BIN)/nnft demo demo_workspace
	$(BIN)/nnft run --workspace demo_workspace --pretrain 1 --finetune 2 --config 2d \
		--epochs 2 --iterations 5 --device cpu --baseline

# Render every wizard page of a finished demo chain to docs/screenshots (needs `make chain`);
# the Cluster page is then shot during a real run on the test Slurm (tests/slurm; needs root),
# the run report in chromium (10_report.png).
screenshots: install
	QT_QPA_PLATFORM=offscreen $(BIN)/nnft-wizard --workspace demo_workspace \
		--screenshot-dir docs/screenshots
	NNFT_SCREENSHOT_DIR=docs/screenshots QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest -q \
		-p no:cacheprovider tests/slurm/test_cluster_page.py -k finish
	NNFT_SCREENSHOT_DIR=docs/screenshots $(BIN)/python -m pytest -q -p no:cacheprovider \
		tests/integration/test_report.py -k browser

# Refresh the translation sources (Qt Linguist .ts) from gui/ and compile them (.qm).
translations: install
	$(BIN)/pyside6-lupdate $$(find gui -name '*.py' | sort) -ts resources/translations/nnft_zh_CN.ts
	$(BIN)/pyside6-lrelease resources/translations/nnft_zh_CN.ts

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache .ruff_cache .mypy_cache demo_workspace
