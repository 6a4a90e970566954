"""People who offer their time, a skill, a car, a language."""

from sqlalchemy.orm import Session

from bot.db.models import Volunteer


def offer_help(
    session: Session,
    person_id: int | None,
    offer: str,
    availability: str | None = None,
    comune: str | None = None,
) -> Volunteer:
    volunteer = Volunteer(
        person_id=person_id, offer=offer, availability=availability, comune=comune
    )
    session.add(volunteer)
    session.flush()
    return volunteer
