"""Every user-facing sentence about hours, in Danish and English.

Placeholders: {day} a weekday with its date ("fredag 4. december"; in sentences about one
day, English gets "on Friday 4 December" or "tomorrow (Friday 4 December)"), {time} a clock time,
{ranges} one or more intervals, {reason} why a day is closed, {part} a part of the day.
Clock times are formatted by ``answer.py`` ("10.00" in Danish, "10:00" in English).
"""

from __future__ import annotations

TEXTS: dict[str, dict[str, str]] = {
    "da": {
        "time": "{h:02d}.{m:02d}",
        "range": "{start}–{end}",
        "and": " og ",
        "locale": "da_DK",
        "date": "EEEE d. MMMM",
        "date_year": "EEEE d. MMMM y",
        "today": "i dag ({day})",
        "tomorrow": "i morgen ({day})",
        "on": "{day}",
        "weekday_general": "{weekday}en",  # "om fredagen"
        # reasons a day is closed
        "reason.weekend": "weekend",
        "reason.weekly": "fast lukkedag",
        "reason.closed_date": "lukkedag",
        "reason.holiday": "helligdag",
        # status: open now? when next?
        "status.open.opening": "Ja, vi har åbent nu ({now}) indtil kl. {until}.",
        "status.open.phone": "Ja, du kan ringe nu ({now}) indtil kl. {until}.",
        "status.closed.opening": "Nej, vi har lukket nu ({now}{why}).",
        "status.closed.phone": "Nej, telefonen er lukket nu ({now}{why}).",
        "status.next.opening": "Vi åbner igen {day} kl. {time}.",
        "status.next.phone": "Du kan ringe igen {day} kl. {time}.",
        "status.never.opening": "Der er ingen kommende åbningstider i kalenderen.",
        "status.never.phone": "Der er ingen kommende telefontider i kalenderen.",
        "now": "{day} kl. {time}",
        # the hours on one day
        "day.open.opening": "{day}: åbent {ranges}.",
        "day.open.phone": "{day}: telefontid {ranges}.",
        "day.changed": " Ændrede tider ({name}).",
        "day.changed_plain": " Ændrede tider denne dag.",
        "day.closed.opening": "{day}: lukket ({reason}).",
        "day.closed.phone": "{day}: ingen telefontid ({reason}).",
        "day.usual": "Normalt om {weekday}: {ranges}.",
        "day.usual_closed": "Normalt lukket om {weekday}.",
        # does a time work?
        "check.ok.opening": "Ja, {day} kl. {time} har vi åbent ({ranges}).",
        "check.ok.phone": "Ja, du kan ringe {day} kl. {time} (telefontid {ranges}).",
        "check.outside.opening": "Nej, {day} har vi åbent {ranges}, så kl. {time} er uden for åbningstiden.",
        "check.outside.phone": "Nej, {day} er telefontiden {ranges}, så kl. {time} er uden for telefontiden.",
        "check.closed.opening": "Nej, {day} har vi lukket ({reason}).",
        "check.closed.phone": "Nej, {day} er der ingen telefontid ({reason}).",
        "check.next": "Næste mulige tidspunkt er {day} kl. {time}.",
        "part.morning": "om formiddagen",
        "part.afternoon": "om eftermiddagen",
        "part.evening": "om aftenen",
        "part.yes.opening": "Ja, {day} {part} har vi åbent (åbningstid {ranges}).",
        "part.yes.phone": "Ja, {day} {part} kan du ringe (telefontid {ranges}).",
        "part.partly.opening": "Delvist: {day} {part} har vi kun åbent {overlap} (hele dagen {ranges}).",
        "part.partly.phone": "Delvist: {day} {part} kan du kun ringe {overlap} (telefontid {ranges}).",
        "part.no.opening": "Nej, {day} har vi ikke åbent {part}; den dag har vi åbent {ranges}.",
        "part.no.phone": "Nej, {day} er der ingen telefontid {part}; den dag er telefontiden {ranges}.",
        # the week
        "week.title.opening": "Åbningstider",
        "week.title.phone": "Telefontider",
        "week.line": "{days}: {ranges}",
        "week.inline": "{days} {ranges}",
        "week.closed": "lukket",
        "week.days": "{first}–{last}",
        "overview.now": "Lige nu ({now}):",
        "overview.open.opening": "åbent indtil kl. {until}",
        "overview.open.phone": "telefonen er åben indtil kl. {until}",
        "overview.closed.opening": "lukket; vi åbner {day} kl. {time}",
        "overview.closed.phone": "telefonen er lukket; du kan ringe {day} kl. {time}",
        "overview.closed_never.opening": "lukket",
        "overview.closed_never.phone": "telefonen er lukket",
        "overview.coming": "Særlige dage de næste {days} dage:",
        "overview.coming_line": "{day}: {what}",
        "overview.coming_closed": "lukket ({reason})",
        "overview.coming_changed.opening": "åbent {ranges}",
        "overview.coming_changed.phone": "telefontid {ranges}",
        "overview.coming_name": " ({name})",
        # when the bot cannot answer (jobs/answers/ask.py)
        "fallback": (
            "Det kan jeg desværre ikke svare på her. Vil du have, at jeg sender dit spørgsmål "
            "videre til en medarbejder? Du kan også ringe eller komme forbi:"
        ),
    },
    "en": {
        "time": "{h:02d}:{m:02d}",
        "range": "{start}–{end}",
        "and": " and ",
        "locale": "en_GB",
        "date": "EEEE d MMMM",
        "date_year": "EEEE d MMMM y",
        "today": "today ({day})",
        "tomorrow": "tomorrow ({day})",
        "on": "on {day}",
        "weekday_general": "{weekday}s",  # "on Fridays"
        "reason.weekend": "weekend",
        "reason.weekly": "closed that weekday",
        "reason.closed_date": "closing day",
        "reason.holiday": "public holiday",
        "status.open.opening": "Yes, we're open now ({now}) until {until}.",
        "status.open.phone": "Yes, you can call now ({now}) until {until}.",
        "status.closed.opening": "No, we're closed now ({now}{why}).",
        "status.closed.phone": "No, the phone lines are closed now ({now}{why}).",
        "status.next.opening": "We open again on {day} at {time}.",
        "status.next.phone": "You can call again on {day} at {time}.",
        "status.never.opening": "No opening hours are scheduled yet.",
        "status.never.phone": "No phone hours are scheduled yet.",
        "now": "{day}, {time}",
        "day.open.opening": "{day}: open {ranges}.",
        "day.open.phone": "{day}: phone hours {ranges}.",
        "day.changed": " Changed hours ({name}).",
        "day.changed_plain": " Changed hours that day.",
        "day.closed.opening": "{day}: closed ({reason}).",
        "day.closed.phone": "{day}: no phone hours ({reason}).",
        "day.usual": "Usually on {weekday}: {ranges}.",
        "day.usual_closed": "Usually closed on {weekday}.",
        "check.ok.opening": "Yes, we're open {day} at {time} ({ranges}).",
        "check.ok.phone": "Yes, you can call {day} at {time} (phone hours {ranges}).",
        "check.outside.opening": "No: {day} we're open {ranges}, so {time} is outside opening hours.",
        "check.outside.phone": "No: {day} the phone hours are {ranges}, so {time} is outside them.",
        "check.closed.opening": "No, we're closed {day} ({reason}).",
        "check.closed.phone": "No, there are no phone hours {day} ({reason}).",
        "check.next": "The next possible time is {day} at {time}.",
        "part.morning": "in the morning",
        "part.afternoon": "in the afternoon",
        "part.evening": "in the evening",
        "part.yes.opening": "Yes, {day} {part} we're open (opening hours {ranges}).",
        "part.yes.phone": "Yes, {day} {part} you can call (phone hours {ranges}).",
        "part.partly.opening": "Partly: {day} {part} we're only open {overlap} (all day: {ranges}).",
        "part.partly.phone": "Partly: {day} {part} you can only call {overlap} (phone hours {ranges}).",
        "part.no.opening": "No, {day} we're not open {part}; that day we're open {ranges}.",
        "part.no.phone": "No, {day} there are no phone hours {part}; that day they're {ranges}.",
        "week.title.opening": "Opening hours",
        "week.title.phone": "Phone hours",
        "week.line": "{days}: {ranges}",
        "week.inline": "{days} {ranges}",
        "week.closed": "closed",
        "week.days": "{first}–{last}",
        "overview.now": "Right now ({now}):",
        "overview.open.opening": "open until {until}",
        "overview.open.phone": "phone lines open until {until}",
        "overview.closed.opening": "closed; we open on {day} at {time}",
        "overview.closed.phone": "phone lines closed; you can call on {day} at {time}",
        "overview.closed_never.opening": "closed",
        "overview.closed_never.phone": "phone lines closed",
        "overview.coming": "Special days in the next {days} days:",
        "overview.coming_line": "{day}: {what}",
        "overview.coming_closed": "closed ({reason})",
        "overview.coming_changed.opening": "open {ranges}",
        "overview.coming_changed.phone": "phone hours {ranges}",
        "overview.coming_name": " ({name})",
        "fallback": (
            "Sorry, I can't answer that here. Shall I pass your question on to a member of staff? "
            "You can also call or drop by:"
        ),
    },
}


def text(lang: str, key: str, **values: object) -> str:
    """The sentence ``key`` in ``lang`` (Danish when the language is unknown), filled in."""
    table = TEXTS.get(lang, TEXTS["da"])
    return table[key].format(**values) if values else table[key]
