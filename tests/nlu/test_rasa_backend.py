"""NLU_BACKEND=rasa: intent and entities from a Rasa server, triage and safety net ours."""

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, ClassVar

import pytest

from bot.nlu import NluPipeline
from bot.nlu.rasa_backend import RasaNluPipeline


class FakeRasa(BaseHTTPRequestHandler):
    """Answers /model/parse like Rasa 3 does, always with intent greet."""

    received: ClassVar[list[dict[str, Any]]] = []

    def do_POST(self) -> None:
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        FakeRasa.received.append({"path": self.path, "body": body})
        text = body["text"]
        start = text.find("orbasano")
        entities = [] if start < 0 else [{"entity": "comune", "start": start,
                                          "end": start + 8, "value": "orbasano",
                                          "extractor": "DIETClassifier"}]
        answer = {"text": text, "intent": {"name": "greet", "confidence": 0.91},
                  "intent_ranking": [{"name": "greet", "confidence": 0.91},
                                     {"name": "goodbye", "confidence": 0.09}],
                  "entities": entities}
        payload = json.dumps(answer).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet."""


@pytest.fixture
def rasa_url() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), FakeRasa)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


@pytest.fixture
def rasa(nlu: NluPipeline, rasa_url: str) -> Iterator[RasaNluPipeline]:
    pipeline = RasaNluPipeline(nlu.model, nlu.config, rasa_url)
    yield pipeline
    pipeline.close()


def test_the_intent_comes_from_rasa(rasa: RasaNluPipeline) -> None:
    FakeRasa.received.clear()
    result = rasa.parse("buongiorno")
    assert result.intent.name == "greet"
    assert result.intent.confidence == pytest.approx(0.91)
    assert [label.name for label in result.intent_ranking] == ["greet", "goodbye"]
    assert FakeRasa.received == [{"path": "/model/parse", "body": {"text": "buongiorno"}}]


def test_rasa_towns_get_our_canonical_name(rasa: RasaNluPipeline) -> None:
    result = rasa.parse("abito a orbasano")
    assert [(e.entity, e.value) for e in result.entities] == [("comune", "Orbassano")]


def test_the_safety_net_runs_on_top_of_rasa(rasa: RasaNluPipeline) -> None:
    result = rasa.parse("mi voglio ammazzare, sono a orbasano")
    assert result.intent.name == "greet"
    assert result.urgency.name == "high"
    assert result.danger == ["suicide_selfharm"]
    assert result.category.name == "health"


def test_dates_come_from_our_extractor(rasa: RasaNluPipeline) -> None:
    result = rasa.parse("posso venire domani alle 18?")
    assert {"data", "ora"} <= {entity.entity for entity in result.entities}


def test_a_rasa_server_that_is_down_leaves_the_embedded_intent(nlu: NluPipeline) -> None:
    pipeline = RasaNluPipeline(nlu.model, nlu.config, "http://127.0.0.1:9")
    try:
        result = pipeline.parse("grazie mille")
    finally:
        pipeline.close()
    assert result.intent.name == "thank"
