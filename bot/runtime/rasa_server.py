"""The Rasa server: Rasa's own command line (`python -m bot.runtime.rasa_server run ...` takes the arguments of
`rasa run ...`), with two changes that measurements showed to matter.

Rasa checks every reply of the action server against a JSON schema, and before that checks the schema itself
against the JSON-schema meta-schema, at every custom action: 10% of the server's CPU time under load, 5 ms of a turn
(py-spy, BENCHMARKS.md). Here the schema is checked once per process; every reply is still checked against it.

Sanic forks its worker processes from this one, and each worker loads the model. What this process loads first
the workers share, page for page, until one of them writes to it: Rasa with TensorFlow, the pipeline's own modules and
the Dutch spaCy pipeline (its lemma table alone is 85 MB a copy). Frozen out of the garbage collector, those objects
stay shared: Rasa's three processes (two workers) took 1248 MB PSS after `make bench`'s load, now 865 MB."""

import functools
import gc
import importlib
import sys
from typing import Dict, List

from jsonschema import exceptions, validators

from bot import settings


def check_action_replies_with_one_validator() -> None:
    from rasa.core.actions.action import RemoteAction

    schema = RemoteAction.action_response_format_spec()
    validator_class = validators.validator_for(schema)
    validator_class.check_schema(schema)
    validator = validator_class(schema)

    def _validate_action_result(self, result) -> bool:
        error = exceptions.best_match(validator.iter_errors(result))
        if error is not None:
            error.message += ". The action server's reply does not have the format Rasa expects."
            raise error
        return True

    RemoteAction._validate_action_result = _validate_action_result


def share_the_spacy_pipeline(pipeline: List[Dict]) -> None:
    """Loads the pipeline's spaCy model now; every model the server loads later, the first and each one pulled from
    the model server, gets this one."""
    from rasa.nlu.utils.spacy_utils import SpacyNLP

    if not hasattr(SpacyNLP.load_model, "cache_info"):
        SpacyNLP.load_model = staticmethod(functools.lru_cache(maxsize=None)(SpacyNLP.load_model))
    for component in pipeline:
        if component["name"] == "SpacyNLP":
            SpacyNLP.load_model(component["model"])


def load_before_forking() -> None:
    import rasa.core.run  # noqa: F401  (Rasa, TensorFlow included)
    from rasa.shared.utils.io import read_config_file

    pipeline = read_config_file(settings.ROOT / "config.yml")["pipeline"]
    for component in pipeline:
        if "." in component["name"]:  # the pipeline's own components
            importlib.import_module(component["name"].rsplit(".", 1)[0])
    share_the_spacy_pipeline(pipeline)
    gc.collect()
    gc.freeze()


def main() -> None:
    check_action_replies_with_one_validator()
    load_before_forking()
    from rasa.__main__ import main as rasa_main

    sys.argv = ["rasa", *sys.argv[1:]]
    rasa_main()


if __name__ == "__main__":
    main()
