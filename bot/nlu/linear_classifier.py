"""LinearIntentClassifier: Rasa's LogisticRegressionClassifier with the settings that it fixes made configurable:
the regularisation `C`, `class_weight` and the `solver`.

Why: on L2-normalised TF-IDF features (bot.nlu.tfidf_featurizer) the default C=1 regularises so hard that every
confidence stays low, and `class_weight: balanced` shrinks out_of_scope (about 450 examples against about 120 per
article) so near-miss questions get an article. liblinear fits one-vs-rest models (its confidences are those
normalised to sum to one) in seconds where lbfgs needs over a minute on this data. Measured on tests/data/dev.yml
with benchmarks/tune.py."""
from typing import Any, Dict, Text

from sklearn.linear_model import LogisticRegression

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.classifiers.logistic_regression_classifier import LogisticRegressionClassifier


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=True)
class LinearIntentClassifier(LogisticRegressionClassifier):
    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {**LogisticRegressionClassifier.get_default_config(), "C": 1.0, "class_weight": "balanced"}

    def __init__(self, config: Dict[Text, Any], name: Text, model_storage: ModelStorage, resource: Resource) -> None:
        super().__init__(config, name, model_storage, resource)
        self.clf = make_model(self.config)


def make_model(config: Dict[Text, Any]) -> LogisticRegression:
    return LogisticRegression(C=config["C"], class_weight=config["class_weight"], solver=config["solver"],
                              max_iter=config["max_iter"], tol=config["tol"], random_state=config["random_state"])
