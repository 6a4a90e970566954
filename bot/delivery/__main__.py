"""`python -m bot.delivery [telegram] [whatsapp]`: deliver the outbox in a process of its own.

For a deployment that keeps delivery apart from the web app (set DELIVERY_IN_PROCESS=false for
`antenna serve` then). SIGTERM or Ctrl-C stops it gracefully: the calls under way finish and are
recorded, so nothing is left uncertain.
"""

import argparse
import asyncio
import logging
import signal
import sys
from collections.abc import Sequence

from bot.db.database import Database
from bot.delivery.sender import Sender
from bot.delivery.senders import configured_senders
from bot.delivery.service import deliver, worker_options
from bot.settings import Settings


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bot.delivery", description=__doc__)
    parser.add_argument(
        "channels", nargs="*", choices=["telegram", "whatsapp"], help="default: all configured"
    )
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    settings = Settings()
    senders = configured_senders(settings, set(args.channels) or None)
    if not senders:
        print("No channel to deliver: set TELEGRAM_BOT_TOKEN or WHATSAPP_TOKEN.", file=sys.stderr)
        return 2
    database = Database(settings.resolved_database_url())
    try:
        asyncio.run(_run(database, senders, settings))
    finally:
        database.dispose()
    return 0


async def _run(database: Database, senders: list[Sender], settings: Settings) -> None:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stop.set)
    await deliver(database, senders, worker_options(settings), stop)


if __name__ == "__main__":
    sys.exit(main())
