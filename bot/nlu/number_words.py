"""Italian number words from one hundred up ("cento", "trecentocinquanta", "mille",
"duemilacinquecento"), which Duckling's Italian rules do not read as amounts."""

import re

_UNITS = {"uno": 1, "un": 1, "una": 1, "due": 2, "tre": 3, "quattro": 4, "cinque": 5,
          "sei": 6, "sette": 7, "otto": 8, "nove": 9}
_TEENS = {"dieci": 10, "undici": 11, "dodici": 12, "tredici": 13, "quattordici": 14,
          "quindici": 15, "sedici": 16, "diciassette": 17, "diciotto": 18, "diciannove": 19}
_TENS = {"venti": 20, "trenta": 30, "quaranta": 40, "cinquanta": 50, "sessanta": 60,
         "settanta": 70, "ottanta": 80, "novanta": 90}
# A word, then "euro" or "€": "mille euro", "duecento €".
AMOUNT = re.compile(r"\b([a-z]*(?:cento|mille|mila)[a-z]*)\s*(?:euro\b|€)")


def _below_hundred(word: str) -> int | None:
    if not word:
        return 0
    if word in _UNITS:
        return _UNITS[word]
    if word in _TEENS:
        return _TEENS[word]
    for name, value in _TENS.items():
        stem = name[:-1]  # "ventuno", "trentotto": the vowel drops before uno and otto
        for prefix in (name, stem):
            if word.startswith(prefix):
                rest = word[len(prefix):]
                if rest == "":
                    return value
                if rest in _UNITS and rest not in ("un", "una"):
                    return value + _UNITS[rest]
    return None


def _below_thousand(word: str) -> int | None:
    head, found, rest = word.partition("cento")
    if not found:
        return _below_hundred(word)
    hundreds = 1 if head == "" else _UNITS.get(head)
    if rest.startswith("tt"):  # "centottanta", "centotto": cento's o is shared
        rest = "o" + rest
    tail = _below_hundred(rest)
    if hundreds is None or head in ("un", "una", "uno") or tail is None:
        return None
    return hundreds * 100 + tail


def number_value(word: str) -> int | None:
    """The value of one Italian number word, None when it is not one."""
    if word.startswith("mille"):
        above = _below_thousand(word[len("mille"):])
        return None if above is None else 1000 + above
    head, found, rest = word.partition("mila")
    if found:
        thousands = _below_thousand(head)
        tail = _below_thousand(rest)
        if not thousands or thousands < 2 or tail is None:
            return None
        return thousands * 1000 + tail
    return _below_thousand(word)
