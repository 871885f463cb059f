# Two commands do all set-up: `make run` and `make test`.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
OUT ?= out/samples

.PHONY: install run test lint bench clean

install: $(STAMP)

# torch is installed first from its pinned CPU wheel so nothing later pulls a CUDA build.
$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q torch==2.13.0
	$(BIN)/pip install -q -e '.[dev]'
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/mtclean run samples/*.txt samples/*.jsonl --out $(OUT) --glossary glossary/xinjiang-aid.tsv; \
	  rc=$$?; echo "outputs: $(OUT)/ (segments.jsonl, summary.json, cleaned/)"; \
	  [ $$rc -eq 0 ] || [ $$rc -eq 3 ]

test: $(STAMP)
	$(BIN)/python -m pytest -q

lint: $(STAMP)
	$(BIN)/ruff check pipeline tests bench tools
	$(BIN)/ruff format --check pipeline tests bench tools

bench: $(STAMP)
	@for b in bench/*.py; do echo "== $$b"; $(BIN)/python $$b || exit 1; done

clean:
	rm -rf $(VENV) out .pytest_cache
