"""The web chat's own words, kept in domain.yml as `utter_web_*` responses.

A Rasa 3 domain holds responses only, so the page's title, labels and error texts are
responses too: a coordinator changes them where every other sentence of the bot lives.
"""

from collections.abc import Mapping
from dataclasses import dataclass

from bot.engine.responses import Responses

PREFIX = "utter_web_"

# Names without the prefix: the page, its script and the API's error answers use all of them.
REQUIRED = (
    "name",
    "title",
    "tagline",
    "welcome",
    "log_label",
    "input_label",
    "placeholder",
    "send",
    "you",
    "location_button",
    "location_waiting",
    "location_sent",
    "location_unavailable",
    "open_map",
    "typing",
    "noscript",
    "error_network",
    "error_bad_json",
    "error_too_large",
    "error_unsupported",
    "error_empty",
    "error_invalid",
    "error_not_found",
    "error_server",
    "back_to_chat",
)


class WebTextsMissing(Exception):
    """domain.yml lacks some of the page's texts: say which, so the fix is obvious."""


@dataclass(frozen=True)
class WebTexts:
    texts: Mapping[str, str]

    def __getitem__(self, name: str) -> str:
        return self.texts[name]

    @classmethod
    def from_responses(cls, responses: Responses) -> "WebTexts":
        """The page's texts from the assistant's responses, loaded and checked already."""
        missing = [PREFIX + name for name in REQUIRED if PREFIX + name not in responses]
        if missing:
            raise WebTextsMissing(
                f"domain.yml has no text for the web chat's responses: {', '.join(missing)}"
            )
        # A label must not change at every page load, so the first variation is the one shown.
        return cls({name: responses.variations(PREFIX + name)[0].text for name in REQUIRED})
