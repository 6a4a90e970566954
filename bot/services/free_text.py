"""What a person's own words tell a flow: whether they already describe something, a preview."""

# A trigger like "vorrei fare una segnalazione" announces; "la panchina del parco è rotta"
# already tells. A message the NLU could put in a category tells with fewer words; one it
# could not must be long ("avrei un'idea da proporre per il quartiere" only announces).
WORDS_OF_A_DESCRIPTION = 10
WORDS_OF_A_CATEGORISED_DESCRIPTION = 3
PREVIEW_LENGTH = 160


def describes_something(text: str, category: str = "other") -> bool:
    words = len(text.split())
    if category != "other":
        return words >= WORDS_OF_A_CATEGORISED_DESCRIPTION
    return words >= WORDS_OF_A_DESCRIPTION


def preview(text: str, limit: int = PREVIEW_LENGTH) -> str:
    """The text on one line, cut at a word when it is long: summaries repeat it to the person."""
    flat = " ".join(text.split())
    if len(flat) <= limit:
        return flat
    cut = flat[:limit].rsplit(" ", 1)[0] or flat[:limit]
    return f"{cut}…"
