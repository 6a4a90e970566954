"""Text normalisation shared by every part of the NLU.

`fold` keeps the length of the text, character by character, so that a span found in the
folded text has the same offsets in what the person wrote.
"""

import re
import unicodedata
from functools import lru_cache

# Apostrophes and quotes as phones and old keyboards type them.
_APOSTROPHES = {"\u2019": "'", "\u2018": "'", "`": "'", "\u00b4": "'", "\u02bc": "'"}
_REPEATS = re.compile(r"([^\W\d_])\1+")
_LONG_REPEATS = re.compile(r"([^\W\d_])\1{2,}")
_TOKEN = re.compile(r"[^\W_]+", re.UNICODE)


@lru_cache(maxsize=4096)
def _fold_char(char: str) -> str:
    if char in _APOSTROPHES:
        return _APOSTROPHES[char]
    lower = char.lower()
    if len(lower) != 1:
        lower = char
    if lower.isascii():
        return lower
    base = unicodedata.normalize("NFD", lower)[0]
    return base if base.isascii() and base.isalpha() else lower


# Latin letters, the bulk of what people write, folded in one C call.
_LATIN = str.maketrans({chr(code): _fold_char(chr(code)) for code in range(0x250)
                        if _fold_char(chr(code)) != chr(code)}
                       | {key: value for key, value in _APOSTROPHES.items()})


def fold(text: str) -> str:
    """Lowercase with accents removed, one character for each character of `text`."""
    folded = text.translate(_LATIN)
    return folded if folded.isascii() else "".join(_fold_char(char) for char in folded)


def _letter(match: re.Match[str]) -> str:
    # A function, not the template "\1": Python 3.11 expands a template in Python per match.
    return match.group(1)


@lru_cache(maxsize=50_000)
def squeeze(text: str) -> str:
    """Doubled letters made single: the most common Italian typo ("qualcunno", "amazare").

    Called on words, a few times each per message, hence the cache."""
    return _REPEATS.sub(_letter, text)


def squeeze_long(text: str) -> str:
    """Letters repeated for emphasis ("siiii", "grazieeee") brought back to one."""
    return _LONG_REPEATS.sub(_letter, text)


# How people abbreviate on a phone; spelt out before matching.
SMS_WORDS = {
    "nn": "non", "x": "per", "xke": "perche", "xche": "perche", "ke": "che", "k": "che",
    "cmq": "comunque", "qlc": "qualcosa", "qlcs": "qualcosa", "qlcn": "qualcuno",
    "sn": "sono", "tt": "tutto", "dv": "dove", "qnd": "quando", "qd": "quando",
    "mgl": "meglio", "msg": "messaggio", "d": "di", "cn": "con", "pk": "perche", "pke": "perche",
    "xo": "pero", "nnt": "niente",
}


def normalise_words(tokens: list[str]) -> str:
    """Folded tokens as signals and phrases are matched on: spelt out, squeezed, one space."""
    return " ".join(squeeze(SMS_WORDS.get(token, token)) for token in tokens)


def normalise(text: str) -> str:
    """The form danger signals and conversation phrases are matched on."""
    return normalise_words(_TOKEN.findall(fold(text)))


def words(text: str) -> list[str]:
    return _TOKEN.findall(text)
