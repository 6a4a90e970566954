"""The unconventional map: places that matter to people, with their stories."""

from sqlalchemy.orm import Session

from bot.db.models import Place


def share_place(
    session: Session,
    person_id: int | None,
    name: str,
    story: str | None = None,
    *,
    comune: str | None = None,
    address: str | None = None,
    latitude: float | None = None,
    longitude: float | None = None,
) -> Place:
    place = Place(
        person_id=person_id,
        name=name[:200],
        story=story,
        comune=comune,
        address=address[:300] if address else None,
        latitude=latitude,
        longitude=longitude,
    )
    session.add(place)
    session.flush()
    return place
