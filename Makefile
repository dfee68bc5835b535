# Baliegids. `make run` and `make test` do any missing set-up themselves (see README). `make help` lists the targets.
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
INSTALLED := $(VENV)/.installed
INSTALLED_DEV := $(VENV)/.installed-dev
SPACY := var/spacy/nl/meta.json
MODEL := models/baliegids.tar.gz
# Quiet TensorFlow's start-up chatter and SQLAlchemy 2.0 notices that Rasa triggers.
export TF_CPP_MIN_LOG_LEVEL := 2
export SQLALCHEMY_SILENCE_UBER_WARNING := 1

TRAINING_INPUT := config.yml domain.yml $(shell find data -type f -name '*.yml' 2>/dev/null) $(wildcard bot/nlu/*.py)

.PHONY: help run test unit lint format dev train bench check-law setup browser services spacy validate teams-app screenshots clean

help:  ## this list
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | sed -E 's/:.*## /\t/' | expand -t 12

run: setup $(MODEL)  ## set up where needed, then start Rasa, the action server and the web server (Ctrl-C stops)
	$(PY) -m bot.runtime

test: lint browser services setup  ## lint, then the whole suite: unit tests, then real servers, browser, stand-ins
	$(PY) -m pytest

unit: dev $(SPACY)  ## the fast layer only: no trained model, no browser, no servers (under a minute)
	$(PY) -m pytest tests/unit

lint: dev  ## ruff: lint and format check (fix with `make format`)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: dev  ## ruff: fix what can be fixed and format
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

setup: $(INSTALLED) $(SPACY)

# Accuracy against a baseline, latency, throughput, training and start-up time, memory -> BENCHMARKS.md.
bench: setup dev  ## figures for BENCHMARKS.md, next to a stock rasa init assistant (about 20 minutes)
	$(PY) -m benchmarks.bench $(BENCH_ARGS)

check-law: $(INSTALLED)  ## which cited law versions are no longer in force (asks wetten.overheid.nl)
	$(PY) -m bot.knowledge.lawwatch $(LAW_ARGS)

train: $(INSTALLED) $(SPACY) $(MODEL)  ## train the model when its inputs changed

# The browser tests drive Debian's Chromium (no browser download).
browser:
	bash scripts/setup-browser.sh

# The production-profile test runs its own PostgreSQL and Redis (Debian's packages).
services:
	bash scripts/setup-services.sh

validate: $(INSTALLED)  ## rasa data validate
	$(VENV)/bin/rasa data validate --fail-on-warnings

# Prepare the Dutch spaCy pipeline again, e.g. after setting BALIEGIDS_NL_MODEL_WHEEL.
spacy: $(INSTALLED)
	$(PY) -m bot.training.spacy_pipeline

$(INSTALLED): requirements.txt scripts/setup-venv.sh
	bash scripts/setup-venv.sh requirements.txt
	touch $@

dev: $(INSTALLED_DEV)
$(INSTALLED_DEV): $(INSTALLED) requirements-dev.txt
	bash scripts/setup-venv.sh requirements-dev.txt
	touch $@

$(SPACY): $(INSTALLED)
	$(PY) -m bot.training.spacy_pipeline

# Retrained only when the config, the domain, the training data or the spaCy pipeline changed.
$(MODEL): $(INSTALLED) $(SPACY) $(TRAINING_INPUT)
	$(PY) -m bot.training.train

# The README's pictures of one answer in the widget, Teams and Slack, as the browser tests draw them.
screenshots: dev browser $(SPACY)  ## the README's screenshots (docs/*.png), made by the browser tests
	$(PY) -m pytest tests/e2e/test_widget.py tests/e2e/test_teams.py tests/e2e/test_slack.py -k "in_place or fits"
	cp var/screenshots/widget.png var/screenshots/teams.png var/screenshots/slack.png docs/

# The zip a Teams admin uploads (README, "Teams koppelen"); needs TEAMS_APP_ID.
teams-app: $(INSTALLED)  ## the Teams app package (needs TEAMS_APP_ID)
	$(PY) -m bot.channels.teams.package

clean:  ## remove the trained models and the spaCy pipeline
	rm -rf models var/spacy
