"""The review page's command-line twin:

python -m bot.review inbox --json [--all]      open review items (or every stored user question)
python -m bot.review label ID ARTICLE_ID       record the right article (out_of_scope to decline)
python -m bot.review export                    write labelled examples into data/nlu/
python -m bot.review add-trainer NAME [--admin] create (or reset) a trainer account for /review (an administrator
                                               also sees the audit trail)
python -m bot.review local add|list|export|import   the municipality's local additions (see `local --help`)
"""

import argparse
import getpass
import sys

from bot.review import local_cli
from bot.review.accounts import Accounts
from bot.review.inbox import REASONS, Review, as_json


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bot.review", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    commands = parser.add_subparsers(dest="command", required=True)
    inbox = commands.add_parser("inbox", help="open review items")
    inbox.add_argument("--json", action="store_true", help="als JSON-lijst")
    inbox.add_argument("--all", action="store_true", help="alle gestelde vragen, niet alleen de te beoordelen")
    label = commands.add_parser("label", help="het juiste artikel vastleggen")
    label.add_argument("id", type=int)
    label.add_argument("article_id")
    commands.add_parser("export", help="gelabelde vragen naar data/nlu/ schrijven")
    trainer = commands.add_parser("add-trainer", help="een kennisbeheerder aanmaken")
    trainer.add_argument("name")
    trainer.add_argument("--admin", action="store_true", help="mag ook het logboek zien")
    local_cli.add_parser(commands)
    args = parser.parse_args(argv)
    if args.command == "local":
        return local_cli.run(args)

    review = Review()
    if args.command == "inbox":
        items = review.items(everything=args.all, open_only=not args.all)
        if args.json:
            print(as_json(items))
        else:
            for item in items:
                why = REASONS.get(item.reason, "-")
                print(f"{item.id:>6}  {item.created}  {why:24}  {item.predicted} ({item.confidence:.2f})  {item.text}")
    elif args.command == "label":
        try:
            review.label([args.id], args.article_id)
        except ValueError as error:
            print(f"FOUT: {error}", file=sys.stderr)
            return 2
        print(f"Item {args.id} gelabeld als {args.article_id}.")
    elif args.command == "export":
        written = review.export()
        for example in written:
            print(f"{example['file']}: {example['label']}: {example['text']}")
        print(f"{len(written)} voorbeeld(en) geschreven. Hertrainen: make train (of de volgende make run).")
    else:
        password = getpass.getpass("Wachtwoord (minstens 12 tekens): ")
        try:
            Accounts().set_password(args.name, password, admin=args.admin)
        except ValueError as error:
            print(f"FOUT: {error}", file=sys.stderr)
            return 2
        print(f"Kennisbeheerder {args.name} kan nu inloggen op /review.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
