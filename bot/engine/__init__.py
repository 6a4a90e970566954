"""The conversation engine: runs domain.yml, flows/ and actions/ without a Rasa server."""

from typing import TYPE_CHECKING, Any

from bot.engine.errors import ContentError

if TYPE_CHECKING:
    from bot.engine.assistant import Assistant

__all__ = ["Assistant", "ContentError"]


def __getattr__(name: str) -> Any:
    # The Assistant brings the NLU with it (spaCy, scikit-learn, Duckling: some 200 MB). It is
    # imported when asked for, so that a process that only reads the domain's responses or
    # a conversation's state (the campaign timer) does not carry the NLU.
    if name == "Assistant":
        from bot.engine.assistant import Assistant

        return Assistant
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
