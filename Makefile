# Two commands on a fresh machine: `make demo` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
DEMO_SITE ?= sample_sites/mountain_village/site.yaml
DEMO_OUT  ?= demo-output

.PHONY: demo test test-fast install system-deps clean reference schema

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

install: $(STAMP)

demo: install
	$(BIN)/p2p-size run $(DEMO_SITE) -o $(DEMO_OUT)
	@echo "Report: $(abspath $(DEMO_OUT))/report.html"

# Debian packages the report tests need (a real Chromium, poppler's pdftoppm/pdftotext).
system-deps:
	@missing=""; \
	command -v chromium >/dev/null 2>&1 || missing="$$missing chromium"; \
	command -v pdftoppm >/dev/null 2>&1 || missing="$$missing poppler-utils"; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    echo "installing$$missing"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	  else \
	    echo "note:$$missing not installed and cannot install (not root); the tests needing them will be skipped"; \
	  fi; \
	fi

test: install system-deps
	$(BIN)/python -m pytest -q -n 2 --dist loadfile

# The fast subset while working: everything but the tests marked slow (see README).
test-fast: install
	$(BIN)/python -m pytest -q -n 2 --dist loadfile -m "not slow"

clean:
	rm -rf $(VENV) build *.egg-info $(DEMO_OUT)

# Rewrite the README's site-file reference from the schema.
reference: install
	$(BIN)/python -c "import re, pathlib; from p2p_size.sizing.site import reference_markdown as r; p = pathlib.Path('README.md'); s = p.read_text(); a, b = '<!-- schema-reference:start -->', '<!-- schema-reference:end -->'; p.write_text(s[: s.index(a) + len(a)] + '\n' + r() + '\n' + s[s.index(b):])"

# Rewrite study/summary.schema.json, the JSON Schema of summary.json, from the types.
schema: install
	$(BIN)/python -c "import json, pathlib; from p2p_size.study.summary import json_schema; pathlib.Path('study/summary.schema.json').write_text(json.dumps(json_schema(), indent=2) + '\\n')"
