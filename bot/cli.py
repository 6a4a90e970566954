"""The `antenna` command: serve, shell, nlu, db, privacy, users, broadcast, campaign.

Each command imports what it needs when it runs: `antenna db upgrade` should not wait for the
language models that `antenna serve` loads.
"""

import argparse
import getpass
import json
import logging
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError

from bot.campaign_commands import add_broadcast_commands, add_campaign_commands
from bot.engine.errors import ContentError
from bot.settings import Settings
from bot.web.texts import WebTextsMissing

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from bot.db.database import Database

log = logging.getLogger("antenna")


class CommandError(Exception):
    """Something the person at the terminal can fix: said in plain words, no traceback."""


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.INFO if args.command == "serve" else logging.WARNING,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    run: Callable[[argparse.Namespace, Settings], int] = args.run
    try:
        return run(args, Settings())
    except (CommandError, ContentError, WebTextsMissing) as error:
        print(f"antenna {args.command}: {error}", file=sys.stderr)
        return 1
    except SQLAlchemyError as error:
        print(
            f"antenna {args.command}: the database could not be used: {_first_line(error)}",
            file=sys.stderr,
        )
        return 1
    except KeyboardInterrupt:
        return 130


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="antenna", description="Scintille, the social antenna of the six towns."
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    serve = commands.add_parser("serve", help="run the web chat (and the channels) on this machine")
    serve.add_argument("--host", help="address to listen on (default 127.0.0.1)")
    serve.add_argument("--port", type=int, help="port to listen on (default 8000; 0: any free)")
    serve.add_argument(
        "--turn-workers", type=int, metavar="N",
        help="processes that run the conversations (default 1: this one; TURN_WORKERS)",
    )
    serve.set_defaults(run=serve_command)

    shell = commands.add_parser("shell", help="chat with the assistant in this terminal")
    shell.add_argument("--user", default=getpass.getuser(), help="who you are on the shell channel")
    shell.set_defaults(run=shell_command)

    nlu = commands.add_parser("nlu", help="train, try and evaluate the language understanding")
    nlu_commands = nlu.add_subparsers(dest="nlu_command", required=True, metavar="ACTION")
    nlu_commands.add_parser("train", help="train the model from nlu/").set_defaults(run=nlu_train)
    parse = nlu_commands.add_parser(
        "parse", help="show what the NLU reads in a message, or in each line of the input"
    )
    parse.add_argument("text", nargs="?", help="the message, in quotes (default: read lines)")
    parse.set_defaults(run=nlu_parse)
    evaluate = nlu_commands.add_parser("evaluate", help="measure the NLU on held-out examples")
    evaluate.add_argument(
        "--report", type=Path, help="where the JSON report goes (default: DATA_DIR)"
    )
    evaluate.add_argument(
        "--heldout", type=Path, action="append", default=[], metavar="FILE",
        help="a test file in Rasa NLU YAML, never trained on; repeatable "
        "(default: tests/data/nlu_heldout.yml and tests/data/nlu_fresh.yml)",
    )
    evaluate.set_defaults(run=nlu_evaluate)

    db = commands.add_parser("db", help="the database")
    db_commands = db.add_subparsers(dest="db_command", required=True, metavar="ACTION")
    db_commands.add_parser("upgrade", help="bring the schema up to date").set_defaults(
        run=db_upgrade
    )

    privacy = commands.add_parser("privacy", help="a person's rights over their data")
    privacy_commands = privacy.add_subparsers(
        dest="privacy_command", required=True, metavar="ACTION"
    )
    export = privacy_commands.add_parser("export", help="print everything kept about a person")
    erase = privacy_commands.add_parser("erase", help="erase a person and all their records")
    for action in (export, erase):
        action.add_argument(
            "--channel", required=True, choices=["telegram", "whatsapp", "web", "shell"]
        )
        action.add_argument(
            "--user",
            required=True,
            help="the person's id on that channel (Telegram user id, phone number)",
        )
    erase.add_argument("--yes", action="store_true", help="do not ask for confirmation")
    export.set_defaults(run=privacy_export)
    erase.set_defaults(run=privacy_erase)

    users = commands.add_parser("users", help="the operators' console accounts")
    users_commands = users.add_subparsers(dest="users_command", required=True, metavar="ACTION")
    add = users_commands.add_parser("add", help="create an account; prints its first password")
    add.add_argument("username", help="lowercase, e.g. m.rossi")
    add.add_argument("--name", required=True, help="first and last name, as operators see it")
    add.add_argument(
        "--role",
        default="operator",
        choices=["operator", "coordinator", "community_leader", "administrator"],
    )
    add.add_argument(
        "--queue", action="append", default=[], help="a queue of queues.yml (repeat for more)"
    )
    add.add_argument("--telegram-id", help="the operator's Telegram user id, for the buttons")
    add.set_defaults(run=users_add)
    passwd = users_commands.add_parser("passwd", help="give an account a new password")
    passwd.add_argument("username")
    passwd.set_defaults(run=users_passwd)

    add_broadcast_commands(commands)
    add_campaign_commands(commands)
    return parser


def serve_command(args: argparse.Namespace, settings: Settings) -> int:
    from bot.web.server import PortUnavailable, bind_socket, make_server, url_of

    host = settings.host if args.host is None else args.host
    port = settings.port if args.port is None else args.port
    if args.turn_workers is not None:
        if args.turn_workers < 1:
            raise CommandError("--turn-workers needs at least 1")
        settings = settings.model_copy(update={"turn_workers": args.turn_workers})
    # Before anything slow, so that a busy port is said at once.
    try:
        sock = bind_socket(host, port)
    except PortUnavailable as error:
        raise CommandError(str(error)) from error
    with sock:
        from bot.runtime import Runtime
        from bot.web.app import create_app

        runtime = Runtime.build(settings)
        try:
            server = make_server(create_app(runtime))
            if settings.demo_data:
                _print_demo_accounts(runtime.database, settings, f"{url_of(sock)}console")
            # Last, so that whoever waits for this line (a person, a test) finds the app up.
            print(f"Scintille is ready: open {url_of(sock)} (Ctrl-C to stop)", flush=True)
            server.run(sockets=[sock])
        finally:
            runtime.close()
    return 0


def shell_command(args: argparse.Namespace, settings: Settings) -> int:
    from bot.channels.shell import run_shell
    from bot.runtime import Runtime

    runtime = Runtime.build(settings)
    try:
        run_shell(runtime.assistant, args.user, sys.stdout)
    finally:
        runtime.close()
    return 0


def nlu_train(args: argparse.Namespace, settings: Settings) -> int:
    from bot.nlu import cli as nlu_cli

    return nlu_cli.train(settings)


def nlu_parse(args: argparse.Namespace, settings: Settings) -> int:
    from bot.nlu import cli as nlu_cli
    from bot.nlu import load_pipeline

    source = sys.stdin.buffer if args.text is None else args.text.encode()
    pipeline = load_pipeline(settings)
    return nlu_cli.parse_stream(pipeline, source, sys.stdout)


def nlu_evaluate(args: argparse.Namespace, settings: Settings) -> int:
    from bot.nlu import cli as nlu_cli

    report = args.report or settings.data_dir / "nlu-evaluation.json"
    return nlu_cli.evaluate(settings, report, args.heldout)


def db_upgrade(args: argparse.Namespace, settings: Settings) -> int:
    from bot.db.migrate import upgrade

    settings.data_dir.mkdir(parents=True, exist_ok=True)
    with _records(settings) as database:
        upgrade(database.engine)
    print(f"The database is up to date: {_safe_url(settings.resolved_database_url())}")
    return 0


def privacy_export(args: argparse.Namespace, settings: Settings) -> int:
    from bot.services import privacy

    with _records(settings) as database, database.unit_of_work() as session:
        document = privacy.export(session, _person_id(session, settings, args.channel, args.user))
    print(json.dumps(document, ensure_ascii=False, indent=2))
    return 0


def privacy_erase(args: argparse.Namespace, settings: Settings) -> int:
    from actions.events import tell_promoted
    from bot.services import events, privacy

    with _records(settings) as database:
        with database.unit_of_work() as session:
            person_id = _person_id(session, settings, args.channel, args.user)
        if not args.yes and not _confirmed(
            f"Erase the {args.channel} person {args.user} and all their records? [y/N] "
        ):
            print("Nothing was erased.")
            return 1
        with database.unit_of_work() as session:
            erasure = privacy.erase(session, person_id)
            # Whoever was waiting for a place this person held gets it, and is told.
            for event_id, promoted in erasure.promoted:
                summary = events.event_summary(session, event_id)
                if summary is not None:
                    tell_promoted(session, summary, promoted)
    print(f"Erased the {args.channel} person {args.user} and all their records.")
    return 0


def users_add(args: argparse.Namespace, settings: Settings) -> int:
    from bot.services import accounts
    from bot.services.routing import load_routing

    queues = [queue.id for queue in load_routing(settings.project_root / "queues.yml").queues]
    password = accounts.generate_password()
    with _records(settings) as database, database.unit_of_work() as session:
        try:
            user = accounts.create_user(
                session,
                username=args.username,
                display_name=args.name,
                role=args.role,
                password=password,
                queues=args.queue,
                known_queues=queues,
                telegram_user_id=args.telegram_id,
            )
        except accounts.AccountError as error:
            raise CommandError(str(error)) from error
        username = user.username
    print(f"Account {username} created. Its password, shown only now: {password}")
    return 0


def users_passwd(args: argparse.Namespace, settings: Settings) -> int:
    from bot.services import accounts

    password = accounts.generate_password()
    with _records(settings) as database, database.unit_of_work() as session:
        user = accounts.find_user(session, args.username)
        if user is None:
            raise CommandError(f"there is no account {args.username}")
        accounts.set_password(session, user, password)
    print(f"New password for {args.username}, shown only now: {password}")
    print("Every browser signed in with the old one has been signed out.")
    return 0


def _print_demo_accounts(database: "Database", settings: Settings, console_url: str) -> None:
    """On the first start only: the accounts exist from now on, their passwords nowhere."""
    from bot.demo import load_demo_accounts
    from bot.services.routing import load_routing

    made = load_demo_accounts(database, load_routing(settings.project_root / "queues.yml"))
    if not made:
        return
    print(f"\nThe operators' console is at {console_url}. Demo accounts (shown only now):")
    for account in made:
        where = f" ({account.queue})" if account.queue else ""
        print(f"  {account.role:<14} {account.username:<34} {account.password}{where}")
    print("Change them in the console, or with `antenna users passwd USERNAME`.\n", flush=True)


@contextmanager
def _records(settings: Settings) -> Iterator["Database"]:
    from bot.db.database import Database

    database = Database(settings.resolved_database_url())
    try:
        yield database
    finally:
        database.dispose()


def _person_id(session: "Session", settings: Settings, channel: str, user_id: str) -> int:
    from bot.db.models import Person
    from bot.services import people

    key = settings.pseudonym_key or people.ensure_pseudonym_key(settings.data_dir)
    person_id = session.scalar(
        select(Person.id).where(
            Person.channel == channel, Person.pseudonym == people.pseudonym(key, channel, user_id)
        )
    )
    if person_id is None:
        raise CommandError(f"nobody with id {user_id} has written on {channel}")
    return person_id


def _confirmed(question: str) -> bool:
    if not sys.stdin.isatty():
        raise CommandError("erasing cannot be undone: add --yes to confirm")
    return input(question).strip().lower() in {"y", "yes", "s", "si", "sì"}


def _safe_url(url: str) -> str:
    return make_url(url).render_as_string(hide_password=True)


def _first_line(error: BaseException) -> str:
    return str(getattr(error, "orig", None) or error).strip().splitlines()[0]
