"""`make teams-app`: the zip a Teams admin uploads, with teams-app/manifest.json (the bot's app id filled in) and
the two icons at its root."""

import os
import re
import sys
import zipfile
from pathlib import Path

from bot import settings

APP_DIR = settings.ROOT / "teams-app"
ICONS = ("color.png", "outline.png")
PLACEHOLDER = "{{TEAMS_APP_ID}}"
GUID = re.compile(r"[0-9a-fA-F]{8}-(?:[0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}")


def package(app_id: str, target: Path) -> None:
    manifest = (APP_DIR / "manifest.json").read_text(encoding="utf-8").replace(PLACEHOLDER, app_id)
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("manifest.json", manifest)
        for icon in ICONS:
            archive.write(APP_DIR / icon, icon)


def main() -> int:
    app_id = os.environ.get("TEAMS_APP_ID", "").strip()
    if not GUID.fullmatch(app_id):
        problem = f"'{app_id}' is geen geldige app-ID" if app_id else "TEAMS_APP_ID is niet ingesteld"
        print(
            f"FOUT: {problem}. Zet in TEAMS_APP_ID de Microsoft App ID van je Azure Bot (de 'Application (client) "
            "ID', zoals 12345678-abcd-4ef0-9876-0123456789ab) en start opnieuw, bijvoorbeeld:\n"
            "  TEAMS_APP_ID=12345678-abcd-4ef0-9876-0123456789ab make teams-app",
            file=sys.stderr,
        )
        return 1
    settings.VAR_DIR.mkdir(parents=True, exist_ok=True)
    target = settings.VAR_DIR / "baliegids-teams.zip"
    package(app_id, target)
    print(f"Teams-app klaar: {target}\nUpload dit bestand in het Teams-beheercentrum (zie README, 'Teams koppelen').")
    return 0


if __name__ == "__main__":
    sys.exit(main())
