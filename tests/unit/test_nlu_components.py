"""The custom NLU components on a few made-up examples: fast, no trained model, no spaCy pipeline."""

import pytest
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.nlu.tokenizers.whitespace_tokenizer import WhitespaceTokenizer
from rasa.shared.nlu.constants import INTENT, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.nlu.linear_classifier import LinearIntentClassifier
from bot.nlu.tfidf_featurizer import TfidfFeaturizer

EXAMPLES = [
    ("mag ik een briefadres weigeren", "briefadres"),
    ("briefadres bij de opvang aanvragen", "briefadres"),
    ("wie kan briefadresgever zijn", "briefadres"),
    ("hoe hoog is het voorschot op de bijstand", "voorschot"),
    ("voorschot binnen vier weken", "voorschot"),
    ("moet ze het voorschot terugbetalen", "voorschot"),
    ("paspoort verlengen", "out_of_scope"),
    ("rijbewijs kwijt", "out_of_scope"),
    ("hondenbelasting stopzetten", "out_of_scope"),
]


@pytest.fixture
def storage(tmp_path):
    return LocalModelStorage(tmp_path)


def context(name):
    return ExecutionContext(GraphSchema({}), node_name=name)


def tokenized(texts):
    tokenizer = WhitespaceTokenizer(WhitespaceTokenizer.get_default_config())
    messages = [Message({TEXT: text}) for text in texts]
    tokenizer.process(messages)
    return messages


def training_data():
    messages = tokenized([text for text, _ in EXAMPLES])
    for message, (_, intent) in zip(messages, EXAMPLES, strict=False):
        message.set(INTENT, intent)
    return TrainingData(messages)


def trained_featurizer(storage, config=None):
    resource = Resource("tfidf")
    featurizer = TfidfFeaturizer.create(config or {}, storage, resource, context("tfidf"))
    featurizer.train(training_data())
    return TfidfFeaturizer.load(config or {}, storage, resource, context("tfidf"))


def sentence_vector(featurizer, text):
    message = tokenized([text])[0]
    featurizer.process([message])
    return message.get_sparse_features(TEXT)[1].features.toarray()[0]


def test_stored_vectorizers_give_the_same_features(storage):
    resource = Resource("tfidf")
    fresh = TfidfFeaturizer.create({}, storage, resource, context("tfidf"))
    fresh.train(training_data())
    loaded = TfidfFeaturizer.load({}, storage, resource, context("tfidf"))
    text = "briefadres weigeren bij de opvang"
    assert sentence_vector(fresh, text) == pytest.approx(sentence_vector(loaded, text))


def test_each_part_is_unit_length_so_a_long_message_weighs_as_much_as_a_short_one(storage):
    featurizer = trained_featurizer(storage)
    short = sentence_vector(featurizer, "voorschot")
    long = sentence_vector(featurizer, "voorschot " * 20 + "en nog veel meer woorden over haar verhaal")
    for vector in (short, long):
        assert (vector**2).sum() == pytest.approx(2.0)  # word part and character part, each of length 1


def test_word_bigrams_are_features(storage):
    featurizer = trained_featurizer(storage)
    assert "briefadres weigeren" in featurizer.parts[0].vocabulary_
    assert "briefadres" in featurizer.parts[0].vocabulary_


def test_sublinear_tf_damps_repeated_words(storage):
    featurizer = trained_featurizer(storage, {"char_ngrams": [3, 3], "word_ngrams": [1, 1]})
    words = featurizer.parts[0].vocabulary_
    vector = sentence_vector(featurizer, "voorschot voorschot voorschot voorschot bijstand")
    ratio = vector[words["voorschot"]] / vector[words["bijstand"]]
    idf = featurizer.parts[0].idf_
    assert ratio == pytest.approx((1 + 1.3862944) * idf[words["voorschot"]] / idf[words["bijstand"]], rel=1e-4)


def test_classifier_takes_its_configured_settings(storage):
    config = {
        **LinearIntentClassifier.get_default_config(),
        **{"C": 50, "class_weight": None, "solver": "liblinear", "dual": True},
    }
    classifier = LinearIntentClassifier.create(config, storage, Resource("clf"), context("clf"))
    clf = classifier.clf
    assert (clf.C, clf.class_weight, clf.solver, clf.dual) == (50, None, "liblinear", True)


def test_classifier_on_tfidf_features_ranks_the_right_intent(storage):
    featurizer = trained_featurizer(storage)
    data = training_data()
    featurizer.process_training_data(data)
    config = {**LinearIntentClassifier.get_default_config(), "C": 50, "class_weight": None, "solver": "liblinear"}
    resource = Resource("clf")
    LinearIntentClassifier.create(config, storage, resource, context("clf")).train(data)
    classifier = LinearIntentClassifier.load(config, storage, resource, context("clf"))
    message = tokenized(["krijgt ze een voorschot"])[0]
    featurizer.process([message])
    classifier.process([message])
    assert message.get(INTENT)["name"] == "voorschot"
    assert sum(item["confidence"] for item in message.get("intent_ranking")) == pytest.approx(1.0)


def test_none_share_goes_to_out_of_scope_when_no_intent_fits():
    from bot.nlu.linear_classifier import with_none_share

    classes = ["a", "b", "out_of_scope"]
    scores = [[0.08, 0.02, 0.0], [0.9, 0.05, 0.0]]
    assert with_none_share(scores, classes, 0.0)[0] == pytest.approx([0.8, 0.2, 0.0])
    unsure, sure = with_none_share(scores, classes, 0.5)
    assert unsure.argmax() == 2  # nothing fitted: declined rather than answered with "a"
    assert sure.argmax() == 0 and sure.sum() == pytest.approx(1.0)


def test_zero_none_share_gives_scikit_learns_probabilities(storage):
    featurizer = trained_featurizer(storage)
    data = training_data()
    featurizer.process_training_data(data)
    config = {**LinearIntentClassifier.get_default_config(), "C": 50, "class_weight": None, "solver": "liblinear"}
    classifier = LinearIntentClassifier.create(config, storage, Resource("clf"), context("clf"))
    classifier.train(data)
    messages = data.training_examples[:3]
    assert classifier.confidences(messages) == pytest.approx(
        classifier.clf.predict_proba(classifier._create_X(messages))
    )
