"""The safety net: danger found however it is written; hyperbole left alone."""

import pytest

from bot.nlu import NluPipeline


@pytest.mark.parametrize(("text", "signal"), [
    ("mi voglio ammazzare", "suicide_selfharm"),
    ("mi voglio amazzare", "suicide_selfharm"),
    ("voglio suicidarmmi", "suicide_selfharm"),
    ("nn ce la faccio piu voglio morire", "suicide_selfharm"),
    ("VOGLIO FARLA FINITA", "suicide_selfharm"),
    ("stasera mi tolgo la vita", "suicide_selfharm"),
    ("sono solo un peso per tutti, meglio se sparisco per sempre", "suicide_selfharm"),
    ("mio marito mi picchia", "violence_threat"),
    ("mio marito mi sta picchiando adesso", "violence_threat"),
    ("il mio ex dice che mi ammazza", "violence_threat"),
    ("no non sono al sicuro", "violence_threat"),
    ("mia madre è svenuta e non respira", "medical_emergency"),
    ("mio padre è caduto e non si rialza", "medical_emergency"),
    ("la signora del piano di sopra non la vedo da tre giorni", "not_seen_for_days"),
    ("sono giorni che non vedo il mio vicino anziano", "not_seen_for_days"),
    ("non abbiamo niente da mangiare stasera", "no_food_tonight"),
    ("i miei bimbi hanno fame e non ho soldi", "no_food_tonight"),
    ("stanotte dormo in macchina con i bambini", "no_roof_tonight"),
    ("ci hanno buttati fuori di casa", "no_roof_tonight"),
    ("ho un neonato e ci hanno staccato il riscaldamento", "newborn_no_heating"),
])
def test_danger_signals_make_it_urgent(nlu: NluPipeline, text: str, signal: str) -> None:
    result = nlu.parse(text)
    assert signal in result.danger
    assert result.urgency.name == "high"


@pytest.mark.parametrize("text", [
    "mi ammazzo di lavoro tutti i giorni",
    "morire dal ridere con mio nipote",
    "non vedo l'ora di venire alla festa",
    "oggi il sole picchia forte",
    "domani mi taglio i capelli",
    "questo caldo mi uccide",
    "ho sparato una cavolata al bar",
    "voglio farla finita con queste notifiche",
])
def test_hard_negatives_stay_not_urgent(nlu: NluPipeline, text: str) -> None:
    result = nlu.parse(text)
    assert result.danger == []
    assert result.urgency.name != "high"


def test_an_emergency_inside_another_intent_is_still_urgent(nlu: NluPipeline) -> None:
    result = nlu.parse("no grazie non voglio nessun aiuto tanto stanotte la faccio finita")
    assert result.urgency.name == "high"


def test_triage_is_filled_when_there_is_nothing_to_report(nlu: NluPipeline) -> None:
    result = nlu.parse("buongiorno")
    assert (result.category.name, result.urgency.name, result.danger) == ("other", "low", [])


def test_saying_where_one_is_is_not_urgent(nlu: NluPipeline) -> None:
    assert nlu.parse("sono a casa, a piossasco").urgency.name != "high"


@pytest.mark.parametrize("text", [
    "vorrei fare una segnalazione",
    "devo segnalare una cosa",
    "vorrei segnalare un problema",
    "ho bisogno di aiuto",
])
def test_announcing_a_report_is_a_report(nlu: NluPipeline, text: str) -> None:
    assert nlu.parse(text).intent.name == "report_problem"


def test_a_report_gets_its_category(nlu: NluPipeline) -> None:
    result = nlu.parse("ho perso il lavoro e non riesco più a pagare l'affitto")
    assert result.intent.name == "report_problem"
    assert result.category.name in ("work", "housing", "poverty")
