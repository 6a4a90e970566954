"""Long texts cut into pieces a platform accepts, at the most natural place that fits."""

from collections.abc import Callable

# Where to cut, best first: a paragraph, a line, a sentence, a clause, a word.
_BREAKS = ("\n\n", "\n", ". ", "! ", "? ", "; ", ", ", " ")


def utf16_length(text: str) -> int:
    """Telegram counts UTF-16 code units: an emoji outside the BMP counts two."""
    return len(text.encode("utf-16-le")) // 2


def split_text(text: str, limit: int, length: Callable[[str], int] = len) -> list[str]:
    """Pieces of at most `limit` (as `length` measures), in order; no piece is blank."""
    pieces: list[str] = []
    rest = text.strip()
    while rest:
        if length(rest) <= limit:
            pieces.append(rest)
            break
        fits = _longest_prefix(rest, limit, length)
        cut = _natural_cut(rest[:fits]) or fits
        piece = rest[:cut].rstrip()
        if not piece:
            piece, cut = rest[:fits], fits
        pieces.append(piece)
        rest = rest[cut:].lstrip()
    return pieces


def _longest_prefix(text: str, limit: int, length: Callable[[str], int]) -> int:
    low, high = 1, len(text)
    while low < high:
        middle = (low + high + 1) // 2
        if length(text[:middle]) <= limit:
            low = middle
        else:
            high = middle - 1
    return low


def _natural_cut(prefix: str) -> int:
    """The end of the last paragraph, line, sentence... in the prefix, if it is not too early:
    a piece cut in its first half would leave the next one needlessly long."""
    for mark in _BREAKS:
        position = prefix.rfind(mark)
        if position > len(prefix) // 2:
            return position + len(mark.rstrip()) if mark.strip() else position
    return 0
