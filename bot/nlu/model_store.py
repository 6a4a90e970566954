"""Trained models in the git-ignored `.models/`, named by the content hash of what they learnt.

A change to `nlu/`, to `config.yml` or to MODEL_VERSION gives a new hash, so the next load
retrains; loading a saved model is a joblib read.
"""

import hashlib
import logging
import os
import tempfile
from pathlib import Path

import joblib

from bot.nlu.model import MODEL_VERSION, NluModel, train
from bot.nlu.rasa_config import NluConfig
from bot.nlu.training_data import nlu_files

LOG = logging.getLogger(__name__)
_PREFIX = "nlu-"
_SUFFIX = ".joblib"


def fingerprint(nlu_folder: Path, config_path: Path) -> str:
    digest = hashlib.sha256(f"model {MODEL_VERSION}\n".encode())
    for path in [*nlu_files(nlu_folder), config_path]:
        content = path.read_bytes()
        digest.update(f"{path.name}\n{len(content)}\n".encode())
        digest.update(content)
    return digest.hexdigest()[:20]


class ModelStore:
    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def path_for(self, fingerprint: str) -> Path:
        return self.folder / f"{_PREFIX}{fingerprint}{_SUFFIX}"

    def load_or_train(self, nlu_folder: Path, config_path: Path, config: NluConfig,
                      force: bool = False) -> NluModel:
        current = fingerprint(nlu_folder, config_path)
        path = self.path_for(current)
        if path.exists() and not force:
            try:
                model = joblib.load(path)
            except Exception:  # a model saved by other library versions: train anew
                LOG.warning("NLU model %s unreadable, retraining", path.name, exc_info=True)
            else:
                if isinstance(model, NluModel) and model.fingerprint == current:
                    return model
        LOG.info("NLU model %s missing or stale, training", current)
        model = train(nlu_folder, config, current)
        self._save(model, path)
        return model

    def _save(self, model: NluModel, path: Path) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=self.folder, suffix=".tmp")
        os.close(handle)
        try:
            joblib.dump(model, temporary, compress=3)
            os.replace(temporary, path)
        finally:
            if os.path.exists(temporary):
                os.unlink(temporary)
        for old in self.folder.glob(f"{_PREFIX}*{_SUFFIX}"):
            if old != path:
                old.unlink(missing_ok=True)
