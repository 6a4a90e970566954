"""What actions read from the tracker: who is writing, the triage and entities of the message."""

from typing import Any

from rasa_sdk import Tracker


def person_id(tracker: Tracker) -> int:
    """The engine's tracker carries the person's internal id as sender id."""
    return int(tracker.sender_id)


def triage(tracker: Tracker) -> dict[str, Any]:
    """The latest message's triage, with the labels as plain names ("category": "housing")."""
    metadata = tracker.latest_message.get("metadata") or {}
    # The NLU gives {"name": ..., "confidence": ...}; a hand-built parse may give the name.
    return {
        key: value.get("name") if isinstance(value, dict) else value
        for key, value in (metadata.get("triage") or {}).items()
    }


def category(tracker: Tracker) -> str:
    """The report category of the latest message, "other" when the NLU has none."""
    return str(triage(tracker).get("category") or "other")


def urgency(tracker: Tracker) -> str:
    return str(triage(tracker).get("urgency") or "low")


def entity(tracker: Tracker, name: str) -> Any:
    """The first value of an entity in the latest message, or None."""
    for found in tracker.latest_message.get("entities") or ():
        if found.get("entity") == name:
            return found.get("value")
    return None


def district_town(tracker: Tracker) -> str | None:
    """The town of a district named in the latest message ("a borgaretto" -> Beinasco)."""
    for found in tracker.latest_message.get("entities") or ():
        if found.get("entity") == "frazione":
            town = found.get("comune") or (found.get("extras") or {}).get("comune")
            if town:
                return str(town)
    return None


def text(tracker: Tracker) -> str:
    return str(tracker.latest_message.get("text") or "")


def channel(tracker: Tracker) -> str:
    metadata = tracker.latest_message.get("metadata") or {}
    return str(metadata.get("channel") or "web")


def number(value: Any) -> int | None:
    """A button's id ("12") as a number; None when it is not one."""
    try:
        return int(str(value))
    except (TypeError, ValueError):
        return None
