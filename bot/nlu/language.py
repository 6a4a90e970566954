"""Which language a message is in, with py3langid (which ships its model).

Short or ambiguous texts stay Italian: "si grazie" from an 85-year-old is not Slovenian. A text
is judged only when it is long enough, and only called foreign when py3langid is confident and
most of its words are not Italian words.
"""

import re

from py3langid.langid import MODEL_FILE, LanguageIdentifier

# Languages of the people who live in the six towns, and their neighbours.
CANDIDATES = (
    "it", "en", "fr", "es", "pt", "de", "ro", "sq", "ar", "zh", "uk", "ru", "pl", "bg", "hr",
    "sr", "bs", "tr", "ur", "hi", "bn", "pa", "fa", "tl", "am",
    "ka", "mk", "el", "nl", "hu", "cs", "sk", "sl", "lt", "lv", "et", "vi", "th", "ja", "ko",
)
_LETTER = re.compile(r"[^\W\d_]", re.UNICODE)
_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)
_MIN_LETTERS = 12
_MIN_WORDS = 3
_MIN_CONFIDENCE = 0.8
_MAX_KNOWN_SHARE = 0.5
_MIN_SCRIPT_LETTERS = 2


class LanguageDetector:
    def __init__(self, known_words: frozenset[str], language: str = "it") -> None:
        self._language = language
        self._known = known_words
        whole = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
        whole.set_languages(list(CANDIDATES))
        # Built again from the candidates' columns alone: the identifier keeps its whole model
        # to allow other languages later, 28 MB of weights we never read.
        self._identifier = LanguageIdentifier(
            whole.nb_ptc, whole.nb_pc, whole.nb_classes, whole.tk_nextmove, whole.tk_output,
            norm_probs=True, tk_row=whole.tk_row)

    def detect(self, text: str, folded_words: list[str]) -> str:
        letters = _LETTER.findall(text)
        # An ASCII text has Latin letters only: no need to look at each.
        foreign_script = 0 if text.isascii() else sum(1 for letter in letters
                                                      if not _latin(letter))
        if foreign_script >= _MIN_SCRIPT_LETTERS and foreign_script * 2 > len(letters):
            language, _ = self._identifier.classify(text)
            return str(language)
        words = [word.strip("'") for word in folded_words if _WORD.search(word)]
        if len(letters) < _MIN_LETTERS or len(words) < _MIN_WORDS:
            return self._language
        known = sum(1 for word in words if word in self._known)
        if known > _MAX_KNOWN_SHARE * len(words):
            return self._language
        language, confidence = self._identifier.classify(text)
        if language != self._language and confidence >= _MIN_CONFIDENCE:
            return str(language)
        return self._language


def _latin(letter: str) -> bool:
    return letter.isascii() or "\u00c0" <= letter <= "\u024f"
