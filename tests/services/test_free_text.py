"""Reading a person's own words: does the first message already tell the story, and what does
the information request ask about."""

import pytest

from bot.services.free_text import describes_something, preview
from bot.services.info_topics import info_topic_in


@pytest.mark.parametrize(
    ("text", "category", "tells"),
    [
        ("vorrei fare una segnalazione", "other", False),
        ("ho un problema", "other", False),
        ("la panchina e rotta", "public_spaces", True),
        ("mia mamma ha 90 anni e vive sola a bruino", "loneliness", True),
        ("ho la macchina e il sabato posso accompagnare chi ha bisogno", "other", True),
        ("voglio dare una mano", "other", False),
    ],
)
def test_a_first_message_that_already_tells_is_not_asked_again(
    text: str, category: str, tells: bool
) -> None:
    assert describes_something(text, category) is tells


def test_a_long_text_is_previewed_on_one_line_cut_at_a_word() -> None:
    long_text = "parola " * 1000
    short = preview(long_text)
    assert len(short) <= 161 and short.endswith("parola…")
    assert preview("riga uno\nriga due") == "riga uno riga due"
    assert preview("x" * 500, 10) == "x" * 10 + "…"


@pytest.mark.parametrize(
    ("text", "topic"),
    [
        ("come funziona il microcredito?", "microcredit"),
        ("posso avere un prestito per aprire un laboratorio", "microcredit"),
        ("a che ora siete aperti", "offices"),
        ("dove si trova l'ufficio di orbassano", "offices"),
        ("cos'e questo servizio", "service"),
    ],
)
def test_what_information_is_asked(text: str, topic: str) -> None:
    assert info_topic_in(text) == topic
