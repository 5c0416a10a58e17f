"""Reading a notice's texts: the phrases that always matter, and subject, social, parts and route words on demand."""

from __future__ import annotations

import re

from jobs.classify.settings import ClassifierSettings
from jobs.classify.textmatch import BREAK, Matcher
from jobs.classify.units import Words

_NUMBER = re.compile(r"^\d{1,4}$")


class TextReader:
    """The compiled phrase lists of the rules, and what they find in one text (``Words``)."""

    def __init__(self, settings: ClassifierSettings) -> None:
        self.settings = settings
        m = settings.match
        options = {"min_compound": m.min_compound, "min_prefix": m.min_prefix, "min_stem": m.min_stem}
        groups = {s.name: s.words for s in (*settings.sectors, *settings.specialised, *settings.other_subjects)}
        # Subject words count in the title and the start of a description, and so do sale,
        # concession, DPS and framework phrases; a reservation anywhere. Social objectives,
        # parts and routes are looked for only when the subject makes them matter.
        self._subject_words = Matcher(groups, **options)  # type: ignore[arg-type]
        ph = settings.phrases
        first = {name: getattr(ph, name) for name in ("reserved", "sale", "concession", "dps", "framework")}
        self._first_words = Matcher(first, **options)  # type: ignore[arg-type]
        self._reserved_words = Matcher({"reserved": ph.reserved}, **options)  # type: ignore[arg-type]
        more = {name: getattr(ph, name) for name in ("social", "parts", "routes")}
        self._more_words = Matcher(more, **options)  # type: ignore[arg-type]

    def words(self, title: str, title_en: str, description: str, *, lot: bool = False) -> Words:
        """The phrases of a text that always matter: a reservation anywhere; for the notice also a
        sale, concession, DPS or framework in the title or the start of the description."""
        heading = (f"{title}\n{title_en}" if title_en else title).split()
        pieces = [*heading, BREAK, *description.split()]
        out = Words(pieces=pieces, head=len(heading) + 1)
        cut = out.head + self.settings.match.description_words
        scan = (self._reserved_words if lot else self._first_words).scan_pieces(pieces)
        for m in scan.matches:
            if m.group != "reserved" and scan.piece_of[m.start] >= cut:
                continue  # "framework" deep in a description is rarely the procedure's
            if not getattr(out, m.group):
                setattr(out, m.group, m.text)
        return out

    def more(self, w: Words) -> Words:
        """Social objectives, parts and routes in a text, looked for once and only when needed."""
        if not w.looked_more:
            w.looked_more = True
            matches, tokens, _ = self._more_words.scan_pieces(w.pieces)
            for m in matches:
                if m.group == "parts":
                    for back in (1, 2):  # "32 ruter", "32 school routes"
                        i = m.start - back
                        if i >= 0 and _NUMBER.match(tokens[i]):
                            w.parts = max(w.parts, int(tokens[i]))
                            break
                elif not getattr(w, m.group):
                    setattr(w, m.group, m.text)
        return w

    def title_subject(self, w: Words) -> tuple[str, str] | None:
        """The first subject word of the title (looked for once)."""
        if not w.looked:
            w.looked = True
            m = self._subject_words.first(w.pieces[: w.head])
            w.title_subject = (m.group, m.text) if m is not None else None
        return w.title_subject

    def body_subject(self, w: Words) -> tuple[str, str] | None:
        """The first subject word of the start of the description (looked for once)."""
        if not w.looked_body:
            w.looked_body = True
            m = self._subject_words.first(w.pieces[w.head : w.head + self.settings.match.description_words])
            w.body_subject = (m.group, m.text) if m is not None else None
        return w.body_subject
