"""`load_pipeline(settings)`: the embedded pipeline, or the Rasa server's with our triage."""

import logging
from pathlib import Path

from bot.nlu.model_store import ModelStore
from bot.nlu.pipeline import NluPipeline
from bot.nlu.rasa_config import read_config
from bot.settings import Settings

LOG = logging.getLogger(__name__)
MODELS_FOLDER = ".models"


def nlu_paths(settings: Settings) -> tuple[Path, Path, Path]:
    root = settings.project_root
    return root / "nlu", root / "config.yml", root / MODELS_FOLDER


def load_pipeline(settings: Settings, force_training: bool = False) -> NluPipeline:
    """The pipeline of `settings.nlu_backend`, trained first if its model is stale."""
    nlu_folder, config_path, models = nlu_paths(settings)
    config = read_config(config_path)
    model = ModelStore(models).load_or_train(nlu_folder, config_path, config, force_training)
    if settings.nlu_backend == "rasa":
        from bot.nlu.rasa_backend import RasaNluPipeline

        LOG.info("NLU through the Rasa server, triage embedded")
        return RasaNluPipeline(model, config, settings.rasa_url, settings.timezone)
    pipeline = NluPipeline(model, config, settings.timezone)
    LOG.info("NLU embedded (%s)", pipeline.spacy_model)
    return pipeline
