"""Reads Rasa 3 NLU YAML: intents with annotated entities, synonyms, lookup tables, regexes."""

import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

# [text](entity), [text](entity:value) and [text]{"entity": ..., "value": ...}
_ANNOTATION = re.compile(r"\[(?P<text>[^\]]+)\](?:\((?P<short>[^)]+)\)|(?P<json>\{[^}]*\}))")


@dataclass(frozen=True)
class AnnotatedEntity:
    entity: str
    value: str
    start: int
    end: int
    text: str


@dataclass(frozen=True)
class Example:
    text: str
    intent: str
    entities: tuple[AnnotatedEntity, ...] = ()
    metadata: Mapping[str, Any] = field(default_factory=dict)
    source: str = ""


@dataclass
class NluData:
    examples: list[Example] = field(default_factory=list)
    synonyms: dict[str, str] = field(default_factory=dict)  # variant (as written) -> canonical
    lookups: dict[str, list[str]] = field(default_factory=dict)
    regexes: dict[str, list[str]] = field(default_factory=dict)

    def extend(self, other: "NluData") -> None:
        self.examples.extend(other.examples)
        self.synonyms.update(other.synonyms)
        for name, items in other.lookups.items():
            self.lookups.setdefault(name, []).extend(items)
        for name, patterns in other.regexes.items():
            self.regexes.setdefault(name, []).extend(patterns)


def parse_annotated(raw: str) -> tuple[str, tuple[AnnotatedEntity, ...]]:
    """The plain text of a training example and the entities annotated in it."""
    text_parts: list[str] = []
    entities: list[AnnotatedEntity] = []
    position = 0
    length = 0
    for match in _ANNOTATION.finditer(raw):
        before = raw[position : match.start()]
        text_parts.append(before)
        length += len(before)
        span = match.group("text")
        entity, value = _entity_and_value(match.group("short"), match.group("json"), span)
        if entity:
            entities.append(AnnotatedEntity(entity, value, length, length + len(span), span))
        text_parts.append(span)
        length += len(span)
        position = match.end()
    text_parts.append(raw[position:])
    return "".join(text_parts), tuple(entities)


def _entity_and_value(short: str | None, raw_json: str | None, span: str) -> tuple[str, str]:
    if short is not None:
        entity, _, value = short.partition(":")
        return entity.strip(), (value.strip() or span)
    try:
        described = json.loads(raw_json or "{}")
    except json.JSONDecodeError:
        return "", span
    if not isinstance(described, dict):
        return "", span
    return str(described.get("entity", "")), str(described.get("value", span))


def _items(block: Any) -> list[Any]:
    """The examples of a block: a `- item` string or a list of strings / {text: ...} maps."""
    if isinstance(block, str):
        return [line.strip()[2:].strip() for line in block.splitlines()
                if line.strip().startswith("- ")]
    if isinstance(block, list):
        return block
    return []


def _examples_of(intent: str, block: Any, source: str) -> Iterable[Example]:
    for item in _items(block):
        metadata: Mapping[str, Any] = {}
        if isinstance(item, dict):
            raw = str(item.get("text", "")).strip()
            found = item.get("metadata") or {}
            metadata = found if isinstance(found, dict) else {}
        else:
            raw = str(item).strip()
        if not raw:
            continue
        text, entities = parse_annotated(raw)
        yield Example(text.strip(), intent, entities, metadata, source)


def read_file(path: Path) -> NluData:
    content = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    data = NluData()
    for block in content.get("nlu") or []:
        if not isinstance(block, dict):
            continue
        examples = block.get("examples")
        if "intent" in block:
            data.examples.extend(_examples_of(str(block["intent"]), examples, str(path)))
        elif "synonym" in block:
            canonical = str(block["synonym"])
            for variant in _items(examples):
                data.synonyms[str(variant)] = canonical
        elif "lookup" in block:
            data.lookups.setdefault(str(block["lookup"]), []).extend(
                str(item) for item in _items(examples))
        elif "regex" in block:
            data.regexes.setdefault(str(block["regex"]), []).extend(
                str(item) for item in _items(examples))
    return data


def nlu_files(folder: Path) -> list[Path]:
    return sorted(path for pattern in ("*.yml", "*.yaml") for path in folder.rglob(pattern))


def read_folder(folder: Path) -> NluData:
    data = NluData()
    for path in nlu_files(folder):
        data.extend(read_file(path))
    return data
