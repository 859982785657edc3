# Two commands on a fresh machine with python3 and make:  make run   and   make test
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: run test lint install clean bench bench-adversarial bench-clean bench-warc bench-fuzz bench-crawl

PREBUILT := extractors/data/gazetteer.marshal extractors/data/regex.marshal pipeline/data/registry.marshal $(VENV)/.bytecode

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

# the gazetteer parsed once (a start-up cost of every command otherwise); stale copies are ignored
extractors/data/gazetteer.marshal: $(STAMP) extractors/data/admin_units.csv extractors/data/admin_units_2025.csv \
		extractors/data/lexicon.toml extractors/gazetteer.py extractors/text.py
	$(BIN)/python tools/build_gazetteer.py

# the rules' patterns compiled once (extractors/compiled.py; a pattern not in it is compiled as before)
# and the rule files parsed (extractors/data/toml.marshal; a file changed since is parsed again)
extractors/data/regex.marshal: $(STAMP) extractors/data/gazetteer.marshal $(wildcard extractors/*.py) \
		$(wildcard extractors/data/*.toml) tools/build_regex.py
	$(BIN)/python tools/build_regex.py

# the default site registry parsed once (pipeline/sources.py; an edited registry is parsed as before)
pipeline/data/registry.marshal: $(STAMP) corpus/sources.toml pipeline/sources.py tools/build_registry.py
	$(BIN)/python tools/build_registry.py

# the modules' bytecode written once: Python does it itself on first import, unless
# PYTHONDONTWRITEBYTECODE is set (then every command compiled every module again: ~0.2 s)
$(VENV)/.bytecode: $(STAMP) $(wildcard pipeline/*.py extractors/*.py)
	$(BIN)/python -m compileall -q pipeline extractors > /dev/null
	touch $@

install: $(STAMP) $(PREBUILT)

run: $(STAMP) $(PREBUILT)  ## the main job on the bundled corpus (no network), then the gold scores
	$(BIN)/dvk run
	$(BIN)/dvk score

test: $(STAMP) $(PREBUILT)  ## lint, types and the test suite (with the gold-score gate)
	$(BIN)/ruff check pipeline extractors tests bench
	$(BIN)/mypy pipeline extractors bench
	$(BIN)/pytest

lint: $(STAMP)
	$(BIN)/ruff check pipeline extractors tests bench
	$(BIN)/mypy pipeline extractors bench

bench: $(STAMP) $(PREBUILT)  ## throughput, peak memory and the naive baseline (a few minutes; prints its figures)
	$(BIN)/python -m bench.bench

bench-adversarial: $(STAMP) $(PREBUILT)  ## extraction cost on crafted text (ms/KB beside real articles; linear or not), then the linearity test
	$(BIN)/python -m bench.adversarial
	DVK_BENCH=1 $(BIN)/pytest tests/test_adversarial_cost.py

bench-clean: $(STAMP)  ## the generic cleaner beside trafilatura (pip install trafilatura) on the same pages
	$(BIN)/python -m bench.clean_compare

bench-warc: $(STAMP)  ## WARC readers, read + prefilter on one core, --dask local:N against --workers N
	$(BIN)/python -m bench.warc

bench-fuzz: $(STAMP)  ## 10,000 generated inputs through extract, the cleaner and front matter: crashes, hangs, span violations (all 0)
	$(BIN)/python -m bench.fuzz

bench-crawl: $(STAMP)  ## pages/s of dvk crawl against the politeness bound, 5 / 20 / 100 loopback hosts (~5 min at most)
	$(BIN)/python -m bench.crawl

clean:
	rm -rf $(VENV) $(PREBUILT) extractors/data/toml.marshal data/dvk.db data/dvk.db-wal data/dvk.db-shm
