"""spaCy for what it is cheap at: tokens and lookup lemmas, on accent-folded text.

`it_core_news_sm` is used when installed, without its statistical components (they cost
milliseconds per message); otherwise `spacy.blank`. Either way lemmas come from spaCy's lookup
lemmatizer with the table of spacy-lookups-data, folded so that "ammazzero" and "perche",
written without accents, find their lemma. `analyse` only runs spaCy's tokenizer and looks
the words up in the same table itself, as the lookup lemmatizer does (`table.get(word,
word)`), without its per-token Python calls. Training keeps only the forms whose lemma the
training data knows (the rest cannot change a prediction), which keeps the loaded pipeline
small.
"""

import logging
import re
from collections.abc import Iterable

import spacy
import srsly
from spacy.attrs import IS_SPACE, ORTH
from spacy.language import Language
from spacy.lookups import Lookups

from bot.nlu.text import SMS_WORDS, fold, squeeze_long

LOG = logging.getLogger(__name__)

_MODEL_PACKAGES = {"it": "it_core_news_sm"}
_HEAVY_COMPONENTS = ["tok2vec", "morphologizer", "tagger", "parser", "attribute_ruler",
                     "lemmatizer", "ner", "senter", "trainable_lemmatizer"]
# Folded forms this short are function words ("e", "da", "se"), never an unaccented verb.
_MIN_FOLDED_FORM = 4
# spaCy's suffix search is quadratic in the length of a run without spaces: 5,000 emoji in a
# row took three seconds. No Italian word is this long, so longer runs are cut into pieces.
_LONGEST_RUN = 40
_LONG_RUN = re.compile(rf"\S{{{_LONGEST_RUN}}}")


def _load_spacy(language: str) -> tuple[Language, str]:
    package = _MODEL_PACKAGES.get(language)
    if package and spacy.util.is_package(package):
        return spacy.load(package, exclude=_HEAVY_COMPONENTS), package
    return spacy.blank(language), f"blank:{language}"


def full_lemma_table(language: str) -> dict[str, str]:
    """Folded form -> folded lemma, from spacy-lookups-data."""
    from spacy_lookups_data import get_file

    raw: dict[str, str] = srsly.read_gzip_json(str(get_file(f"{language}_lemma_lookup.json.gz")))
    table = {form: fold(lemma) for form, lemma in raw.items() if form.isascii()}
    for form, lemma in raw.items():
        folded = fold(form)
        if len(folded) >= _MIN_FOLDED_FORM and folded not in table:
            table[folded] = fold(lemma)
    return table


def prune(table: dict[str, str], lemmas: Iterable[str]) -> dict[str, str]:
    keep = set(lemmas)
    return {form: lemma for form, lemma in table.items() if lemma in keep}


class Lemmatiser:
    def __init__(self, language: str, table: dict[str, str]) -> None:
        self.nlp, self.model_name = _load_spacy(language)
        lookups = Lookups()
        lookups.add_table("lemma_lookup", table)
        lemmatizer = self.nlp.add_pipe("lemmatizer", name="lookup_lemmatizer",
                                       config={"mode": "lookup"})
        lemmatizer.initialize(lookups=lookups)  # type: ignore[attr-defined]
        self._table = table
        LOG.info("spaCy pipeline %s with lookup lemmas (%d forms)", self.model_name, len(table))

    def analyse(self, text: str) -> tuple[list[str], list[str]]:
        """Folded tokens (emphasis squeezed, SMS words spelt out) and their lemmas."""
        tokens: list[str] = []
        lemmas: list[str] = []
        doc = self.nlp.make_doc(
            _LONG_RUN.sub(lambda run: run.group() + " ", squeeze_long(fold(text))))
        strings = doc.vocab.strings
        # One array read instead of a Python Token object per word.
        for orth, is_space in doc.to_array([ORTH, IS_SPACE]).tolist():
            if is_space:
                continue
            word = strings[orth]
            spelt = SMS_WORDS.get(word)
            tokens.append(spelt or word)
            lemmas.append(spelt or self._table.get(word, word))
        return tokens, lemmas
