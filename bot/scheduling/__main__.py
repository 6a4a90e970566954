"""`python -m bot.scheduling`: the campaign timer alone, for a deployment that runs it apart from
the web app (the web app runs one too; the lease lets only one of them work at a time)."""

import logging
import signal
import threading

from bot.db.database import Database
from bot.scheduling.timer import CampaignTimer
from bot.settings import Settings


def main() -> None:
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    settings = Settings()
    database = Database(settings.resolved_database_url())
    stopping = threading.Event()
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda *_: stopping.set())
    timer = CampaignTimer(database, settings)
    timer.start()
    try:
        stopping.wait()
    finally:
        timer.stop()
        database.dispose()


if __name__ == "__main__":
    main()
