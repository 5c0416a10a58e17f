"""The categories users subscribe to: Roskilde's six plus the classifier's sectors."""

from __future__ import annotations

from dataclasses import dataclass

from jobs.config import Settings


@dataclass(frozen=True)
class Category:
    key: str
    label_da: str
    label_en: str
    cpv_prefixes: tuple[str, ...]
    is_sector: bool = False

    def label(self, lang: str) -> str:
        return self.label_en if lang == "en" else self.label_da


def all_categories(settings: Settings) -> dict[str, Category]:
    """Configured categories first, then sectors (keys never collide: config wins)."""
    out = {key: Category(key, c.label_da, c.label_en, c.cpv_prefixes) for key, c in settings.categories.items()}
    for s in settings.classifier.sectors:
        if s.name not in out and s.cpv_prefixes:
            label_da = s.label_da or s.name
            out[s.name] = Category(
                s.name,
                label_da[:1].upper() + label_da[1:],
                (s.label_en or s.name).capitalize(),
                s.cpv_prefixes,
                is_sector=True,
            )
    return out


def prefix_table(settings: Settings) -> dict[str, tuple[str, ...]]:
    return {k: c.cpv_prefixes for k, c in all_categories(settings).items()}


def source_categories(settings: Settings) -> dict[str, tuple[str, ...]]:
    """The category each source puts all its items in (``sources[].category``), by source name."""
    return {s.name: (s.category,) for s in settings.sources if s.category}
