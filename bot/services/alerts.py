"""The on-call alert: an urgent report reaches the operators at once, day or night."""

import logging
from collections.abc import Sequence

from sqlalchemy.orm import Session

from bot.db.models import Report
from bot.messages import Channel, OutgoingMessage
from bot.services import operator_alerts, outbox

log = logging.getLogger(__name__)


def alert_on_call(
    session: Session, report: Report, message: OutgoingMessage, group_ids: Sequence[int]
) -> int:
    """Queue the alert for every operators' Telegram group, ahead of any bulk message.

    How many groups were alerted; none configured is logged loudly, because then nobody but
    the console would see the report. The operators' side adds the buttons (take in charge,
    answer, reassign, close), the private alert to whoever is on call and the reminders.
    """
    message = operator_alerts.with_buttons(session, report, message)
    for group_id in group_ids:
        outbox.enqueue(session, None, Channel.TELEGRAM, str(group_id), message, priority=0)
    if group_ids:
        log.warning(
            "urgent report %s (%s) in queue %s: on-call alerted in %d group(s)",
            report.reference, report.category, report.queue, len(group_ids),
        )  # fmt: skip
    else:
        log.error(
            "urgent report %s (%s) in queue %s: no operators' group configured to alert",
            report.reference, report.category, report.queue,
        )  # fmt: skip
    return len(group_ids)
