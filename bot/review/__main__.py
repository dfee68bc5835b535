"""The review page's command-line twin:

python -m bot.review inbox --json [--all]      open review items (or every stored user question)
python -m bot.review label ID ARTICLE_ID       record the right article (out_of_scope to decline)
python -m bot.review export                    write labelled examples into data/nlu/
python -m bot.review retrain [--deploy]        export, train a new model while the assistant keeps running, and
                                               compare it with the model in use on the held-out set; --deploy puts
                                               it in use (not when it scores worse, unless --ook-als-slechter)
python -m bot.review add-trainer NAME [--admin] create (or reset) a trainer account for /review (an administrator
                                               also sees the audit trail)
python -m bot.review local add|list|export|import   the municipality's local additions (see `local --help`)
"""

import argparse
import getpass
import re
import sys
import time

from bot.review import local_cli
from bot.review.accounts import Accounts
from bot.review.inbox import REASONS, Review, as_json
from bot.review.words import topic
from bot.training.models import DONE, Busy, Models, deployment, expected_workers
from bot.training.retrain import OUTCOMES, Run

DEPLOY_WAIT_SECONDS = 240
BAR = 30


def who() -> str:
    try:
        return f"{getpass.getuser()} (opdrachtregel)"
    except (KeyError, OSError):
        return "opdrachtregel"


class ProgressBar:
    """A bar on the terminal (stderr), redrawn in place; where stderr is no terminal, a line per step."""

    def __init__(self, stream=None):
        self.stream = stream or sys.stderr
        self.tty = self.stream.isatty()
        self.last = None

    def __call__(self, stage: str, fraction: float) -> None:
        fraction = max(0.0, min(1.0, fraction))
        filled = int(fraction * BAR)
        line = f"[{'#' * filled}{'.' * (BAR - filled)}] {fraction:4.0%} {stage}"
        if self.tty:
            self.stream.write("\r" + line[:110].ljust(110))
            self.stream.flush()
            return
        step = (re.sub(r"\s*\(\d+ s\)$", "", stage), int(fraction * 10))
        if step != self.last:
            self.stream.write(line + "\n")
            self.stream.flush()
            self.last = step

    def close(self) -> None:
        if self.tty:
            self.stream.write("\n")
            self.stream.flush()


def print_results(run, titles) -> None:
    results = run.results
    before, after = results["heldout"]["before"], results["heldout"]["after"]
    print(f"\nTestset ({after['n']} vragen)        nu in gebruik   nieuw model")
    for key in OUTCOMES:
        print(f"  {key:24} {before[key] if before else '-':>13}   {after[key]:>11}")
    labelled = results["labelled"]
    if labelled:
        right = sum(entry["count"] for entry in labelled if entry["after"] == "goed")
        right_before = sum(entry["count"] for entry in labelled if entry["before"] == "goed")
        total = sum(entry["count"] for entry in labelled)
        print(f"Nieuw gelabelde vragen ({total}): goed {right_before} -> {right}")
    changed = [row for row in results["articles"] if before and row["after"] != row["before"]]
    for row in changed:
        verdict = "beter" if row["after"] > row["before"] else "slechter"
        name = f"{topic(row['article'], titles)} ({row['article']})"
        print(f"  {verdict:8} {name}: {row['before']} -> {row['after']} van {row['n']}")
    if before and not changed:
        print("Geen artikel ging beter of slechter.")


def retrain(review: Review, deploy: bool, force: bool) -> int:
    models = Models(review.store)
    trainer = who()
    try:
        run = models.start_run(trainer)
    except Busy as busy:
        print(f"FOUT: {busy}", file=sys.stderr)
        return 2
    Accounts(review.store).audit(trainer, "hertrainen gestart", f"training {run.id}")
    print(f"Training {run.id}: de assistent blijft intussen antwoorden.", flush=True)
    bar = ProgressBar()
    Run(run.id, models, review, on_progress=bar).execute()
    bar.close()
    run = models.run(run.id)
    if run.state != DONE:
        print(f"FOUT: {run.message}", file=sys.stderr)
        return 1
    print(
        f"{run.exported or 0} nieuwe voorbeeldvraag/vragen in de trainingsdata; "
        f"getraind in {run.training_seconds:.0f} s."
    )
    print_results(run, review.titles())
    if not deploy:
        print("\nNiet in gebruik genomen. Dat kan op /review/model, of met: python -m bot.review retrain --deploy")
        return 0
    if run.worse and not force:
        print(
            "\nNIET in gebruik genomen: het nieuwe model scoort slechter op de testset dan het model dat nu in gebruik "
            "is. Kijk welke artikelen slechter gingen; wil je het toch: --deploy --ook-als-slechter.",
            file=sys.stderr,
        )
        return 3
    active = models.active()
    row = models.deploy(run.after_model, trainer)
    if active is not None and active.fingerprint == row.fingerprint:
        for _ in range(expected_workers()):
            models.downloaded(row.id)
    Accounts(review.store).audit(
        trainer,
        "model in gebruik",
        f"model {row.id} (training {run.id})" + (" ondanks slechtere score" if run.worse else ""),
    )
    started = time.monotonic()
    while time.monotonic() - started < DEPLOY_WAIT_SECONDS:
        state = deployment(models)
        if state is not None and state.state == "in gebruik" and state.row is not None and state.row.id == row.id:
            bar("Het nieuwe model is in gebruik", 1.0)
            bar.close()
            print(f"Model {row.id} is in gebruik bij alle {state.expected} werkprocessen van de assistent.")
            return 0
        loaded = state.downloads / state.expected if state and state.expected else 0.0
        bar(f"De assistent laadt het model ({state.downloads if state else 0} van {expected_workers()})", loaded)
        time.sleep(1)
    bar.close()
    print(
        f"FOUT: de assistent heeft het nieuwe model na {DEPLOY_WAIT_SECONDS} s nog niet overal geladen. Het staat "
        "klaar en wordt geladen zodra de servers het ophalen: draait make run, en haalt Rasa zijn model bij de "
        "webserver op (BALIEGIDS_MODEL_SERVER_URL)?",
        file=sys.stderr,
    )
    return 1


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
    training = commands.add_parser("retrain", help="een nieuw model trainen en vergelijken (en in gebruik nemen)")
    training.add_argument("--deploy", action="store_true", help="het nieuwe model daarna in gebruik nemen")
    training.add_argument(
        "--ook-als-slechter", action="store_true", help="met --deploy: ook als het slechter scoort op de testset"
    )
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
            review.label([args.id], args.article_id, by=who())
        except ValueError as error:
            print(f"FOUT: {error}", file=sys.stderr)
            return 2
        Accounts(review.store).audit(who(), "labelen", f"1 vraag/vragen: {args.article_id} (item {args.id})")
        print(f"Item {args.id} gelabeld als {args.article_id}.")
    elif args.command == "export":
        written = review.export()
        Accounts(review.store).audit(who(), "exporteren", f"{len(written)} voorbeeld(en) naar de trainingsdata")
        for example in written:
            print(f"{example['file']}: {example['label']}: {example['text']}")
        print(
            f"{len(written)} voorbeeld(en) geschreven. In gebruik nemen: python -m bot.review retrain --deploy "
            "(of de knop op /review/model)."
        )
    elif args.command == "retrain":
        return retrain(review, args.deploy, args.ook_als_slechter)
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
