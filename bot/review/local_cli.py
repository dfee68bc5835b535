"""`python -m bot.review local ...`: the command-line twin of the local-addition pages (docs/contract.md)."""

import datetime
import json
import sys
from pathlib import Path

from bot.knowledge.local import STANCES, LocalAdditions, LocalError, as_dict


def add_parser(commands) -> None:
    local = commands.add_parser("local", help="lokale aanvullingen op de landelijke antwoorden")
    actions = local.add_subparsers(dest="local_command", required=True)
    add = actions.add_parser("add", help="een lokale aanvulling toevoegen")
    add.add_argument("article_id")
    add.add_argument("--text", required=True, help="de tekst; de bron wordt er als [lokaal] bij vermeld")
    add.add_argument("--source-title")
    add.add_argument("--source-url")
    add.add_argument("--version-date", help="JJJJ-MM-DD")
    add.add_argument("--stance", default="aanvulling", choices=list(STANCES))
    add.add_argument("--by", default="opdrachtregel", help="wie het toevoegt (voor de geschiedenis)")
    listing = actions.add_parser("list", help="de lokale aanvullingen")
    listing.add_argument("--json", action="store_true")
    export = actions.add_parser("export", help="alle lokale aanvullingen naar een YAML-bestand")
    export.add_argument("file", type=Path)
    imported = actions.add_parser("import", help="alle lokale aanvullingen vervangen door die uit een YAML-bestand")
    imported.add_argument("file", type=Path)
    imported.add_argument("--by", default="opdrachtregel")


def run(args) -> int:
    additions = LocalAdditions()
    try:
        if args.local_command == "add":
            number = additions.add(
                args.by,
                article_id=args.article_id,
                text=args.text,
                source_title=args.source_title,
                source_url=args.source_url,
                version_date=args.version_date,
                stance=args.stance,
            )
            print(f"Lokale aanvulling {number} toegevoegd aan {args.article_id}.")
        elif args.local_command == "list":
            rows = [as_dict(row) for row in additions.all()]
            if args.json:
                print(
                    json.dumps(
                        rows,
                        ensure_ascii=False,
                        indent=2,
                        default=lambda value: value.isoformat() if isinstance(value, datetime.date) else value,
                    )
                )
            else:
                for row in rows:
                    print(f"{row['id']:>4}  {row['article_id']:38} {row['text']}")
        elif args.local_command == "export":
            print(f"{additions.export(args.file)} lokale aanvulling(en) geschreven naar {args.file}.")
        else:
            print(f"{additions.import_(args.by, args.file)} lokale aanvulling(en) ingelezen uit {args.file}.")
    except LocalError as error:
        print(f"FOUT: {error}", file=sys.stderr)
        return 2
    return 0
