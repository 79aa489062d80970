"""Commune names as the resolver compares them (pure, no Django)."""

import re
import unicodedata

_SAINT = re.compile(r"\b(st|ste)\b")
_NOT_WORD = re.compile(r"[^a-z0-9]+")


def normalize_name(name: str) -> str:
    """``"Saint-Étienne"``, ``"st etienne"`` and ``"SAINT ETIENNE"`` → ``"saint etienne"``."""
    text = unicodedata.normalize("NFKD", name or "").encode("ascii", "ignore").decode()
    text = _NOT_WORD.sub(" ", text.lower()).strip()
    text = _SAINT.sub(lambda m: "saint" if m.group(1) == "st" else "sainte", text)
    return " ".join(text.split())
