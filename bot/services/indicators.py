"""The loneliness indicator, fed by the answers to the weekly check-in.

Each answer is read as a mood (good, so-so, bad) and whether the person says they feel alone.
An answer weighs 0 when the week went well, 0.5 when so-so, 1 when badly or when the person
says they are alone; the indicator of a town and a period is the mean weight of its answers,
from 0 (nobody who answered feels alone) to 1 (everyone does), next to how many were asked and
how many answered, since silence is a signal too.
"""

import re
import unicodedata
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.db.models import CampaignMessage, CheckinAnswer, Person
from bot.services.campaigns import DROPPED, WEEKLY_CHECKIN

GOOD = "good"
SO_SO = "so_so"
BAD = "bad"
MOODS = (GOOD, SO_SO, BAD)
WEIGHTS = {GOOD: 0.0, SO_SO: 0.5, BAD: 1.0}
NO_TOWN = ""

# Word beginnings, without accents, as people type them. Read in this order: "non tanto bene"
# is bad although it holds "bene", and "così così" is so-so although "cosi" is nothing alone.
_BAD = (
    r"\bnon (?:sto |va |mi sento )?(?:tanto |molto |troppo |per niente |proprio )?bene",
    r"\bmale\b",
    r"\bmalissimo",
    r"\bmaluccio",
    r"\btrist",
    r"\bdepress",
    r"\bgiu\b",
    r"\bpessim",
    r"\bbrutt",
    r"\bdifficil",
    r"\bfatica",
    r"\bstanc",
    r"\bangosc",
    r"\bpaura",
    r"\bpiang",
    r"\bnon ce la faccio",
)
_SO_SO = (
    r"\bnon benissimo",
    r"\bcosi cosi",
    r"\binsomma",
    r"\bmah\b",
    r"\bsi tira avanti",
    r"\btiriamo avanti",
    r"\bnon c'e male",
    r"\bpotrebbe andare meglio",
    r"\bsoliti",
    r"\bnormale",
    r"\babbastanza",
    r"\bdiscret",
)
_GOOD = (
    r"\bben(?:e|issimo|one)\b",
    r"\bottim",
    r"\bmeglio",
    r"\bok\b",
    r"\bbuon",
    r"\bfelic",
    r"\bcontent",
    r"\bseren",
    r"\balla grande",
    r"\btutto a posto",
)
# "solo" alone is mostly "only" ("solo un po' stanca"): it counts when it says how one lives.
_ALONE = (
    r"\b(?:sono|mi sento|sto|vivo|rimast[oaie]|resto|siamo) (?:\S+ ){0,2}sol[oaie]\b",
    r"\bsolitudin",
    r"\bisolat",
    r"\bnon (?:vedo|sento|ho) (?:mai |piu )?nessuno",
    r"\bnessuno mi\b",
    r"\bsenza nessuno",
    r"\babbandonat",
    r"\bdimenticat[oaie] da tutti",
)


def _plain(text: str) -> str:
    text = unicodedata.normalize("NFKD", text.lower()).encode("ascii", "ignore").decode()
    return re.sub(r"\s+", " ", text).strip()


def _matches(patterns: tuple[str, ...], text: str) -> bool:
    return any(re.search(pattern, text) for pattern in patterns)


def mood_of(text: str) -> str | None:
    """The mood an answer tells, or None when it says nothing about it."""
    plain = _plain(text)
    if plain in MOODS:
        return plain
    if _matches(_BAD, plain):
        return BAD
    if _matches(_SO_SO, plain):
        return SO_SO
    if _matches(_GOOD, plain):
        return GOOD
    return None


def feels_alone(text: str) -> bool:
    return _matches(_ALONE, _plain(text))


def record_answer(
    session: Session,
    person: Person,
    week: str,
    *,
    mood: str,
    lonely: bool,
    report_id: int | None,
    now: datetime,
) -> CheckinAnswer:
    """The person's answer for the week; a second answer the same week replaces the first."""
    if mood not in MOODS:
        raise ValueError(f"mood must be one of {MOODS}")
    answer = session.scalars(
        select(CheckinAnswer).where(
            CheckinAnswer.person_id == person.id, CheckinAnswer.week == week
        )
    ).first()
    if answer is None:
        answer = CheckinAnswer(person_id=person.id, week=week, created_at=now)
        session.add(answer)
    answer.comune = person.comune
    answer.mood = mood
    answer.lonely = lonely
    answer.report_id = report_id or answer.report_id
    session.flush()
    return answer


@dataclass(frozen=True)
class LonelinessIndicator:
    comune: str  # NO_TOWN for people who did not say their town; "*" for all towns together
    asked: int
    answered: int
    not_well: int
    alone: int
    # Mean weight of the answers, 0 to 1; None without answers.
    score: float | None


ALL = "*"


def loneliness(session: Session, since: datetime, until: datetime) -> list[LonelinessIndicator]:
    """Town by town, then all towns together ("*"), for check-ins asked in [since, until)."""
    answers = session.execute(
        select(CheckinAnswer.comune, CheckinAnswer.mood, CheckinAnswer.lonely).where(
            CheckinAnswer.created_at >= since, CheckinAnswer.created_at < until
        )
    ).all()
    asked_rows = session.execute(
        select(Person.comune, func.count())
        .join(CampaignMessage, CampaignMessage.person_id == Person.id)
        .where(
            CampaignMessage.campaign == WEEKLY_CHECKIN,
            CampaignMessage.outcome != DROPPED,
            CampaignMessage.created_at >= since,
            CampaignMessage.created_at < until,
        )
        .group_by(Person.comune)
    ).all()
    asked = {town or NO_TOWN: int(count) for town, count in asked_rows}
    towns = sorted({town or NO_TOWN for town, _, _ in answers} | set(asked))
    rows = [
        _indicator(town, asked.get(town, 0), [a for a in answers if (a[0] or NO_TOWN) == town])
        for town in towns
    ]
    rows.append(_indicator(ALL, sum(asked.values()), list(answers)))
    return rows


def _indicator(
    town: str, asked: int, answers: list[tuple[str | None, str, bool]]
) -> LonelinessIndicator:
    weights = [1.0 if lonely else WEIGHTS[mood] for _, mood, lonely in answers]
    return LonelinessIndicator(
        comune=town,
        asked=asked,
        answered=len(answers),
        not_well=sum(1 for _, mood, _ in answers if mood == BAD),
        alone=sum(1 for _, _, lonely in answers if lonely),
        score=round(sum(weights) / len(weights), 3) if weights else None,
    )
