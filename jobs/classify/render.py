"""Short human sentences for reasons and levels, in Danish (first) and English."""

from __future__ import annotations

from typing import Literal

from jobs.classify.model import Level, Reason
from jobs.classify.settings import DEFAULT_SECTORS, SectorSettings

Lang = Literal["da", "en"]

LEVEL_LABELS: dict[str, dict[str, str]] = {
    "da": {"suitable": "oplagt", "possible": "mulig", "unlikely": "usandsynlig"},
    "en": {"suitable": "suitable", "possible": "possible", "unlikely": "unlikely"},
}

_RESERVED_CODES: dict[str, dict[str, str]] = {
    "da": {
        "res-ws": "Reserveret kontrakt for socialøkonomiske virksomheder ({e})",
        "res-pub-ser": "Reserveret for organisationer med en offentlig tjenesteydelsesopgave ({e})",
    },
    "en": {
        "res-ws": "Contract reserved for sheltered workshops and social enterprises ({e})",
        "res-pub-ser": "Reserved for organisations with a public service mission ({e})",
    },
}

_TEMPLATES: dict[str, dict[str, str]] = {
    "da": {
        "reserved": "Reserveret kontrakt ({e})",
        "reserved_text": "Teksten nævner en reservation for socialøkonomiske virksomheder: »{e}«",
        "reserved_floor": "Reserveret kontrakt, derfor mindst »mulig«",
        "social_clause": "Sociale mål eller sociale klausuler ({e})",
        "sme_suitable": "Ordregiver angiver, at opgaven egner sig for små og mellemstore virksomheder",
        "not_sme_suitable": "Ordregiver angiver, at opgaven ikke egner sig for små og mellemstore virksomheder",
        "vcse_suitable": "Ordregiver angiver, at opgaven egner sig for frivillige og socialøkonomiske organisationer",
        "light_regime": "Sociale og andre specifikke tjenesteydelser, lempelig ordning ({e})",
        "small_value": "Lille kontraktværdi ({e})",
        "large_value": "Stor kontraktværdi ({e})",
        "very_large_value": "Meget stor kontraktværdi ({e})",
        "many_lots": "Opdelt i {e} delaftaler",
        "sector_cpv": "Branche med mange socialøkonomiske virksomheder: {label} ({e})",
        "sector_text": "Branche med mange socialøkonomiske virksomheder: {label} (»{e}«)",
        "works": "Bygge- og anlægsarbejde ({e})",
        "large_works": "Stort bygge- og anlægsarbejde ({e})",
        "large_framework": "Stor rammeaftale ({e})",
        "specialist": "Specialiseret fagområde, som socialøkonomiske virksomheder sjældent leverer ({e})",
        "short_deadline": "Kort tilbudsfrist ({e})",
        "best_lot": "Delaftale {e} passer bedre end udbuddet som helhed",
    },
    "en": {
        "reserved": "Reserved contract ({e})",
        "reserved_text": "The text mentions a reservation for social enterprises: “{e}”",
        "reserved_floor": "Reserved contract, so at least “possible”",
        "social_clause": "Social objectives or social clauses ({e})",
        "sme_suitable": "The buyer says it suits small and medium-sized enterprises",
        "not_sme_suitable": "The buyer says it does not suit small and medium-sized enterprises",
        "vcse_suitable": "The buyer says it suits voluntary, community and social enterprises",
        "light_regime": "Social and other specific services, light regime ({e})",
        "small_value": "Small contract value ({e})",
        "large_value": "Large contract value ({e})",
        "very_large_value": "Very large contract value ({e})",
        "many_lots": "Divided into {e} lots",
        "sector_cpv": "A sector where social enterprises often work: {label} ({e})",
        "sector_text": "A sector where social enterprises often work: {label} (“{e}”)",
        "works": "Works contract ({e})",
        "large_works": "Large works contract ({e})",
        "large_framework": "Large framework agreement ({e})",
        "specialist": "A specialist field that social enterprises rarely supply ({e})",
        "short_deadline": "Short tender deadline ({e})",
        "best_lot": "Lot {e} suits better than the procedure as a whole",
    },
}


def level_label(level: Level, lang: Lang = "da") -> str:
    return LEVEL_LABELS[_lang(lang)][level]


def render_reason(reason: Reason, lang: Lang = "da", *, sectors: tuple[SectorSettings, ...] | None = None) -> str:
    """One sentence explaining ``reason``; ``sectors`` supplies sector labels (default: shipped)."""
    lang = _lang(lang)
    templates = _TEMPLATES[lang]
    e = reason.evidence
    if reason.signal == "reserved" and e in _RESERVED_CODES[lang]:
        return _RESERVED_CODES[lang][e].format(e=e)
    if reason.signal.startswith("sector:"):
        name = reason.signal.split(":", 1)[1]
        label = _sector_label(name, lang, DEFAULT_SECTORS if sectors is None else sectors)
        key = "sector_cpv" if e.startswith("CPV ") else "sector_text"
        return templates[key].format(label=label, e=e)
    template = templates.get(reason.signal)
    if template is None:
        return f"{reason.signal} ({e})" if e else reason.signal
    return template.format(e=e)


def _sector_label(name: str, lang: str, sectors: tuple[SectorSettings, ...]) -> str:
    for sector in sectors:
        if sector.name == name:
            label = sector.label_da if lang == "da" else sector.label_en
            if label:
                return label
    return name.replace("_", " ")


def _lang(lang: str) -> Lang:
    if lang not in ("da", "en"):
        raise ValueError(f"language must be 'da' or 'en', not {lang!r}")
    return "da" if lang == "da" else "en"
