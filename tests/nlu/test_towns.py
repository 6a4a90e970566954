"""Towns and districts as the operators' queues need them: canonical, never invented."""

import pytest

from bot.nlu import NluPipeline


def towns(nlu: NluPipeline, text: str) -> list[tuple[str, str]]:
    return [(entity.entity, entity.value) for entity in nlu.parse(text).entities
            if entity.entity in ("comune", "frazione")]


@pytest.mark.parametrize(("text", "town"), [
    ("abito a orbasano", "Orbassano"),
    ("sono di ORBASSANO", "Orbassano"),
    ("vivo a ore bassano", "Orbassano"),
    ("scrivo da bei nasco", "Beinasco"),
    ("ci sono eventi a rivalta?", "Rivalta di Torino"),
    ("abito a rivolta di torino", "Rivalta di Torino"),
    ("sono a piossaco", "Piossasco"),
    ("volvera", "Volvera"),
    ("mia madre è ricoverata al san luigi", "Orbassano"),
    ("faccio una passeggiata sul monte san giorgio", "Piossasco"),
])
def test_towns_get_their_canonical_name(nlu: NluPipeline, text: str, town: str) -> None:
    assert towns(nlu, text) == [("comune", town)]


@pytest.mark.parametrize(("text", "district", "town"), [
    ("abito a borgaretto", "Borgaretto", "Beinasco"),
    ("sono di borgareto", "Borgaretto", "Beinasco"),
    ("la cascina di tetti francesi", "Tetti Francesi", "Rivalta di Torino"),
    ("abito a pasta da vent'anni", "Pasta", "Rivalta di Torino"),
    ("zona tetti valfre", "Tetti Valfrè", "Orbassano"),
])
def test_a_district_gives_its_town(nlu: NluPipeline, text: str, district: str,
                                   town: str) -> None:
    found = [entity for entity in nlu.parse(text).entities if entity.entity == "frazione"]
    assert [(entity.value, entity.extras["comune"]) for entity in found] == [(district, town)]


@pytest.mark.parametrize("text", [
    "stasera pasta al sugo per tutti",
    "mio cugino Bruno mi aiuta con la spesa",
    "abito in via Torino 12",
    "verso 2 euro al mese",
    "il collegio dei docenti si riunisce lunedì",
    "la rivolta dei commercianti",
    "un piatto di pasta caldo",
    "buongiorno, ho bisogno di aiuto",
])
def test_no_town_is_invented(nlu: NluPipeline, text: str) -> None:
    assert towns(nlu, text) == []


def test_a_street_named_after_a_town_is_not_that_town(nlu: NluPipeline) -> None:
    assert towns(nlu, "abito in via rivalta a orbassano") == [("comune", "Orbassano")]


def test_a_town_s_football_club_is_not_the_town(nlu: NluPipeline) -> None:
    assert towns(nlu, "hai visto la partita del Torino? il Piossasco invece ha perso") == []
    # A place that names its town keeps its article.
    assert towns(nlu, "domani vado al San Luigi") == [("comune", "Orbassano")]


def test_the_span_points_at_what_was_written(nlu: NluPipeline) -> None:
    text = "buongiorno, abito a orbasano"
    entity = nlu.parse(text).entities[0]
    assert text[entity.start : entity.end] == "orbasano"
