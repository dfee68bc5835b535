"""The local contacts a municipality configures in contacts.yml, one per audience."""

from pathlib import Path
from typing import List

from bot import settings
from bot.knowledge.articles import read_yaml

FIELDS = ("role", "name", "phone", "email")


def load_contacts(path: Path = None) -> dict:
    path = path or settings.CONTACTS_FILE
    contacts = read_yaml(path.read_text(encoding="utf-8")) or {}
    if "algemeen" not in contacts:
        raise ValueError(f"{path}: de doelgroep 'algemeen' ontbreekt (terugval voor alle doelgroepen)")
    for audience, contact in contacts.items():
        missing = [field for field in FIELDS if not (contact or {}).get(field)]
        if missing:
            raise ValueError(f"{path}: doelgroep '{audience}' mist {', '.join(missing)}")
    return contacts


def is_placeholder(value: str) -> bool:
    """An example value of the shipped contacts.yml ("<naam vakspecialist BRP>") that the municipality must replace."""
    value = str(value).strip()
    return value.startswith("<") and value.endswith(">")


def unfilled(contacts: dict) -> List[str]:
    """The audiences whose contact still holds example values."""
    return [
        audience
        for audience, contact in contacts.items()
        if any(is_placeholder(contact[field]) for field in FIELDS if field != "role")
    ]


def contact_for(audience: str, contacts: dict) -> dict:
    return {
        "audience": audience if audience in contacts else "algemeen",
        **contacts.get(audience, contacts["algemeen"]),
    }


def describe(contact: dict) -> str:
    """The contact as the clerk reads it; never an example value (then: ask the team leader who it is)."""
    details = [contact["name"], f"tel. {contact['phone']}", contact["email"]]
    known = [
        detail
        for detail, field in zip(details, ("name", "phone", "email"), strict=False)
        if not is_placeholder(contact[field])
    ]
    if len(known) < len(details):
        return (
            f"{contact['role']} (jullie gemeente heeft de contactgegevens nog niet in Baliegids gezet; vraag je "
            "teamleider wie dat is)"
        )
    return f"{contact['role']}: {', '.join(known)}"
