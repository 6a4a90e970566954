"""`python -m bot.nlu train|parse|evaluate [report.json]`, until `antenna nlu` is wired."""

import argparse
import logging
import sys
from pathlib import Path

from bot.nlu import cli
from bot.nlu.loading import load_pipeline
from bot.settings import Settings


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bot.nlu")
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("train", help="train the NLU model again")
    commands.add_parser("parse", help="one message per line on stdin, one JSON per line out")
    evaluate = commands.add_parser("evaluate", help="cross-validation and held-out score")
    evaluate.add_argument("report", nargs="?", type=Path,
                          help="where the JSON report goes (default var/nlu-evaluation.json)")
    arguments = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, stream=sys.stderr)
    settings = Settings()
    if arguments.command == "train":
        return cli.train(settings)
    if arguments.command == "parse":
        return cli.parse_stream(load_pipeline(settings), sys.stdin.buffer, sys.stdout)
    return cli.evaluate(settings, arguments.report or settings.data_dir / "nlu-evaluation.json")


if __name__ == "__main__":
    sys.exit(main())
