"""Reports reach the operators who can act on them, as queues.yml says."""

from pathlib import Path

import pytest
import yaml

from bot.services.routing import QUEUES_FILE, QueuesFileError, load_routing, parse_routing

CATEGORIES = [
    "loneliness",
    "elderly_care",
    "family_minors",
    "disability",
    "work",
    "housing",
    "poverty",
    "health",
    "addiction",
    "migrants_integration",
    "neighbourhood",
    "public_spaces",
    "violence",
    "other",
]
TOWNS = ["Beinasco", "Bruino", "Orbassano", "Piossasco", "Rivalta di Torino", "Volvera"]


@pytest.mark.parametrize(
    ("category", "urgency", "comune", "queue"),
    [
        ("elderly_care", "medium", "Bruino", "anziani_disabilita"),
        ("disability", "low", None, "anziani_disabilita"),
        ("family_minors", "medium", "Volvera", "minori_famiglie"),
        ("housing", "medium", "Beinasco", "lavoro_casa"),
        ("poverty", "medium", "Piossasco", "lavoro_casa"),
        ("migrants_integration", "low", "Orbassano", "stranieri_integrazione"),
        ("loneliness", "medium", "Rivalta di Torino", "comunita_volontariato"),
        ("public_spaces", "low", "Orbassano", "spazi_pubblici_orbassano"),
        ("public_spaces", "low", "Rivalta di Torino", "spazi_pubblici_rivalta"),
        # A broken bench in a town outside the consortium: the front desk passes it on.
        ("public_spaces", "low", "Rivoli", "sportello_sociale"),
        ("public_spaces", "low", None, "sportello_sociale"),
        ("health", "medium", "Bruino", "sportello_sociale"),
        ("other", "low", None, "sportello_sociale"),
        # Whatever it is about, someone who may come to harm today goes to the on-call.
        ("violence", "high", "Orbassano", "reperibilita"),
        ("public_spaces", "high", "Bruino", "reperibilita"),
        ("loneliness", "high", None, "reperibilita"),
    ],
)
def test_the_shipped_queues_route_each_report_to_its_operators(
    category: str, urgency: str, comune: str | None, queue: str
) -> None:
    assert load_routing().route(category, urgency, comune).id == queue


def test_every_category_and_town_has_operators_named_in_a_sentence() -> None:
    routing = load_routing()
    for category in CATEGORIES:
        for comune in [*TOWNS, None]:
            for urgency in ("high", "medium", "low"):
                queue = routing.route(category, urgency, comune)
                sentence = f"è arrivata agli operatori {queue.operators}"
                assert queue.operators.strip() and "  " not in sentence
    assert routing.on_call.id == "reperibilita"
    assert set(routing.answer_within) == {"high", "medium", "low"}


def test_each_town_has_its_own_public_spaces_office() -> None:
    routing = load_routing()
    offices = {routing.route("public_spaces", "low", town).id for town in TOWNS}
    assert len(offices) == len(TOWNS)
    for town in TOWNS:
        assert town in routing.route("public_spaces", "low", town).operators


def _document() -> dict:
    return yaml.safe_load(QUEUES_FILE.read_text(encoding="utf-8"))


def test_a_missing_default_queue_is_named_in_the_error() -> None:
    document = _document()
    document["default"] = "sportello_che_non_esiste"
    with pytest.raises(QueuesFileError, match="sportello_che_non_esiste"):
        parse_routing(document)


def test_a_queue_without_its_operators_phrase_is_named_in_the_error() -> None:
    document = _document()
    del document["queues"][2]["operators"]
    with pytest.raises(QueuesFileError, match="operators"):
        parse_routing(document)


def test_an_unknown_urgency_is_refused() -> None:
    document = _document()
    document["queues"][0]["urgencies"] = ["altissima"]
    with pytest.raises(QueuesFileError, match="urgenze"):
        parse_routing(document)


def test_a_coordinator_can_reorder_the_queues(tmp_path: Path) -> None:
    document = _document()
    # Violence no longer with minors and families but at the front desk: the file decides.
    for queue in document["queues"]:
        if queue["id"] == "minori_famiglie":
            queue["categories"] = ["family_minors"]
    path = tmp_path / "queues.yml"
    path.write_text(yaml.safe_dump(document, allow_unicode=True), encoding="utf-8")
    assert load_routing(path).route("violence", "medium", "Bruino").id == "sportello_sociale"
