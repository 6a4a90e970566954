"""Ways of saying danger that a keyword list misses, and idioms that only sound like it."""

import pytest

from bot.nlu import NluPipeline


@pytest.mark.parametrize(("text", "signal"), [
    ("certe notti penso che sarebbe meglio non esserci piu", "suicide_selfharm"),
    ("tanto a nessuno importa se muoio", "suicide_selfharm"),
    ("non so piu perche vivere, sono stanca", "suicide_selfharm"),
    ("da due notti dormo fuori dalla stazione di orbassano", "no_roof_tonight"),
    ("se domani ci sfrattano finiamo in mezzo alla strada con i bambini", "no_roof_tonight"),
    ("m'ha menata ancora e adesso sta venendo qua", "violence_threat"),
    ("mio nipote di 12 anni chatta su instagram con un uomo che vuole incontrarlo",
     "violence_threat"),
])
def test_indirect_and_dialect_danger_is_found(nlu: NluPipeline, text: str, signal: str) -> None:
    result = nlu.parse(text)
    assert signal in result.danger
    assert result.urgency.name == "high"


@pytest.mark.parametrize(("text", "signal"), [
    ("il marciapiede e rotto e devo camminare in mezzo alla strada", "no_roof_tonight"),
    ("la partita di ieri era da suicidio", "suicide_selfharm"),
    ("al supermercato ci sono prezzi da infarto", "medical_emergency"),
    ("sbrigati sennò la mamma ci ammazza 😂", "violence_threat"),
    ("al mercato per poco non si picchiavano per un parcheggio", "violence_threat"),
    ("mio figlio di 15 anni il pomeriggio resta da solo a casa", "not_seen_for_days"),
    ("a fine mese non ci resta niente per mangiare", "no_food_tonight"),
])
def test_idioms_do_not_raise_that_signal(nlu: NluPipeline, text: str, signal: str) -> None:
    assert signal not in nlu.parse(text).danger
