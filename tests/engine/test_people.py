"""Pseudonyms: a keyed hash, stable across restarts, meaningless without the key."""

import stat
from pathlib import Path

from bot.services.people import ensure_pseudonym_key, pseudonym


def test_the_key_is_created_once_and_readable_by_its_owner_only(tmp_path: Path) -> None:
    key = ensure_pseudonym_key(tmp_path / "var")

    assert ensure_pseudonym_key(tmp_path / "var") == key
    assert len(key) == 64
    mode = stat.S_IMODE((tmp_path / "var" / "pseudonym.key").stat().st_mode)
    assert mode == 0o600


def test_a_pseudonym_depends_on_the_key_the_channel_and_the_user() -> None:
    mine = pseudonym("key-a", "telegram", "1001")

    assert mine == pseudonym("key-a", "telegram", "1001")
    assert mine != pseudonym("key-b", "telegram", "1001")
    assert mine != pseudonym("key-a", "whatsapp", "1001")
    assert "1001" not in mine
