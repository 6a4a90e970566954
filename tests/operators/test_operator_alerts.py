"""The operators' Telegram groups: alerts with buttons, urgent reminders, what buttons do."""

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from bot.db.database import Database
from bot.db.models import Report
from bot.messages import OutgoingMessage
from bot.services import casework
from bot.services.on_call import OnCallRota
from bot.services.operator_alerts import (
    alert_new_report,
    alert_unannounced,
    handle_operator_callback,
    handle_operator_command,
    remind_unclaimed,
    with_buttons,
)
from bot.services.operator_setup import OperatorSetup
from tests.operators import factories
from tests.operators.conftest import OPERATORS_GROUP
from tests.operators.factories import TUESDAY_10

ROME = ZoneInfo("Europe/Rome")
URGENT_GROUP = "-1002000"
# Saturday night, 23:00 in Rome: nobody is in the office.
SATURDAY_NIGHT = datetime(2026, 12, 5, 23, 0, tzinfo=ROME).astimezone(UTC)


def with_rota(setup: OperatorSetup, *names: str) -> OperatorSetup:
    on_call: OnCallRota = replace(setup.on_call, operators=names, changes=())
    return replace(setup, on_call=on_call, queue_groups={"reperibilita": (URGENT_GROUP,)})


def test_a_new_report_reaches_its_group_with_the_four_buttons(
    db: Database, setup: OperatorSetup
) -> None:
    with db.unit_of_work() as session:
        report = factories.report(session, setup, factories.person(session))
        assert alert_new_report(session, report, setup, TUESDAY_10 + timedelta(seconds=5)) == 1
        [alert] = factories.outbox_to(session, OPERATORS_GROUP)
    text = alert.payload["text"]
    for shown in (report.reference, "media", "anziani", "Orbassano", "non riesce più"):
        assert shown in text
    assert "secondi fa" in text
    assert [b["payload"] for b in alert.payload["buttons"]] == [
        f"op:take:{report.id}",
        f"op:answer:{report.id}",
        f"op:reassign:{report.id}",
        f"op:close:{report.id}",
    ]
    assert all(len(b["payload"].encode()) <= 64 for b in alert.payload["buttons"])


def test_an_urgent_report_at_night_wakes_whoever_is_on_call(
    db: Database, setup: OperatorSetup
) -> None:
    with db.unit_of_work() as session:
        anna = factories.user(session, "anna", queues=("reperibilita",), telegram="9001")
        setup = with_rota(setup, anna.username)
        report = factories.report(
            session, setup, factories.person(session), "non respira", urgency="high",
            now=SATURDAY_NIGHT,
        )  # fmt: skip
        assert alert_new_report(session, report, setup, SATURDAY_NIGHT) == 2
        [group] = factories.outbox_to(session, URGENT_GROUP)
        [private] = factories.outbox_to(session, "9001")
    assert group.payload["response"] == "utter_operator_alert_high"
    assert private.payload["response"] == "utter_operator_alert_on_call"
    assert "URGENTE" in group.payload["text"] and "SEI DI TURNO" in private.payload["text"]


def test_an_urgent_report_in_office_hours_goes_to_the_group_only(
    db: Database, setup: OperatorSetup
) -> None:
    with db.unit_of_work() as session:
        anna = factories.user(session, "anna", queues=("reperibilita",), telegram="9001")
        setup = with_rota(setup, anna.username)
        report = factories.report(
            session, setup, factories.person(session), "non respira", urgency="high"
        )
        assert alert_new_report(session, report, setup, TUESDAY_10) == 1
        assert factories.outbox_to(session, "9001") == []


def test_an_urgent_report_is_posted_again_until_someone_takes_it(
    db: Database, setup: OperatorSetup
) -> None:
    setup = with_rota(setup)
    with db.unit_of_work() as session:
        report = factories.report(
            session, setup, factories.person(session), "non respira", urgency="high",
            now=SATURDAY_NIGHT,
        )  # fmt: skip
        calm = factories.report(
            session, setup, factories.person(session, "ugo"), now=SATURDAY_NIGHT
        )
        alert_new_report(session, report, setup, SATURDAY_NIGHT)
        alert_new_report(session, calm, setup, SATURDAY_NIGHT)
        anna = factories.user(session, "anna", queues=("reperibilita",))

    every = setup.on_call.remind_every
    with db.unit_of_work() as session:
        assert remind_unclaimed(session, setup, SATURDAY_NIGHT + every / 2) == 0
        assert remind_unclaimed(session, setup, SATURDAY_NIGHT + every) == 1
        assert remind_unclaimed(session, setup, SATURDAY_NIGHT + every * 1.5) == 0
        assert remind_unclaimed(session, setup, SATURDAY_NIGHT + every * 2) == 1
        casework.take_in_charge(session, setup, anna, report.id, SATURDAY_NIGHT + every * 2)
        assert remind_unclaimed(session, setup, SATURDAY_NIGHT + every * 5) == 0
        responses = factories.responses_to(session, URGENT_GROUP)
    assert responses == [
        "utter_operator_alert_high",
        "utter_operator_alert_reminder",
        "utter_operator_alert_reminder",
        "utter_operator_taken",
    ]


def test_buttons_act_as_the_linked_operator(db: Database, setup: OperatorSetup) -> None:
    with db.unit_of_work() as session:
        maria = factories.person(session)
        report = factories.report(session, setup, maria)
        factories.user(session, "anna", queues=("anziani_disabilita",), telegram="4242")
        answer = handle_operator_callback(
            session, 4242, f"op:take:{report.id}", chat_id=OPERATORS_GROUP, setup=setup
        )
        assert report.reference in answer.text and not answer.alert
        assert session.get(Report, report.id).status == "taken"  # type: ignore[union-attr]
        assert factories.responses_to(session, "chat-maria") == ["utter_report_taken"]


def test_a_stranger_pressing_a_button_changes_nothing(db: Database, setup: OperatorSetup) -> None:
    with db.unit_of_work() as session:
        report = factories.report(session, setup, factories.person(session))
        factories.user(session, "carla", queues=("lavoro_casa",), telegram="5151")
        unknown = handle_operator_callback(session, 999, f"op:take:{report.id}", setup=setup)
        other_queue = handle_operator_callback(session, 5151, f"op:take:{report.id}", setup=setup)
        garbage = handle_operator_callback(session, 5151, "op:explode:1", setup=setup)
        assert unknown.alert and other_queue.alert and garbage.alert
        assert "collegato" in unknown.text
        assert session.get(Report, report.id).status == "new"  # type: ignore[union-attr]


def test_reassign_and_close_ask_which_queue_and_which_outcome(
    db: Database, setup: OperatorSetup
) -> None:
    with db.unit_of_work() as session:
        maria = factories.person(session)
        report = factories.report(session, setup, maria)
        factories.user(session, "zoe", role="coordinator", telegram="3003")
        handle_operator_callback(
            session, 3003, f"op:reassign:{report.id}", chat_id=OPERATORS_GROUP, setup=setup
        )
        choice = factories.outbox_to(session, OPERATORS_GROUP)[-1]
        targets = {b["payload"] for b in choice.payload["buttons"]}
        assert f"op:reassign:{report.id}:lavoro_casa" in targets
        assert f"op:reassign:{report.id}:anziani_disabilita" not in targets
        handle_operator_callback(
            session, 3003, f"op:reassign:{report.id}:lavoro_casa", chat_id=OPERATORS_GROUP,
            setup=setup,
        )  # fmt: skip
        assert session.get(Report, report.id).queue == "lavoro_casa"  # type: ignore[union-attr]

        handle_operator_callback(
            session, 3003, f"op:close:{report.id}", chat_id=OPERATORS_GROUP, setup=setup
        )
        outcomes = factories.outbox_to(session, OPERATORS_GROUP)[-1].payload["buttons"]
        assert [b["payload"] for b in outcomes] == [
            f"op:close:{report.id}:{outcome}" for outcome in casework.OUTCOMES
        ]
        handle_operator_callback(
            session, 3003, f"op:close:{report.id}:resolved", chat_id=OPERATORS_GROUP, setup=setup
        )
        closed = session.get(Report, report.id)
        assert closed is not None and (closed.status, closed.outcome) == ("closed", "resolved")
        assert factories.responses_to(session, "chat-maria")[-1] == "utter_report_closed"


def test_operators_answer_and_note_with_commands(db: Database, setup: OperatorSetup) -> None:
    with db.unit_of_work() as session:
        maria = factories.person(session)
        report = factories.report(session, setup, maria)
        factories.user(session, "anna", queues=("anziani_disabilita",), telegram="4242")
        said = handle_operator_command(
            session, 4242, f"/rispondi {report.reference} Buongiorno, la chiamo alle 11",
            setup=setup,
        )  # fmt: skip
        noted = handle_operator_command(
            session, 4242, f"/nota@scintille_bot {report.reference} Ha una badante", setup=setup
        )
        usage = handle_operator_command(session, 4242, "/rispondi", setup=setup)
        other = handle_operator_command(session, 4242, "buongiorno a tutti", setup=setup)
        assert said is not None and "inviata" in said
        assert noted is not None and "Nota salvata" in noted
        assert usage is not None and "/rispondi 2026-0142" in usage
        assert other is None
        texts = factories.texts_to(session, "chat-maria")
        assert any("Buongiorno, la chiamo alle 11" in text for text in texts)
        assert all("badante" not in text for text in texts)


def test_every_new_report_is_announced_once_whoever_wrote_it(
    db: Database, setup: OperatorSetup
) -> None:
    with db.unit_of_work() as session:
        fresh = factories.report(session, setup, factories.person(session))
        factories.report(
            session, setup, factories.person(session, "ugo"), now=TUESDAY_10 - timedelta(days=3)
        )
    with db.unit_of_work() as session:
        assert alert_unannounced(session, setup, TUESDAY_10 + timedelta(minutes=1)) == 1
        assert alert_unannounced(session, setup, TUESDAY_10 + timedelta(minutes=2)) == 0
        [alert] = factories.outbox_to(session, OPERATORS_GROUP)
        assert fresh.reference in alert.payload["text"]


def test_the_emergency_action_s_alert_gets_the_buttons_and_the_reminders(
    db: Database, setup: OperatorSetup
) -> None:
    setup = with_rota(setup)
    with db.unit_of_work() as session:
        report = factories.report(
            session, setup, factories.person(session), "aiuto", urgency="high", now=SATURDAY_NIGHT
        )
        written = OutgoingMessage(text=f"URGENTE {report.reference}")
        alert = with_buttons(session, report, written, setup, SATURDAY_NIGHT)
        assert alert.buttons[0].payload == f"op:take:{report.id}"
        # Counted as the first alert: not announced again, but reminded in five minutes.
        assert alert_unannounced(session, setup, SATURDAY_NIGHT) == 0
        every = setup.on_call.remind_every
        assert remind_unclaimed(session, setup, SATURDAY_NIGHT + every) == 1
