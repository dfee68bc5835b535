"""Decision aids as content (knowledge/decision_aids/<id>.yml): a few ja / nee / weet-niet questions and the advice
that fits the answers, every advice sentence citing a source of the aid's article (or of the aid itself). The
actions only run them (actions/decision_aids.py); format: knowledge/README.md."""

import datetime
from pathlib import Path
from typing import Dict, Iterable, List, Mapping, Optional, Union

import yaml
from pydantic import BaseModel, Extra, ValidationError, conlist, root_validator, validator

from bot import settings
from bot.knowledge.articles import REFERENCE, Key, KnowledgeError, LegalBasis, Source, Text, field_errors, read_yaml

ANSWERS = ("ja", "nee", "onbekend")
# slot -> the answers that satisfy it; a list of such mappings: any one of them.
Condition = Union[Dict[str, List[str]], List[Dict[str, List[str]]]]


class Question(BaseModel, extra=Extra.forbid):
    slot: Key
    text: Text
    ask_if: Optional[Condition] = None


class Advice(BaseModel, extra=Extra.forbid):
    when: Optional[Condition] = None
    text: Optional[Text] = None
    first_of: Optional[List["Advice"]] = None
    final: bool = False

    @root_validator(skip_on_failure=True)
    def text_or_choice(cls, values):
        if (values.get("text") is None) == (values.get("first_of") is None):
            raise ValueError("geef óf 'text' óf 'first_of'")
        return values

    @validator("text")
    def one_line(cls, value):
        return value and " ".join(value.split())


Advice.update_forward_refs()


class DecisionAid(BaseModel, extra=Extra.forbid):
    id: Key
    article: Key
    title: Text
    last_verified: datetime.date
    questions: conlist(Question, min_items=1)
    advice: conlist(Advice, min_items=1)
    unknown: Dict[str, Text] = {}
    legal_basis: List[LegalBasis] = []
    sources: List[Source] = []

    @property
    def slots(self) -> List[str]:
        return [question.slot for question in self.questions]

    @property
    def start_intent(self) -> str:
        return f"start_{self.id}_hulp"

    @property
    def form(self) -> str:
        return f"{self.id}_form"


def holds(condition: Optional[Condition], answers: Mapping[str, Optional[str]]) -> bool:
    if condition is None:
        return True
    options = condition if isinstance(condition, list) else [condition]
    return any(all(answers.get(slot) in allowed for slot, allowed in option.items()) for option in options)


def applicable(aid: DecisionAid, answers: Mapping[str, Optional[str]]) -> List[str]:
    """The slots still to ask or already answered, given the answers so far."""
    return [question.slot for question in aid.questions if holds(question.ask_if, answers)]


def advice(aid: DecisionAid, answers: Mapping[str, Optional[str]]) -> List[str]:
    """The advice texts that fit the answers, in order (with their [key] citations)."""
    texts = []
    for item in aid.advice:
        if not holds(item.when, answers):
            continue
        chosen = item if item.text else next((option for option in item.first_of if holds(option.when, answers)), None)
        if chosen is not None:
            texts.append(chosen.text)
        if item.final:
            break
    return texts


def still_to_find_out(aid: DecisionAid, answers: Mapping[str, Optional[str]]) -> Optional[str]:
    unknown = [aid.unknown[slot] for slot in aid.slots if answers.get(slot) == "onbekend" and slot in aid.unknown]
    if not unknown:
        return None
    return (
        "Nog uitzoeken: " + "; ".join(unknown) + ". Het advies hierboven gaat uit van het meest waarschijnlijke geval."
    )


def _texts(items: List[Advice]):
    for item in items:
        yield from ([item.text] if item.text else _texts(item.first_of))


def _conditions(aid: DecisionAid):
    for question in aid.questions:
        yield question.ask_if
    stack = list(aid.advice)
    while stack:
        item = stack.pop()
        yield item.when
        stack.extend(item.first_of or [])


def check_aid(aid: DecisionAid, path: Path, article_sources: Mapping[str, Iterable[str]]) -> None:
    """What a single field cannot check: the article, the slots the conditions name, the citations."""

    def fail(field: str, message: str):
        raise KnowledgeError(f"{path}: veld '{field}': {message}")

    if aid.id != path.stem:
        fail("id", f"'{aid.id}' moet gelijk zijn aan de bestandsnaam '{path.stem}'")
    if aid.article not in article_sources:
        fail("article", f"'{aid.article}' is geen bestaand artikel")
    if len(set(aid.slots)) != len(aid.slots):
        fail("questions", "een slot komt twee keer voor")
    for condition in _conditions(aid):
        for option in condition if isinstance(condition, list) else [condition] if condition else []:
            for slot, allowed in option.items():
                if slot not in aid.slots or not set(allowed) <= set(ANSWERS):
                    fail("when/ask_if", f"{slot}: {allowed} (gebruik een vraag-slot en {', '.join(ANSWERS)})")
    for slot in aid.unknown:
        if slot not in aid.slots:
            fail("unknown", f"'{slot}' is geen vraag van deze keuzehulp")
    own = {source.key for source in [*aid.legal_basis, *aid.sources]}
    known = own | set(article_sources[aid.article])
    used = set()
    for text in _texts(aid.advice):
        cited = set(REFERENCE.findall(text))
        if not cited:
            fail("advice", f"noemt geen bron: '{text[:60]}...'")
        if cited - known:
            fail("advice", f"verwijst naar onbekende bron {', '.join(sorted(cited - known))}")
        used |= cited
    if own - used:
        fail("legal_basis/sources", f"bron niet gebruikt: {', '.join(sorted(own - used))}")


def load_decision_aids(article_sources: Mapping[str, Iterable[str]], directory: Path = None) -> Dict[str, DecisionAid]:
    """Reads and validates every decision aid, by id; `article_sources`: the source keys of each article by id."""
    directory = directory or settings.DECISION_AIDS_DIR
    aids = {}
    for path in sorted(directory.glob("*.yml")):
        try:
            aid = DecisionAid(**read_yaml(path.read_text(encoding="utf-8")))
        except yaml.YAMLError as error:
            raise KnowledgeError(f"{path}: geen geldige YAML: {error}") from error
        except ValidationError as error:
            raise KnowledgeError(f"{path}: {field_errors(error)}") from error
        check_aid(aid, path, article_sources)
        aids[aid.id] = aid
    return aids
