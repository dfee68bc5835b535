"""The Rasa server: Rasa's own command line (`python -m bot.runtime.rasa_server run ...` takes the arguments of
`rasa run ...`), with one change that a profile of a turn showed to matter.

Rasa checks every reply of the action server against a JSON schema, and before that checks the schema itself
against the JSON-schema meta-schema, at every custom action: 10% of the server's CPU time under load, 5 ms of a turn
(py-spy, BENCHMARKS.md). Here the schema is checked once per process; every reply is still checked against it."""

import sys

from jsonschema import exceptions, validators


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


def main() -> None:
    check_action_replies_with_one_validator()
    from rasa.__main__ import main as rasa_main

    sys.argv = ["rasa", *sys.argv[1:]]
    rasa_main()


if __name__ == "__main__":
    main()
