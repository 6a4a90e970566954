"""Which information a person asks for: the service itself, micro-credit, or the offices."""

import re
import unicodedata

SERVICE = "service"
MICROCREDIT = "microcredit"
OFFICES = "offices"

# Word beginnings, without accents.
MICROCREDIT_WORDS = ("microcredit", "micro credit", "credit", "prestit", "finanziament")
OFFICE_WORDS = (
    "orari", "orario", "aper", "chius", "indirizz", "uffic", "sede", "sedi", "sportell",
    "dove siete", "dove vi trovo", "dove si trova", "telefon", "numero",
)  # fmt: skip


def info_topic_in(text: str) -> str:
    plain = unicodedata.normalize("NFKD", text.lower()).encode("ascii", "ignore").decode()
    if any(re.search(rf"\b{word}", plain) for word in MICROCREDIT_WORDS):
        return MICROCREDIT
    if any(re.search(rf"\b{word}", plain) for word in OFFICE_WORDS):
        return OFFICES
    return SERVICE
