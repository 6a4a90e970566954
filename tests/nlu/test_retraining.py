"""Models are retrained when what they learn from changes, and only then."""

import shutil
from pathlib import Path

import pytest

from bot.nlu import model_store
from bot.nlu.loading import load_pipeline
from bot.settings import PROJECT_ROOT, Settings

SMALL_DATA = ["intents/greet.yml", "intents/goodbye.yml", "intents/thank.yml",
              "reports/poverty.yml", "reports/housing.yml", "lookups", "safety"]


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A small copy of the project: a few intents and categories, all lookups and signals."""
    for part in SMALL_DATA:
        source = PROJECT_ROOT / "nlu" / part
        target = tmp_path / "nlu" / part
        if source.is_dir():
            shutil.copytree(source, target)
        else:
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy(source, target)
    shutil.copy(PROJECT_ROOT / "config.yml", tmp_path / "config.yml")
    return tmp_path


def test_a_change_of_content_retrains_and_nothing_else_does(
        project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    trainings: list[str] = []
    real_train = model_store.train

    def counting_train(*args: object, **kwargs: object) -> object:
        trainings.append("trained")
        return real_train(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(model_store, "train", counting_train)
    settings = Settings(project_root=project, nlu_backend="embedded")
    first = load_pipeline(settings)
    assert first.parse("buongiorno a tutti").intent.name == "greet"
    assert len(trainings) == 1

    (project / "nlu" / "intents" / "greet.yml").touch()
    load_pipeline(settings)
    assert len(trainings) == 1, "same content, same model"

    greet = project / "nlu" / "intents" / "greet.yml"
    greet.write_text(greet.read_text(encoding="utf-8") + "    - mandi mandi\n",
                     encoding="utf-8")
    second = load_pipeline(settings)
    assert len(trainings) == 2
    assert second.model.fingerprint != first.model.fingerprint
    models = sorted(path.name for path in (project / ".models").iterdir())
    assert models == [f"nlu-{second.model.fingerprint}.joblib"]

    config = project / "config.yml"
    config.write_text(config.read_text(encoding="utf-8").replace("threshold: 0.3",
                                                                 "threshold: 0.35"),
                      encoding="utf-8")
    third = load_pipeline(settings)
    assert len(trainings) == 3
    assert third.model.fingerprint != second.model.fingerprint
