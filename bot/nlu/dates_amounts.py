"""Dates, times and amounts in euro, with Duckling, relative to `now` in Europe/Rome.

Duckling costs about half a millisecond a call, so it is only called when the folded text
holds a word that can start a date, a time or an amount.
"""

import re
import signal
import threading
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import duckling

from bot.nlu.number_words import AMOUNT, number_value
from bot.nlu.result import Entity

_ZONEINFO = "/usr/share/zoneinfo"
_NUMBER_WORDS = (
    r"uno|una|un|due|tre|quattro|cinque|sei|sette|otto|nove|dieci|undici|dodici|tredici|"
    r"quattordici|quindici|sedici|diciassette|diciotto|diciannove|venti\w*|trenta\w*|"
    r"quaranta\w*|cinquanta\w*|sessanta\w*|settanta\w*|ottanta\w*|novanta\w*|cento\w*|"
    r"duecento|trecento|cinquecento|mille|mila"
)
# What can make a date, a time or an amount. Numbers count next to "euro", "alle", a month,
# or in a message of a few words ("venti", "20"): "due figli" and "88 anni" call no Duckling.
_MONTHS = (r"gennaio|febbraio|marzo|aprile|maggio|giugno|luglio|agosto|settembre|ottobre|"
           r"novembre|dicembre")
_CUE = re.compile(
    r"€|\beur|\d\s?(euro|eur)\b|\d{1,2}[:./]\d{1,2}|\b(alle|dalle|ore|il|dal|al|entro il|"
    r"fino al|verso le|per le)\s\d|\d+\s(" + _MONTHS + r")"
    r"|\b(oggi|domani|dopodomani|ieri|stasera|stamattina|stanotte|stamani|mezzogiorno|"
    r"mezzanotte|lunedi|martedi|mercoledi|giovedi|venerdi|sabato|domenica|weekend|week end|"
    r"fine settimana|prossima settimana|settimana prossima|prossimo mese|mese prossimo|"
    + _MONTHS + r"|natale|pasqua|capodanno|ferragosto)\b"
    r"|\b(alle|dalle|verso le)\s(" + _NUMBER_WORDS + r")\b"
    r"|\b(tra|fra)\s\w+\s(giorni|settimane|mesi|ore|minuti)\b"
    r"|\b(" + _NUMBER_WORDS + r"|centinaio|decina|ventina|cinquantina)\s(di\s)?euro\b"
)
_NUMBER_WORD = re.compile(r"\b(" + _NUMBER_WORDS + r")\b")
_SHORT_WORDS = 3
_HALF_HOUR = re.compile(r"\s+e\s+(mezza|mezzo|un quarto|tre quarti)\b")
_HALF_MINUTES = {"mezza": 30, "mezzo": 30, "un quarto": 15, "tre quarti": 45}
_TIME_PART = re.compile(r"\b(alle|alla|all|verso le|verso l|dalle|ore|per le|entro le)\s+\d"
                        r"|\b(alle|verso le|dalle|per le|entro le)\s+(" + _NUMBER_WORDS + r")\b"
                        r"|\b\d{1,2}[:.]\d{2}\b|\bmezzogiorno\b|\bmezzanotte\b")
_ROUGH_AMOUNT = re.compile(r"\b(un|una)\s+(decina|ventina|trentina|quarantina|cinquantina|"
                           r"centinaio)\s+di\s+euro\b")
_ROUGH_VALUES = {"decina": 10, "ventina": 20, "trentina": 30, "quarantina": 40,
                 "cinquantina": 50, "centinaio": 100}
_MAX_LENGTH = 2000
_WINDOW_BEFORE = 15
_WINDOW_AFTER = 32


@dataclass(frozen=True)
class Found:
    entities: list[Entity]
    numbers: list[Entity]  # bare numbers, an amount only when the context says so


class DateAmountExtractor:
    def __init__(self, timezone: str = "Europe/Rome", language: str = "it") -> None:
        self._zone = ZoneInfo(timezone)
        self._timezone = timezone
        self._tz_db = duckling.load_time_zones(_ZONEINFO)
        _give_ctrl_c_back()
        self._locale = duckling.default_locale_lang(duckling.parse_lang(language.upper()))
        self._dimensions = duckling.parse_dimensions(["time", "amount-of-money"])
        self._with_numbers = duckling.parse_dimensions(["time", "amount-of-money", "number"])

    def may_hold(self, folded: str) -> bool:
        if _CUE.search(folded) is not None or AMOUNT.search(folded) is not None:
            return True
        return len(folded.split()) <= _SHORT_WORDS and _has_number(folded)

    def _windows(self, text: str, whole: bool) -> list[tuple[int, int]]:
        """The stretches of text around the cues: Duckling's cost grows fast with length."""
        if whole or len(text.split()) <= _SHORT_WORDS:
            return [(0, len(text))]
        windows: list[tuple[int, int]] = []
        for cue in _CUE.finditer(text):
            start = max(0, cue.start() - _WINDOW_BEFORE)
            end = min(len(text), cue.end() + _WINDOW_AFTER)
            while start > 0 and not text[start - 1].isspace():
                start -= 1
            while end < len(text) and not text[end].isspace():
                end += 1
            if windows and start <= windows[-1][1]:
                windows[-1] = (windows[-1][0], max(end, windows[-1][1]))
            else:
                windows.append((start, end))
        return windows

    def find(self, folded: str, now: datetime, numbers_wanted: bool = False) -> Found:
        """Entities in `folded` (lowercase, accents removed, same offsets as the text); bare
        numbers too when `numbers_wanted` or the message is a few words."""
        text = folded[:_MAX_LENGTH]
        short = len(text.split()) <= _SHORT_WORDS
        if not (self.may_hold(text) or (numbers_wanted and _has_number(text))):
            return Found([], [])
        dimensions = self._with_numbers if numbers_wanted or short else self._dimensions
        reference = duckling.parse_ref_time(self._tz_db, self._timezone, int(now.timestamp()))
        context = duckling.Context(reference, self._locale)
        entities: list[Entity] = []
        numbers: list[Entity] = []
        matches = [(offset, match) for offset, end in self._windows(text, numbers_wanted)
                   for match in duckling.parse(text[offset:end], context, dimensions, False)]
        for offset, match in matches:
            dimension = match.get("dim")
            start, end = int(match["start"]) + offset, int(match["end"]) + offset
            value = match.get("value") or {}
            if dimension == "amount-of-money" and value.get("unit") in ("EUR", None):
                amount = value.get("value")
                if isinstance(amount, int | float):
                    entities.append(Entity("importo", float(amount), start, end))
            elif dimension == "number" and isinstance(value.get("value"), int | float):
                numbers.append(Entity("importo", float(value["value"]), start, end))
            elif dimension == "time":
                entities.extend(self._times(text, start, end, value))
        for rough in _ROUGH_AMOUNT.finditer(text):
            entities.append(Entity("importo", float(_ROUGH_VALUES[rough.group(2)]),
                                   rough.start(), rough.end()))
        taken = [(entity.start, entity.end) for entity in entities]
        for written in AMOUNT.finditer(text):
            amount = number_value(written.group(1))
            if amount and all(written.end() <= start or written.start() >= end
                              for start, end in taken):
                entities.append(Entity("importo", float(amount), written.start(), written.end()))
        taken = [(entity.start, entity.end) for entity in entities]
        numbers = [number for number in numbers
                   if all(number.end <= start or number.start >= end for start, end in taken)]
        return Found(entities, numbers)

    def _times(self, text: str, start: int, end: int, value: dict[str, Any]) -> list[Entity]:
        grain = value.get("grain")
        if value.get("type") == "interval":
            bound = value.get("from") or value.get("to") or {}
            moment = _parse(bound.get("value"))
            if moment is None:
                return []
            return [Entity("data", moment.astimezone(self._zone).date().isoformat(), start, end)]
        moment = _parse(value.get("value"))
        if moment is None:
            return []
        moment = moment.astimezone(self._zone)
        if grain not in ("hour", "minute", "second"):
            return [Entity("data", moment.date().isoformat(), start, end)]
        half = _HALF_HOUR.match(text, end)
        if half is not None and moment.minute == 0:
            moment += timedelta(minutes=_HALF_MINUTES[half.group(1)])
            end = half.end()
        time_part = _TIME_PART.search(text, start, end)
        if time_part is None or time_part.start() == start:
            return [Entity("ora", moment.isoformat(), start, end)]
        date_end = len(text[start : time_part.start()].rstrip()) + start
        return [Entity("data", moment.date().isoformat(), start, date_end),
                Entity("ora", moment.isoformat(), time_part.start(), end)]


def _has_number(text: str) -> bool:
    """A number in words or in digits."""
    return _NUMBER_WORD.search(text) is not None or any(char.isdigit() for char in text)


def _parse(raw: Any) -> datetime | None:
    if not isinstance(raw, str):
        return None
    try:
        return datetime.fromisoformat(raw)
    except ValueError:
        return None


def _give_ctrl_c_back() -> None:
    """Duckling's Haskell runtime takes SIGINT over when it starts, and then Ctrl-C does
    nothing; Python's own handler makes it stop the program again."""
    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGINT, signal.default_int_handler)
