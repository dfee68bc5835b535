"""TfidfFeaturizer: one sentence vector per message from TF-IDF weighted word n-grams (on lemmas) and character
n-grams, each part L2-normalised.

Why, instead of Rasa's CountVectorsFeaturizer: raw counts let a long message (a whole case with names, dates and
background) outweigh its one topical phrase, and words every article shares ("opvang", "mevrouw") count as much
as the words that tell articles apart. Sublinear tf (1 + log tf), inverse document frequency and a unit-length
vector per part keep long and short questions on one scale and let the rare, topical words decide. Word bigrams
("eigen bijdrage", "andere gemeente") add phrases. Measured on tests/data/dev.yml with benchmarks/tune.py.

Only sentence features are produced (the intent classifier reads nothing else). The vocabularies and IDF weights
are stored as JSON, not pickled."""

from typing import Any, Dict, List, Optional, Text

import numpy as np
import rasa.shared.utils.io
import scipy.sparse
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.constants import SPACY_DOCS, TOKENS_NAMES
from rasa.nlu.featurizers.sparse_featurizer.sparse_featurizer import SparseFeaturizer
from rasa.nlu.tokenizers.tokenizer import Tokenizer
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData
from sklearn.feature_extraction.text import TfidfVectorizer

FILE_NAME = "tfidf.json"
WORD_PATTERN = r"(?u)\b\w\w+\b"


def lemma_text(message: Message) -> Text:
    """The message as lower-case lemmas (spaCy's, via the tokenizer), punctuation left out, or its text."""
    doc = message.get(SPACY_DOCS[TEXT])
    if doc is not None:
        return " ".join((t.lemma_ or t.text).lower() for t in doc if not (t.is_punct or t.is_space))
    tokens = message.get(TOKENS_NAMES[TEXT])
    if tokens:
        return " ".join((t.lemma or t.text).lower() for t in tokens)
    return (message.get(TEXT) or "").lower()


def vectorizers(config: Dict[Text, Any], vocabularies: Optional[List[Dict]] = None) -> List[TfidfVectorizer]:
    """The word and the character vectorizer for a config; with stored vocabularies and IDF weights, ready to
    transform without fitting."""
    common = {"sublinear_tf": config["sublinear_tf"], "max_df": config["max_df"], "lowercase": False}
    parts = [
        TfidfVectorizer(
            analyzer="word", token_pattern=WORD_PATTERN, ngram_range=tuple(config["word_ngrams"]), **common
        ),
        TfidfVectorizer(analyzer="char_wb", ngram_range=tuple(config["char_ngrams"]), **common),
    ]
    for vectorizer, stored in zip(parts, vocabularies or [], strict=False):
        vectorizer.vocabulary = {term: int(index) for term, index in stored["vocabulary"].items()}
        vectorizer._validate_vocabulary()
        vectorizer.idf_ = np.asarray(stored["idf"], dtype=np.float64)
    return parts


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER, is_trainable=True)
class TfidfFeaturizer(SparseFeaturizer, GraphComponent):
    @classmethod
    def required_components(cls) -> List[type]:
        return [Tokenizer]

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {
            **SparseFeaturizer.get_default_config(),
            "word_ngrams": [1, 2],
            "char_ngrams": [2, 4],
            "sublinear_tf": True,
            "max_df": 1.0,
        }

    def __init__(
        self,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        parts: Optional[List[TfidfVectorizer]] = None,
    ) -> None:
        SparseFeaturizer.__init__(self, execution_context.node_name, config)
        self._model_storage = model_storage
        self._resource = resource
        self.parts = parts

    @classmethod
    def validate_config(cls, config: Dict[Text, Any]) -> None:
        pass

    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> "TfidfFeaturizer":
        return cls({**cls.get_default_config(), **config}, model_storage, resource, execution_context)

    def train(self, training_data: TrainingData) -> Resource:
        texts = [lemma_text(message) for message in training_data.training_examples if message.get(TEXT)]
        self.parts = vectorizers(self._config)
        for vectorizer in self.parts:
            vectorizer.fit(texts)
        stored = [
            {
                "vocabulary": {term: int(index) for term, index in vectorizer.vocabulary_.items()},
                "idf": vectorizer.idf_.tolist(),
            }
            for vectorizer in self.parts
        ]
        with self._model_storage.write_to(self._resource) as directory:
            rasa.shared.utils.io.dump_obj_as_json_to_file(directory / FILE_NAME, stored)
        return self._resource

    @classmethod
    def load(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> "TfidfFeaturizer":
        config = {**cls.get_default_config(), **config}
        try:
            with model_storage.read_from(resource) as directory:
                stored = rasa.shared.utils.io.read_json_file(directory / FILE_NAME)
        except ValueError:  # not trained (no training data)
            return cls(config, model_storage, resource, execution_context)
        return cls(config, model_storage, resource, execution_context, vectorizers(config, stored))

    def features(self, messages: List[Message]) -> scipy.sparse.csr_matrix:
        texts = [lemma_text(message) for message in messages]
        return scipy.sparse.hstack([vectorizer.transform(texts) for vectorizer in self.parts]).tocsr()

    def process(self, messages: List[Message]) -> List[Message]:
        if not self.parts:
            return messages
        with_text = [message for message in messages if message.get(TEXT)]
        if with_text:
            matrix = self.features(with_text)
            for row, message in enumerate(with_text):
                self.add_features_to_message(None, matrix[row].tocoo(), TEXT, message)
        return messages

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        self.process(training_data.training_examples)
        return training_data
