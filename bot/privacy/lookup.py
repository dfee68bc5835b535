"""Name, street and place lists for the redaction, read once per process from the lookup lists that the `deduce`
package ships (deduce-data/lookup_lists, beside the package in site-packages). Only the text files are read: the
deduce pipeline itself is not imported (it takes minutes to load). Loaded at first use, not at import."""

import importlib.util
import logging
import threading
from array import array
from bisect import bisect_left
from dataclasses import dataclass, field
from pathlib import Path
from typing import FrozenSet, Iterable, List, Optional, Set

log = logging.getLogger(__name__)

# Common Dutch words that start a sentence or name a thing at the counter, on top of deduce's stop words and its
# 1000 most frequent terms: never taken as a first name or as the next word of a name.
EXTRA_COMMON = """
aanvraag achternaam adres afspraak balie beste bijstand brief briefadres cliënt cliënte client collega dag dossier
ex formulier gemeente geboren geb graag hallo help hoi huurder iban ik kenteken kind kinderen klant klantmanager
mail mevrouw meneer moeder naam nee nieuw nieuwe oud oude regio telefoon vader vandaag voornaam wet zoon dochter
""".split()


class HashedSet:
    """A large set of strings kept as the sorted 64-bit hashes of its members (8 bytes each instead of about 100):
    the street list has 155,000 names. Membership by binary search; a false hit needs a 64-bit hash collision."""

    def __init__(self, members: Iterable[str] = ()):
        self._hashes = array("q", sorted(map(hash, members)))

    @classmethod
    def from_file(cls, path: Path, exceptions: Iterable[str] = ()) -> "HashedSet":
        """Each line lower-cased with single spaces, streamed: no list of 155,000 strings is ever held."""
        skip = {hash(exception) for exception in exceptions}
        with open(path, encoding="utf-8") as handle:
            hashes = map(hash, map(str.lower, map(" ".join, map(str.split, handle))))
            return cls.__new__(cls)._set(array("q", sorted(h for h in hashes if h not in skip)))

    def _set(self, hashes: array) -> "HashedSet":
        self._hashes = hashes
        return self

    def __contains__(self, member: str) -> bool:
        key = hash(member)
        index = bisect_left(self._hashes, key)
        return index < len(self._hashes) and self._hashes[index] == key

    def __len__(self) -> int:
        return len(self._hashes)


@dataclass(frozen=True)
class Lookup:
    first_names: FrozenSet[str] = frozenset()
    surnames: FrozenSet[str] = frozenset()
    interfix_surnames: FrozenSet[str] = frozenset()  # the part after "de", "van der" ...: Jong, Meer, Vries
    surnames_lower: FrozenSet[str] = frozenset()  # both kinds of surname in lower case: "mw jansen", "mw de vries"
    streets: HashedSet = field(default_factory=HashedSet)  # lower case, one space between words
    places: FrozenSet[str] = frozenset()  # residences and municipalities, lower case
    common: FrozenSet[str] = field(default_factory=lambda: frozenset(EXTRA_COMMON))  # frequent words, lower case
    stop: FrozenSet[str] = field(default_factory=lambda: frozenset(EXTRA_COMMON))  # function words, lower case
    complete: bool = False  # False when the lists could not be read (rules without lists still run)


_lock = threading.Lock()
_loaded: Optional[Lookup] = None


def data_dir() -> Optional[Path]:
    spec = importlib.util.find_spec("deduce")  # finds the package without importing it
    if spec is None or not spec.submodule_search_locations:
        return None
    path = Path(list(spec.submodule_search_locations)[0]).parent / "deduce-data" / "lookup_lists"
    return path if path.is_dir() else None


def _lines(path: Path, lower: bool = False) -> List[str]:
    with open(path, encoding="utf-8") as handle:
        text = handle.read()
    return [line for line in (text.lower() if lower else text).splitlines() if line]


def _normalised(lines: List[str]) -> Set[str]:
    """The lines with runs of white space as one space (few need it: checked before splitting)."""
    return {" ".join(line.split()) if "  " in line or "\t" in line else line.strip() for line in lines}


def load() -> Lookup:
    root = data_dir()
    if root is None:
        log.error("deduce's lookup lists are missing (pip install deduce==2.5.0): names are found by rules only")
        return Lookup()
    names = root / "names"
    locations = root / "locations"
    stop = set(EXTRA_COMMON)
    stop.update(_lines(root / "stop_words.txt", lower=True))
    common = stop | set(_lines(root / "top_1000_terms.txt", lower=True))
    streets = HashedSet.from_file(
        locations / "streets" / "streets_bag.txt", _lines(locations / "streets" / "street_exceptions.txt", lower=True)
    )
    places = _normalised(_lines(locations / "residences.txt", True) + _lines(locations / "municipalities.txt", True))
    places.difference_update(_lines(locations / "residence_exceptions.txt", lower=True))
    interfix_surnames = {line.split()[-1] for line in _lines(names / "interfix_surnames.txt")}
    surnames = frozenset(_lines(names / "surnames.txt")) - set(_lines(names / "surname_exceptions.txt"))
    interfix_surnames = frozenset(interfix_surnames) - set(_lines(names / "interfix_surname_exceptions.txt"))
    return Lookup(
        first_names=frozenset(_lines(names / "first_names.txt")) - set(_lines(names / "first_name_exceptions.txt")),
        surnames=surnames,
        interfix_surnames=interfix_surnames,
        surnames_lower=frozenset(name.lower() for name in surnames | interfix_surnames),
        streets=streets,
        places=frozenset(places),
        common=frozenset(common),
        stop=frozenset(stop),
        complete=True,
    )


def lookup() -> Lookup:
    """The lists, read at the first call in this process."""
    global _loaded
    if _loaded is None:
        with _lock:
            if _loaded is None:
                _loaded = load()
    return _loaded
