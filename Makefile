# gofer.gofer: one entry point for people and CI. Everything installs into .venv.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
CACHE := $(CURDIR)/.cache
COLLECTIONS := $(CACHE)/collections
# ansible-test runs only from .../ansible_collections/gofer/gofer and resolves symlinks: test a copy.
# The copy lives outside this checkout, or ansible-test asks git and skips every ignored file.
TEST_TREE := $(or $(TMPDIR),/tmp)/gofer.gofer-test-$(shell printf %s '$(CURDIR)' | md5sum | cut -c1-8)
ANSIBLE_TEST_ARGS := --venv --python 3.11 --color no
TREE_COLLECTION = $(TEST_TREE)/ansible_collections/gofer/gofer
# Records the reliability tests leave, rendered into docs/reliability.md by tools/reliability.py.
RELIABILITY := $(CACHE)/reliability

.PHONY: help venv install demo test tree sanity units integration cores generated lint docs-lint ee molecule images records reliability bench build-install clean

help:
	@echo "make demo   set up .venv, install the collection, run playbooks/demo.yml on localhost"
	@echo "make test   the whole suite: generated files, ansible-lint, sanity, units, integration, molecule"
	@echo "make bench  converge 1, 10, 50 containers with the role and a conventional one; write docs/performance.md"

$(BIN)/ansible-playbook: requirements-dev.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@

venv: $(BIN)/ansible-playbook

install: venv
	ANSIBLE_COLLECTIONS_PATH=$(COLLECTIONS) $(BIN)/ansible-galaxy collection install --force -p $(COLLECTIONS) . >/dev/null
	@echo "installed gofer.gofer into $(COLLECTIONS)"

demo: install
	ANSIBLE_COLLECTIONS_PATH=$(COLLECTIONS) ANSIBLE_LOCALHOST_WARNING=false \
	  $(BIN)/ansible-playbook -i localhost, -c local playbooks/demo.yml --diff
	@echo; echo "== what was placed under demo/out"
	@find demo/out -mindepth 1 \( -name .encryption_key -prune \) -o -printf '%M %u:%g %p\n' | sort -k3
	@echo; echo "== demo/out/etc/gofer/gofer_web.toml (encryption key masked)"
	@sed -E 's/^(encryption_key = ).*/\1"********"/' demo/out/etc/gofer/gofer_web.toml

# ansible-test's venvs bootstrap pip from a host this machine cannot reach: stand in for it. The file is named after
# the pip each ansible-test pins: 23.1.2 (2.17), 24.2 (2.18, 2.19), 25.2 (2.20, 2.21).
GET_PIP := $(foreach v,23_1_2 24_2 25_2,$(HOME)/.ansible/test/cache/get_pip_$(v).py)
$(HOME)/.ansible/test/cache/get_pip_%.py: tests/utils/get_pip_standin.py
	mkdir -p $(dir $@)
	cp $< $@

tree: venv $(GET_PIP)
	tests/utils/collection_tree.sh $(TEST_TREE) >/dev/null

sanity: tree
	cd $(TREE_COLLECTION) && $(CURDIR)/$(BIN)/ansible-test sanity $(ANSIBLE_TEST_ARGS)

units: tree
	cd $(TREE_COLLECTION) && $(CURDIR)/$(BIN)/ansible-test units $(ANSIBLE_TEST_ARGS) --requirements
	mkdir -p $(RELIABILITY) && cp $(TREE_COLLECTION)/tests/output/junit/*.xml $(TREE_COLLECTION)/tests/output/reliability/*.json $(RELIABILITY)/

integration: tree
	cd $(TREE_COLLECTION) && $(CURDIR)/$(BIN)/ansible-test integration --local --color no
	mkdir -p $(RELIABILITY) && cp $(TREE_COLLECTION)/tests/output/reliability/*.json $(RELIABILITY)/

# The other ansible-core releases the collection claims (2.19 is .venv's, tested by sanity, units and integration):
# each one's sanity, units and the end-to-end integration targets, in a venv of its own, two at a time.
# ansible-core 2.20 and 2.21 need Python 3.12 or later: pyenv's, as installed on these machines.
PYENV_VERSIONS := $(HOME)/.pyenv/versions
CORES := 2.17:$(PYTHON) 2.18:$(PYTHON) 2.20:$(PYENV_VERSIONS)/3.12.1/bin/python3 2.21:$(PYENV_VERSIONS)/3.13.0/bin/python3
cores: $(GET_PIP)
	printf '%s\n' $(CORES) | tr : ' ' | xargs -P 2 -L 1 tests/cores/run.sh

# Files generated from the schema must be up to date (a key is added in one place).
generated: venv
	$(BIN)/python tools/generate.py --check

# The tarball installs into an empty path and its module, filters and role run from there.
build-install: venv
	BIN=$(CURDIR)/$(BIN) tests/build_install.sh

lint: venv
	PATH=$(CURDIR)/$(BIN):$$PATH $(BIN)/ansible-lint

# The plugin and role docs as antsibull-docs (docs.ansible.com) reads them.
docs-lint: tree
	cd $(TREE_COLLECTION) && PATH=$(CURDIR)/$(BIN):$$PATH $(CURDIR)/$(BIN)/antsibull-docs lint-collection-docs --plugin-docs .
	@echo "antsibull-docs lint-collection-docs: clean"

# The execution environment as AWX / Automation Controller users build it (no image, no registry).
ee: venv
	BIN=$(CURDIR)/$(BIN) tests/ee/check.sh

images:
	tests/images/build.sh

molecule: install images
	mkdir -p $(RELIABILITY)
	GOFER_RELIABILITY_DIR=$(RELIABILITY) ANSIBLE_COLLECTIONS_PATH=$(COLLECTIONS) PATH=$(CURDIR)/$(BIN):$$PATH \
	  $(BIN)/molecule test --all

records:
	rm -rf $(RELIABILITY)

# Figures, not pass/fail: converge 1, 5 and 20 containers with the role and with a conventional one.
bench: install images
	$(BIN)/python benchmarks/run.py --hosts 1 10 50 --collections $(COLLECTIONS) --markdown docs/performance.md

# docs/reliability.md is rewritten from the records of the last `make test`.
reliability: venv
	$(BIN)/python tools/reliability.py $(RELIABILITY)

# The parts of make test, in order, each timed (the times are in the closing lines and .cache/test-times.txt).
# Parts joined by + run side by side: the other cores use the CPU while the test images are bootstrapped.
TEST_PARTS := generated lint docs-lint ee build-install sanity units integration cores+images molecule
test: records
	@mkdir -p $(CACHE) && : > $(CACHE)/test-times.txt
	@for part in $(TEST_PARTS); do \
	  start=$$(date +%s); \
	  $(MAKE) --no-print-directory -j2 $${part//+/ } \
	    || { echo "make test: $$part FAILED after $$(( $$(date +%s) - start )) s"; exit 1; }; \
	  echo "$$part $$(( $$(date +%s) - start )) s" >> $(CACHE)/test-times.txt; \
	done
	$(BIN)/python tools/reliability.py $(RELIABILITY) --check
	@echo "make test: time per part"; sed 's/^/  /' $(CACHE)/test-times.txt
	@echo "make test: generated files, ansible-lint, docs lint, execution environment, build and install, sanity, units, integration, the other ansible-cores, molecule and docs/reliability.md passed"

clean:
	rm -rf $(CACHE) $(TEST_TREE) demo/out
