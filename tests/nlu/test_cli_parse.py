"""`antenna nlu parse`: one JSON line for every input line, whatever the line holds."""

import io
import json

from bot.nlu import NluPipeline
from bot.nlu.cli import parse_stream

BAD_LINES = [
    b"",
    b"a" * 10_000,
    "😀😀😀".encode(),
    "مرحبا أحتاج مساعدة".encode(),
    "我需要帮助".encode(),
    b"\x00\x01\x07\x1b[31mrosso\x7f",
    b"\xff\xfe\xc3\x28 non utf-8",
    b"   ",
]


def run(nlu: NluPipeline, data: bytes, batch: int | None = None) -> list[dict[str, object]]:
    out = io.StringIO()
    assert parse_stream(nlu, io.BytesIO(data), out, batch) == 0
    return [json.loads(line) for line in out.getvalue().splitlines()]


def test_every_bad_line_gets_a_valid_json_line_and_the_batch_goes_on(nlu: NluPipeline) -> None:
    data = b"\n".join([*BAD_LINES, b"mi voglio ammazzare"]) + b"\n"
    parsed = run(nlu, data)
    assert len(parsed) == len(BAD_LINES) + 1
    for item in parsed:
        assert set(item) >= {"text", "intent", "intent_ranking", "entities", "triage",
                             "language"}
        assert item["triage"]["category"]["name"]
        assert item["triage"]["urgency"]["name"] in ("high", "medium", "low")
    assert parsed[-1]["triage"]["urgency"]["name"] == "high"
    assert "\ufffd" in parsed[6]["text"]


def test_the_shape_is_rasas_with_triage(nlu: NluPipeline) -> None:
    [item] = run(nlu, b"vorrei donare venti euro a orbasano\n", batch=1)
    assert item["intent"]["name"] == "donate"
    towns = [e["value"] for e in item["entities"] if e["entity"] == "comune"]
    assert towns == ["Orbassano"]
    amounts = [e["value"] for e in item["entities"] if e["entity"] == "importo"]
    assert amounts == [20.0]
    assert item["triage"]["category"] == {"name": "other", "confidence": 1.0}


def test_lines_keep_their_order_across_batches(nlu: NluPipeline) -> None:
    texts = [f"messaggio numero {number}" for number in range(7)]
    parsed = run(nlu, ("\n".join(texts) + "\n").encode(), batch=3)
    assert [item["text"] for item in parsed] == texts


def test_windows_line_endings_and_a_missing_last_newline(nlu: NluPipeline) -> None:
    parsed = run(nlu, b"ciao\r\ngrazie")
    assert [item["text"] for item in parsed] == ["ciao", "grazie"]
