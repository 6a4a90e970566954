"""What `antenna nlu train|parse|evaluate` runs (bot/cli.py wires the commands to these)."""

import json
import logging
import sys
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import IO, Any

from bot.nlu.evaluation import run, summary_lines
from bot.nlu.loading import load_pipeline, nlu_paths
from bot.nlu.pipeline import NluPipeline
from bot.nlu.result import ParseResult
from bot.settings import Settings

LOG = logging.getLogger(__name__)
# Written apart from nlu/ and never trained on: the first by the authors of the training data,
# the second by someone who saw only the taxonomy.
TEST_FILES = (Path("tests") / "data" / "nlu_heldout.yml", Path("tests") / "data" / "nlu_fresh.yml")
_BATCH = 256


def train(settings: Settings, out: IO[str] = sys.stdout) -> int:
    """Train the model again, whatever its hash says."""
    pipeline = load_pipeline(settings, force_training=True)
    model = pipeline.model
    print(f"NLU model {model.fingerprint} trained in {model.training_seconds:.1f} s "
          f"({len(model.intent.labels)} intents, {len(model.category.labels)} categories, "
          f"spaCy {pipeline.spacy_model})", file=out)
    return 0


def _lines(stdin: IO[bytes] | bytes) -> Iterator[str]:
    """Each line as text; bytes that are not UTF-8 become U+FFFD instead of an error."""
    source: Iterable[bytes] = stdin.splitlines(keepends=True) if isinstance(stdin, bytes) else stdin
    for raw in source:
        yield raw.rstrip(b"\r\n").decode("utf-8", errors="replace")


def _failed(text: str) -> dict[str, Any]:
    """What a line that could not be parsed gets: the same shape, nothing understood."""
    return {"text": text, "intent": {"name": "nlu_fallback", "confidence": 0.0},
            "intent_ranking": [], "entities": [],
            "triage": {"category": {"name": "other", "confidence": 0.0},
                       "urgency": {"name": "low", "confidence": 0.0}, "danger": []},
            "language": "it", "cancel": False, "correction": False, "error": "not parsed"}


def _parse_all(pipeline: NluPipeline, texts: list[str]) -> list[dict[str, Any]]:
    try:
        return [result.to_dict() for result in pipeline.parse_batch(texts)]
    except Exception:
        LOG.exception("NLU batch of %d lines failed, parsing them one by one", len(texts))
    parsed: list[dict[str, Any]] = []
    for text in texts:
        try:
            result: ParseResult = pipeline.parse(text)
            parsed.append(result.to_dict())
        except Exception:
            LOG.exception("NLU could not parse a line of %d characters", len(text))
            parsed.append(_failed(text))
    return parsed


def parse_stream(pipeline: NluPipeline, stdin: IO[bytes] | bytes, stdout: IO[str],
                 batch: int | None = None) -> int:
    """One message per input line, one JSON object per output line, in the same order."""
    size = batch or (1 if getattr(stdin, "isatty", lambda: False)() else _BATCH)
    pending: list[str] = []

    def flush() -> None:
        for parsed in _parse_all(pipeline, pending):
            stdout.write(json.dumps(parsed, ensure_ascii=False) + "\n")
        stdout.flush()
        pending.clear()

    for line in _lines(stdin):
        pending.append(line)
        if len(pending) >= size:
            flush()
    if pending:
        flush()
    return 0


def evaluate(settings: Settings, report_path: Path, test_files: Sequence[Path] = (),
             out: IO[str] = sys.stdout) -> int:
    """Cross-validation and a score for each test file (ours when none is given); the JSON
    report goes to `report_path`."""
    files = list(test_files) or [settings.project_root / name for name in TEST_FILES]
    missing = [str(path) for path in files if not path.is_file()]
    if missing:
        print(f"no such test file: {', '.join(missing)}", file=sys.stderr)
        return 2
    pipeline = load_pipeline(settings)
    nlu_folder, _, _ = nlu_paths(settings)
    report = run(pipeline, nlu_folder, files)
    report_path.parent.mkdir(parents=True, exist_ok=True)
    report_path.write_text(json.dumps(report, ensure_ascii=False, indent=2), encoding="utf-8")
    for line in summary_lines(report):
        print(line, file=out)
    print(f"report written to {report_path}", file=out)
    return 0
