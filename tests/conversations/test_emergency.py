"""The safety net: an urgent message wins over any flow, the numbers come at once, the on-call
is alerted, and the interrupted conversation resumes afterwards."""

from collections.abc import Callable

from sqlalchemy import select

from bot.db.database import Database
from bot.db.models import OutboxMessage, Report
from bot.engine import Assistant
from tests.conversations.conftest import OPERATOR_GROUPS, Person


def alerts(db: Database) -> list[OutboxMessage]:
    groups = [str(group) for group in OPERATOR_GROUPS]
    with db.unit_of_work() as session:
        return list(
            session.scalars(
                select(OutboxMessage)
                .where(OutboxMessage.address.in_(groups))
                .order_by(OutboxMessage.id)
            )
        )


def test_an_emergency_in_the_middle_of_a_flow(maria: Person, db: Database) -> None:
    maria.says("vorrei dare una mano come volontaria")
    maria.says("so cucinare e posso portare pasti")
    answer = maria.says("scusa ma non ce la faccio piu voglio farla finita stasera")
    assert "112" in answer and "Telefono Amico 02 2327 2327" in answer
    assert "Ho avvisato adesso l'operatore di turno" in answer
    assert maria.responses()[0] == "utter_emergency"
    assert maria.responses()[-1] == "utter_ask_emergency_safety"

    with db.unit_of_work() as session:
        report = session.scalars(select(Report)).one()
        assert (report.urgency, report.queue, report.kind) == ("high", "reperibilita", "emergency")
        assert "voglio farla finita" in report.text
    sent = alerts(db)
    assert sorted(row.address for row in sent) == sorted(str(g) for g in OPERATOR_GROUPS)
    assert all(row.priority == 0 and report.reference in row.payload["text"] for row in sent)

    followup = maria.says("si adesso sono al sicuro")
    assert report.reference in followup
    # The volunteering conversation picks up where it was.
    assert maria.responses()[-2:] == ["utter_continue_interrupted", "utter_ask_help_when"]
    with db.unit_of_work() as session:
        updated = session.scalars(select(Report)).one()
        assert updated.text.endswith("si adesso sono al sicuro")
    # The on-call sees the answer too.
    assert len(alerts(db)) == 2 * len(OPERATOR_GROUPS)


def test_more_urgent_words_join_the_same_emergency(maria: Person, db: Database) -> None:
    maria.says("mi voglio ammazzare")
    answer = maria.says("sono in macchina davanti alla stazione di orbassano")
    assert "112" in answer
    with db.unit_of_work() as session:
        report = session.scalars(select(Report)).one()
        assert "davanti alla stazione di orbassano" in report.text
        assert report.comune == "Orbassano"
    assert len(alerts(db)) == 2 * len(OPERATOR_GROUPS)


def test_violence_gives_1522_first(maria: Person, db: Database) -> None:
    answer = maria.says("mio marito mi picchia e adesso e qui in casa, ho paura")
    assert answer.index("1522") < answer.index("112")
    with db.unit_of_work() as session:
        report = session.scalars(select(Report)).one()
        assert (report.category, report.urgency, report.queue) == (
            "violence",
            "high",
            "reperibilita",
        )


def test_before_consent_the_numbers_come_first_and_nothing_is_stored(
    assistant: Assistant, db: Database
) -> None:
    stranger = Person(assistant, "sconosciuto")
    answer = stranger.says("voglio morire")
    assert answer.index("112") < answer.index("Va bene per te?")
    assert "Ho avvisato" not in answer
    assert stranger.responses() == [
        "utter_emergency",
        "utter_emergency_no_consent",
        "utter_privacy_notice",
    ]
    with db.unit_of_work() as session:
        assert session.scalars(select(Report)).all() == []
    # Once the person accepts, the on-call is alerted with what they wrote.
    accepted = stranger.taps("Accetto")
    assert "Ho avvisato adesso l'operatore di turno" in accepted
    with db.unit_of_work() as session:
        report = session.scalars(select(Report)).one()
        assert report.urgency == "high" and report.text == "voglio morire"


def test_declining_still_gets_information_and_the_numbers(
    assistant: Assistant, db: Database
) -> None:
    stranger = Person(assistant, "riservato")
    stranger.says("ciao")
    stranger.taps("Non accetto")
    assert "orari" in stranger.says("quali sono gli orari degli uffici?")
    answer = stranger.says("mi voglio ammazzare")
    assert "112" in answer and "Telefono Amico" in answer


def test_a_restart_during_the_emergency_keeps_the_same_report(
    make_assistant: Callable[[], Assistant], db: Database
) -> None:
    first = Person(make_assistant(), "elena")
    first.accepts_privacy()
    first.says("il mio vicino anziano non lo vedo da quattro giorni e non risponde")
    later = Person(make_assistant(), "elena")
    answer = later.says("abito a orbassano in via roma 12")
    assert "segnalazione n." in answer
    with db.unit_of_work() as session:
        report = session.scalars(select(Report)).one()
        assert report.urgency == "high" and "via roma 12" in report.text


def test_no_food_tonight_gets_the_on_call_looking_for_food_not_a_list_of_lines(
    maria: Person, db: Database
) -> None:
    answer = maria.says("sono le 2 di notte, non ho niente da dare da mangiare ai miei bambini")

    assert "operatore di turno" in answer and "da mangiare" in answer
    assert "1522" not in answer and "Telefono Amico" not in answer
    assert "quanti siete" in answer
    with db.unit_of_work() as session:
        report = session.scalars(select(Report)).one()
        assert (report.urgency, report.queue) == ("high", "reperibilita")
    assert len(alerts(db)) == len(OPERATOR_GROUPS)
