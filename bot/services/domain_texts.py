"""The operators' side speaks through domain.yml too: what citizens read, the Telegram alerts
operators read, and the Italian names of categories, urgencies and statuses."""

import random
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bot.messages import Button, OutgoingMessage

if TYPE_CHECKING:
    from bot.engine.responses import Responses


class DomainTexts:
    def __init__(self, responses: "Responses") -> None:
        self._responses = responses

    @classmethod
    def load(cls, project_root: Path) -> "DomainTexts":
        """Raises ContentError when domain.yml cannot be read."""
        # Imported here: the engine itself imports the operators' side (the handoff), so a
        # module-level import would go round in a circle.
        from bot.engine.domain import load_domain
        from bot.engine.errors import Problems
        from bot.engine.responses import Responses, compile_responses

        problems = Problems()
        domain = load_domain(project_root / "domain.yml", project_root, problems)
        variations = compile_responses(domain, "domain.yml", problems)
        problems.raise_if_any()
        return cls(Responses(variations, random.Random()))

    def __contains__(self, name: object) -> bool:
        return name in self._responses

    def message(
        self,
        name: str,
        channel: str,
        buttons: tuple[Button, ...] = (),
        /,
        **variables: Any,
    ) -> OutgoingMessage:
        """Positional-only, so that a text may use {channel} as any other variable."""
        return self._responses.render(name, {}, variables, channel, extra_buttons=buttons)

    def text(self, name: str, channel: str = "telegram", /, **variables: Any) -> str:
        return self.message(name, channel, **variables).text

    def label(self, kind: str, identifier: str) -> str:
        """`label("category", "elderly_care")` reads utter_category_elderly_care: "anziani".

        The first variation, so a label does not change from one page to the next; an
        identifier without a label shows as itself rather than as nothing.
        """
        name = f"utter_{kind}_{identifier}"
        if name not in self._responses:
            return identifier
        return self._responses.variations(name)[0].text
