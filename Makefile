# Two commands do all set-up: `make run` and `make test`.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
OUT ?= out/samples

.PHONY: install gettext browser strace run test test-slow test-all regress lint bench mutate mutate-ci clean

install: $(STAMP) gettext

# torch is installed first from its pinned CPU wheel so nothing later pulls a CUDA build.
$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q torch==2.13.0
	$(BIN)/pip install -q -e '.[dev]'
	touch $(STAMP)

# review apply's PO tests check the cleaned file with `msgfmt -c` (GNU gettext).
gettext:
	@if ! command -v msgfmt >/dev/null 2>&1; then \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  export DEBIAN_FRONTEND=noninteractive; \
	  $$SUDO apt-get update -qq && $$SUDO apt-get install -y -qq gettext >/dev/null; \
	fi

# The review-page tests drive Debian's chromium and need a CJK font; install them when missing
# (as root, or through sudo when it is there).
browser:
	@if ! command -v chromium >/dev/null 2>&1 || ! fc-list 2>/dev/null | grep -qi "noto.*cjk"; then \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  export DEBIAN_FRONTEND=noninteractive; \
	  $$SUDO apt-get update -qq && $$SUDO apt-get install -y -qq chromium fonts-noto-cjk >/dev/null; \
	fi

run: $(STAMP)
	$(BIN)/mtclean run samples --out $(OUT) --overwrite --glossary glossary/xinjiang-aid.tsv; \
	  rc=$$?; echo "outputs: $(OUT)/ (segments.jsonl, summary.json, cleaned/, report.html)"; \
	  [ $$rc -eq 0 ] || [ $$rc -eq 3 ]

# The kill tests inject SIGKILL at a system call with strace; install it when missing.
strace:
	@if ! command -v strace >/dev/null 2>&1; then \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  export DEBIAN_FRONTEND=noninteractive; \
	  $$SUDO apt-get update -qq && $$SUDO apt-get install -y -qq strace >/dev/null; \
	fi

# Installs everything any test needs (the venv, gettext's msgfmt, Debian chromium and a CJK
# font, strace), then runs the default suite: everything but the tests marked `slow` (browser,
# kill injection, model builds, wheel install, big corpora), a few minutes on two cores.
test: $(STAMP) gettext browser strace
	$(BIN)/python -m pytest -q -m "not slow"

# The slow part alone; CI runs it after `make test`. `make test-all` runs both in one pytest.
test-slow: $(STAMP) gettext browser strace
	$(BIN)/python -m pytest -q -m slow

test-all: $(STAMP) gettext browser strace
	$(BIN)/python -m pytest -q

# The regression gate on our samples (and on the user's archive when ../shared is there).
regress: $(STAMP)
	$(BIN)/mtclean regress samples --baseline tests/baselines/samples.json --glossary glossary/xinjiang-aid.tsv
	@if [ -f ../shared/samples/kashgar-aid-news.en.txt ]; then \
	  $(BIN)/mtclean regress ../shared/samples/kashgar-aid-news.en.txt \
	    --baseline tests/baselines/shared-samples.json --glossary glossary/xinjiang-aid.tsv; fi

# Mutation testing: hours for the whole list on two shared cores, not for every CI run. Run it
# before merging a change to a core module or its tests, and weekly. Each module against the
# tests that cover it (tools/mutate.py TESTS_FOR) with the line engine: the tests run once under
# coverage, then each mutant runs only the tests that executed its line (fail-fast, a fork per
# mutant, a timeout). One table row per module, "mutation score: X%" overall, each surviving
# mutant's diff. `make mutate MODULES="pipeline/shards.py"` narrows it; MUTATE_ARGS="--engine
# mutmut" runs mutmut instead.
MODULES ?=
MUTATE_ARGS ?=
mutate: $(STAMP)
	$(BIN)/python tools/mutate.py --per-module --diffs $(MUTATE_ARGS) $(if $(MODULES),--modules $(MODULES))

# The fixed subset CI runs, so a drop in test strength shows up there (about a minute).
mutate-ci: $(STAMP)
	$(BIN)/python tools/mutate.py --modules pipeline/stages/combine.py pipeline/stages/decide.py --target 95

lint: $(STAMP)
	$(BIN)/ruff check pipeline tests bench tools
	$(BIN)/ruff format --check pipeline tests bench tools

bench: $(STAMP)
	@for b in bench/*.py; do echo "== $$b"; $(BIN)/python $$b || exit 1; done

clean:
	rm -rf $(VENV) out .pytest_cache
