# Two commands set everything up on a fresh machine: `make demo` and `make test`.
# Both create .venv and install what they need; nothing is expected to be installed by hand.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# Kind environments (stock packages of python:3.x) and built images are cached here, so they are built
# once per checkout rather than once per test.
export JUPYTER_FAAS_CACHE ?= $(CURDIR)/.cache/jupyter-faas
STAMP := $(VENV)/.installed
# The JupyterLab sidebar: pip install builds it (hatch-jupyter-builder), so its sources are inputs of install.
LABEXT_SOURCES := package.json $(wildcard labextension/src/*.ts labextension/src/*.tsx labextension/src/*/*.ts labextension/src/*/*.tsx labextension/style/*)
# The browser of tests/ui (Playwright drives Debian's Chromium; Playwright's own download cannot work here).
CHROMIUM := /usr/bin/chromium
# Test files spread over workers (pytest-xdist), each file's tests on one worker (they share fixtures).
WORKERS := -n auto --maxprocesses 4 --dist loadfile
SUDO := $(if $(filter 0,$(shell id -u)),,sudo)

.PHONY: demo demo-serve test install lint typecheck pytest pytest-portable labtest bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): pyproject.toml $(LABEXT_SOURCES) | $(BIN)/python
	@# a changed package.json (dependencies) is not seen by the builder's sources-newer-than-build check
	@if [ package.json -nt jupyter_faas/labextension/package.json ]; then rm -rf jupyter_faas/labextension; fi
	$(BIN)/python -m pip install --quiet -e '.[dev,samples]'
	# The BlazePose model files ship inside mediapipe's wheel; it pins numpy<2 and protobuf<5, so it is
	# installed without its dependencies and never imported (pip's "requires numpy<2" warning is expected).
	$(BIN)/python -m pip install --quiet --no-deps 'mediapipe==0.10.21'
	touch $@

install: $(STAMP)

node_modules/.installed: package.json
	npm install --no-audit --no-fund --loglevel=error
	touch $@

$(CHROMIUM):
	$(SUDO) apt-get update -q
	DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -q chromium

lint: install node_modules/.installed
	$(BIN)/ruff check jupyter_faas tests bench samples
	$(BIN)/ruff format --check jupyter_faas tests bench samples
	npm run --silent lint

typecheck: install
	$(BIN)/mypy

labtest: node_modules/.installed
	npm test --silent

pytest: install node_modules/.installed $(CHROMIUM)
	$(BIN)/python -m pytest -q -p no:cacheprovider $(WORKERS)

# The runtime and engine tests again on the paths macOS takes (no epoll, cgroup, zygote, subreaper or /proc
# read of ours; runtime/host.py), so that a Linux machine keeps them working.
pytest-portable: install node_modules/.installed
	JUPYTER_FAAS_PORTABLE=1 $(BIN)/python -m pytest -q -p no:cacheprovider $(WORKERS) tests/runtime tests/engine

test: lint typecheck labtest pytest pytest-portable

demo: install
	$(BIN)/python samples/demo.py

# The demo, then its engine kept running so that the printed page URL works in a browser (Ctrl-C stops it).
demo-serve: install
	$(BIN)/python samples/demo.py --serve

# Each benchmark prints medians and ratios against a baseline measured in the same run (README: Benchmarks).
bench: install
	for b in engine client build pipeline web scale body_crop; do $(BIN)/python bench/$$b.py || exit 1; done

clean:
	rm -rf $(VENV) node_modules .cache
