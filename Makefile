# Baliegids. `make run` and `make test` do any missing set-up themselves (see README).
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
INSTALLED := $(VENV)/.installed
SPACY := var/spacy/nl/meta.json
MODEL := models/baliegids.tar.gz
# Quiet TensorFlow's start-up chatter and SQLAlchemy 2.0 notices that Rasa triggers.
export TF_CPP_MIN_LOG_LEVEL := 2
export SQLALCHEMY_SILENCE_UBER_WARNING := 1

TRAINING_INPUT := config.yml domain.yml $(shell find data -type f -name '*.yml' 2>/dev/null)

.PHONY: run test train bench setup browser services spacy validate teams-app clean

run: setup $(MODEL)
	$(PY) -m bot.runtime

test: setup browser services
	$(PY) -m pytest

setup: $(INSTALLED) $(SPACY)

# Accuracy against a baseline, latency, throughput, training and start-up time, memory -> BENCHMARKS.md.
bench: setup
	$(PY) -m benchmarks.bench $(BENCH_ARGS)

train: setup $(MODEL)

# The browser tests drive Debian's Chromium (no browser download).
browser:
	bash scripts/setup-browser.sh

# The production-profile test runs its own PostgreSQL and Redis (Debian's packages).
services:
	bash scripts/setup-services.sh

validate: setup
	$(VENV)/bin/rasa data validate --fail-on-warnings

# Prepare the Dutch spaCy pipeline again, e.g. after setting BALIEGIDS_NL_MODEL_WHEEL.
spacy: $(INSTALLED)
	$(PY) -m bot.training.spacy_pipeline

$(INSTALLED): requirements.txt scripts/setup-venv.sh
	bash scripts/setup-venv.sh

$(SPACY): $(INSTALLED)
	$(PY) -m bot.training.spacy_pipeline

# Retrained only when the config, the domain, the training data or the spaCy pipeline changed.
$(MODEL): $(INSTALLED) $(SPACY) $(TRAINING_INPUT)
	$(PY) -m bot.training.train

# The zip a Teams admin uploads (README, "Teams koppelen"); needs TEAMS_APP_ID.
teams-app: $(INSTALLED)
	$(PY) -m bot.channels.teams.package

clean:
	rm -rf models var/spacy
