"""Reading the content's YAML files, with errors that point at the line a coordinator must fix."""

from pathlib import Path
from typing import Any

import yaml

from bot.engine.errors import Problems


def display_path(path: Path, root: Path) -> str:
    try:
        return str(path.relative_to(root))
    except ValueError:
        return str(path)


def read_yaml(path: Path, root: Path, problems: Problems) -> Any:
    """The file's content, or None after recording why it cannot be read."""
    where = display_path(path, root)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        problems.add(where, "the file is missing")
        return None
    except (OSError, UnicodeDecodeError) as error:
        problems.add(where, f"the file cannot be read ({error.__class__.__name__})")
        return None
    try:
        return yaml.safe_load(text)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark
        place = f"line {mark.line + 1}, column {mark.column + 1}" if mark else "somewhere"
        problems.add(where, f"{place}: the YAML is not valid ({error.problem})")
    except yaml.YAMLError as error:
        problems.add(where, f"the YAML is not valid ({error})")
    return None
