"""The local contacts a municipality configures in contacts.yml, one per audience."""
from pathlib import Path

import yaml

from bot import settings

FIELDS = ("role", "name", "phone", "email")


def load_contacts(path: Path = None) -> dict:
    path = path or settings.CONTACTS_FILE
    contacts = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    if "algemeen" not in contacts:
        raise ValueError(f"{path}: de doelgroep 'algemeen' ontbreekt (terugval voor alle doelgroepen)")
    for audience, contact in contacts.items():
        missing = [field for field in FIELDS if not (contact or {}).get(field)]
        if missing:
            raise ValueError(f"{path}: doelgroep '{audience}' mist {', '.join(missing)}")
    return contacts


def contact_for(audience: str, contacts: dict) -> dict:
    return {"audience": audience if audience in contacts else "algemeen", **contacts.get(audience, contacts["algemeen"])}


def describe(contact: dict) -> str:
    return f"{contact['role']}: {contact['name']}, tel. {contact['phone']}, {contact['email']}"
