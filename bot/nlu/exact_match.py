"""ExactMatchClassifier: a message that is literally a training example (ignoring case, punctuation and spacing)
gets that example's intent with full confidence.

Why: a statistical intent classifier spreads its confidence thinly over ~50 intents for very short messages
("waar staat dat?", "nee"), so the FallbackClassifier would turn a known follow-up into a clarifying question.
It runs after the intent classifier and before the FallbackClassifier; any other message keeps that prediction."""

import re
from typing import Any, Dict, List, Optional, Text

import rasa.shared.utils.io
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.classifiers.classifier import IntentClassifier
from rasa.shared.nlu.constants import INTENT, INTENT_NAME_KEY, INTENT_RANKING_KEY, PREDICTED_CONFIDENCE_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

FILE_NAME = "exact_matches.json"


def normalise(text: Optional[Text]) -> Text:
    return " ".join(re.sub(r"[^\w\s]", " ", (text or "").lower()).split())


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=True)
class ExactMatchClassifier(GraphComponent, IntentClassifier):
    def __init__(self, model_storage: ModelStorage, resource: Resource, matches: Dict[Text, Text]) -> None:
        self._model_storage = model_storage
        self._resource = resource
        self.matches = matches

    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> "ExactMatchClassifier":
        return cls(model_storage, resource, {})

    def train(self, training_data: TrainingData) -> Resource:
        intents: Dict[Text, set] = {}
        for example in training_data.intent_examples:
            intents.setdefault(normalise(example.get(TEXT)), set()).add(example.get(INTENT))
        # A text that two intents share decides nothing.
        self.matches = {text: names.pop() for text, names in intents.items() if text and len(names) == 1}
        with self._model_storage.write_to(self._resource) as directory:
            rasa.shared.utils.io.dump_obj_as_json_to_file(directory / FILE_NAME, self.matches)
        return self._resource

    @classmethod
    def load(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> "ExactMatchClassifier":
        with model_storage.read_from(resource) as directory:
            return cls(model_storage, resource, rasa.shared.utils.io.read_json_file(directory / FILE_NAME))

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            intent = self.matches.get(normalise(message.get(TEXT)))
            if intent is None:
                continue
            others = [item for item in message.get(INTENT_RANKING_KEY) or [] if item[INTENT_NAME_KEY] != intent]
            message.set(INTENT, {INTENT_NAME_KEY: intent, PREDICTED_CONFIDENCE_KEY: 1.0}, add_to_output=True)
            message.set(
                INTENT_RANKING_KEY,
                [{INTENT_NAME_KEY: intent, PREDICTED_CONFIDENCE_KEY: 1.0}, *others],
                add_to_output=True,
            )
        return messages
