"""LinearIntentClassifier: Rasa's LogisticRegressionClassifier with the settings that it fixes made configurable:
the regularisation `C`, `class_weight`, the `solver` and its `dual` formulation, and a share of confidence for
"no intent fits".

Why: on L2-normalised TF-IDF features (bot.nlu.tfidf_featurizer) the default C=1 regularises so hard that every
confidence stays low, and `class_weight: balanced` shrinks out_of_scope (about 450 examples against about 120 per
article) so near-miss questions get an article. liblinear fits one-vs-rest models (its confidences are those
normalised to sum to one) in seconds where lbfgs needs over a minute on this data. Measured on tests/data/dev.yml
with benchmarks/tune.py.

`none_share`: normalising the one-vs-rest probabilities hides that none of the binary models recognised the
message; a question about another topic wrapped in opvang context ("a resident's dog needs a place") scores low
everywhere, yet after normalising its best article looks sure. With none_share λ > 0 the confidence
λ · (1 − highest one-vs-rest probability) goes to `out_of_scope` before normalising, so such a question is declined
instead of answered with a wrong article. λ = 0 gives scikit-learn's own probabilities.

The fitted model is stored as plain arrays (numpy, no pickle) rather than with skops: skops lists the types it trusts
by importing all of scikit-learn, 2.5 s of every start of the Rasa server (6 s on a busy machine)."""

import logging
from typing import Any, Dict, List, Text

import numpy as np
import scipy.sparse
from rasa.engine.graph import ExecutionContext
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.classifiers.logistic_regression_classifier import LogisticRegressionClassifier
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.utils.tensorflow.constants import RANKING_LENGTH
from scipy.special import expit
from sklearn.linear_model import LogisticRegression

from bot.contract import OUT_OF_SCOPE

ARRAYS = ("classes_", "coef_", "intercept_")  # what predictions need of a fitted LogisticRegression
logger = logging.getLogger(__name__)


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=True)
class LinearIntentClassifier(LogisticRegressionClassifier):
    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {
            **LogisticRegressionClassifier.get_default_config(),
            "C": 1.0,
            "class_weight": "balanced",
            "none_share": 0.0,
            "dual": False,
        }

    def __init__(self, config: Dict[Text, Any], name: Text, model_storage: ModelStorage, resource: Resource) -> None:
        super().__init__(config, name, model_storage, resource)
        self.clf = make_model(self.config)

    def persist(self) -> None:
        with self._model_storage.write_to(self._resource) as model_dir:
            np.savez(model_dir / f"{self._resource.name}.npz", **{name: getattr(self.clf, name) for name in ARRAYS})

    @classmethod
    def load(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> "LinearIntentClassifier":
        component = cls(config, execution_context.node_name, model_storage, resource)
        try:
            with model_storage.read_from(resource) as model_dir:
                with np.load(model_dir / f"{resource.name}.npz", allow_pickle=False) as arrays:
                    for name in ARRAYS:
                        setattr(component.clf, name, arrays[name])
        except ValueError:  # Rasa's way of saying the resource was never written: an untrained component
            logger.warning(f"Geen getraind model voor {cls.__name__} in {resource.name}; het herkent nog niets.")
            return component
        component.clf.n_features_in_ = component.clf.coef_.shape[1]
        return component

    def _create_X(self, messages: List[Message]) -> scipy.sparse.csr_matrix:
        """The messages' sentence vectors as one matrix. Rasa's version builds a matrix per message and stacks
        those, 7 of the 110 s of a training; the pipeline's only features are TfidfFeaturizer's sparse sentence
        vectors, stacked here at once."""
        return scipy.sparse.vstack([message.get_sparse_features(TEXT)[1].features for message in messages], "csr")

    def confidences(self, messages: List[Message]) -> np.ndarray:
        """One row per message, one column per class (self.clf.classes_), each row summing to one."""
        X = self._create_X(messages)
        one_vs_rest = self.clf.solver == "liblinear" or self.clf.multi_class == "ovr"
        scores = self.clf.decision_function(X) if one_vs_rest else None
        if scores is None or scores.ndim == 1:
            scores = self.clf.predict_proba(X)
        else:
            scores = expit(scores)
        return with_none_share(scores, list(self.clf.classes_), self.config["none_share"])

    def process(self, messages: List[Message]) -> List[Message]:
        confidences = self.confidences(messages)
        for row, message in zip(confidences, messages, strict=False):
            ranking = sorted(
                (
                    {"name": name, "confidence": float(value)}
                    for name, value in zip(self.clf.classes_, row, strict=False)
                ),
                key=lambda item: -item["confidence"],
            )
            message.set("intent", ranking[0], add_to_output=True)
            length = self.config[RANKING_LENGTH]
            message.set("intent_ranking", ranking[:length] if length > 0 else ranking, add_to_output=True)
        return messages


def with_none_share(scores: np.ndarray, classes: List[str], share: float) -> np.ndarray:
    """Adds share · (1 − the best score) to out_of_scope's score, then normalises each row to sum to one."""
    scores = np.array(scores, dtype=float)
    if share and OUT_OF_SCOPE in classes:
        scores[:, classes.index(OUT_OF_SCOPE)] += share * (1.0 - scores.max(axis=1))
    return scores / scores.sum(axis=1, keepdims=True)


def make_model(config: Dict[Text, Any]) -> LogisticRegression:
    return LogisticRegression(
        C=config["C"],
        class_weight=config["class_weight"],
        solver=config["solver"],
        max_iter=config["max_iter"],
        tol=config["tol"],
        dual=config["dual"],
        random_state=config["random_state"],
    )
