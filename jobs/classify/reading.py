"""Reading a notice's texts: the phrases that always matter, and subject, social, parts and route words on demand."""

from __future__ import annotations

import re

from jobs.classify.screen import Screen
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
        # Most texts hold no word that starts one of these phrases: one pass in C tells (``screen``).
        self._first_screen = Screen(self._first_words.first_keys())
        self._reserved_screen = Screen(self._reserved_words.first_keys())
        self._more_screen = Screen(self._more_words.first_keys())

    def words(self, title: str, title_en: str, description: str, *, lot: bool = False) -> Words:
        """The phrases of a text that always matter: a reservation anywhere; for the notice also a
        sale, concession, DPS or framework in the title or the start of the description."""
        heading = f"{title}\n{title_en}" if title_en else title
        out = Words(heading=heading, description=description)
        matcher, screen = (
            (self._reserved_words, self._reserved_screen) if lot else (self._first_words, self._first_screen)
        )
        if not screen.maybe(f"{heading}\n{description}"):
            return out  # no word that starts a phrase: the scan would find nothing
        pieces = _pieces(out)
        cut = out.head + self.settings.match.description_words
        scan = matcher.scan_pieces(pieces)
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
            if not self._more_screen.maybe(f"{w.heading}\n{w.description}"):
                return w
            matches, tokens, _ = self._more_words.scan_pieces(_pieces(w))
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
            m = self._subject_words.first([*w.heading.split(), BREAK])
            w.title_subject = (m.group, m.text) if m is not None else None
        return w.title_subject

    def body_subject(self, w: Words) -> tuple[str, str] | None:
        """The first subject word of the start of the description (looked for once)."""
        if not w.looked_body:
            w.looked_body = True
            n = self.settings.match.description_words
            start = w.description.split(None, n)[:n] if w.pieces is None else w.pieces[w.head : w.head + n]
            m = self._subject_words.first(start)
            w.body_subject = (m.group, m.text) if m is not None else None
        return w.body_subject


def _pieces(w: Words) -> list[str]:
    """The white-space pieces of a text: the title's, BREAK, the description's (split once)."""
    if w.pieces is None:
        heading = w.heading.split()
        w.pieces = [*heading, BREAK, *w.description.split()]
        w.head = len(heading) + 1
    return w.pieces
