"""The one error a coordinator meets: content that cannot run, explained in plain words."""

from collections.abc import Sequence


class ContentError(Exception):
    """domain.yml, flows/ or actions/ cannot run; every problem found is listed, with its place."""

    def __init__(self, problems: Sequence[str]) -> None:
        self.problems = tuple(problems)
        count = len(self.problems)
        heading = "1 problem" if count == 1 else f"{count} problems"
        lines = "\n".join(f"  - {problem}" for problem in self.problems)
        super().__init__(f"The assistant's content has {heading}:\n{lines}")


class Problems:
    """Collects problems while loading, so the coordinator sees all of them in one go."""

    def __init__(self) -> None:
        self.found: list[str] = []

    def add(self, where: str, what: str) -> None:
        self.found.append(f"{where}: {what}")

    def raise_if_any(self) -> None:
        if self.found:
            raise ContentError(self.found)
