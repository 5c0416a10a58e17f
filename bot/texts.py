"""Every user-facing string of the bot, in Danish and English (one place per language).

Strings are HTML (the bot's parse mode): anything inserted from data is escaped
by the caller with ``html.escape`` before formatting.
"""

from __future__ import annotations

from typing import Any

DA: dict[str, str] = {
    "welcome": (
        "Hej {name}! Jeg er udbudsbot fra Roskilde Kommunes erhvervsservice.\n"
        "1. Jeg holder øje med offentlige udbud og sender dig dem, en socialøkonomisk virksomhed kan vinde.\n"
        "2. Hvert udbud kommer med en vurdering og begrundelse, fristen og ændringer undervejs.\n"
        "3. Du kan også spørge mig om åbningstider, telefontider, rådgivning og mentorordningen.\n\n"
        "Vælg herunder, hvad du vil have besked om. Du kan altid ændre det med /settings."
    ),
    "welcome_back": "Velkommen tilbage, {name}! Dine indstillinger er gemt. Se dem med /settings.",
    "settings_title": "<b>Dine indstillinger</b>",
    "settings_body": (
        "Kategorier: {categories}\nNøgleord: {keywords}\nMaks. værdi: {max_value}\n"
        "Mindste vurdering: {level}\nLevering: {delivery}\nSprog: Dansk\nStatus: {status}"
    ),
    "none": "ingen (alle)",
    "no_limit": "ingen grænse",
    "status_active": "aktiv",
    "status_paused": "sat på pause",
    "status_stopped": "afmeldt",
    "status_blocked": "blokeret",
    "delivery_instant": "med det samme",
    "delivery_daily": "dagligt samle-overblik kl. {hour}",
    "delivery_weekly": "ugentligt samle-overblik ({day} kl. {hour})",
    "level_all": "alle (også usandsynlige)",
    "btn_categories": "Kategorier",
    "btn_keywords": "Nøgleord",
    "btn_maxvalue": "Maks. værdi",
    "btn_level": "Vurdering",
    "btn_delivery": "Levering",
    "btn_language": "Sprog / Language",
    "btn_open": "Vis åbne udbud",
    "btn_done": "Færdig",
    "btn_back": "« Tilbage",
    "btn_own_value": "Skriv selv",
    "btn_no_limit": "Ingen grænse",
    "btn_instant": "Med det samme",
    "btn_daily": "Dagligt kl. 8",
    "btn_weekly": "Ugentligt",
    "pick_categories": "Vælg de kategorier, du vil følge (tryk igen for at fravælge). Ingen valgt = alle.",
    "ask_keywords": (
        "Skriv dine nøgleord adskilt af komma, fx <i>rengøring, kantine, -vagt</i>. "
        "Et minus foran udelukker ordet. Skriv <i>ingen</i> for at fjerne alle."
    ),
    "ask_maxvalue": "Hvor stor må en kontrakt højst være (anslået værdi i kr.)? Vælg eller skriv et beløb.",
    "ask_maxvalue_typed": "Skriv det højeste beløb i kr., fx <i>500.000</i> eller <i>2 mio</i>.",
    "pick_level": (
        "Hvilke udbud vil du have?\n<b>Oplagt</b>: kun de bedste bud.\n"
        "<b>Mulig</b>: oplagte og mulige.\n<b>Alle</b>: også usandsynlige."
    ),
    "pick_delivery": "Hvordan vil du have beskederne?",
    "pick_language": "Vælg sprog / Choose language:",
    "saved": "Gemt. ✅",
    "keywords_saved": "Nøgleord gemt: {keywords}",
    "keywords_cleared": "Alle nøgleord er fjernet.",
    "categories_saved": "Kategorier gemt: {categories}",
    "maxvalue_saved": "Maks. værdi gemt: {value}",
    "level_saved": "Mindste vurdering: {level}",
    "delivery_saved": "Levering: {delivery}",
    "language_saved": "Sproget er nu dansk.",
    "paused": "Sat på pause. Du får ingen udbud, før du skriver /resume. Intet går tabt: det, der kommer imens, får du samlet bagefter.",
    "resumed": "Velkommen tilbage! Du får igen udbud. Det, der kom, mens du holdt pause, kommer i dit næste samle-overblik.",
    "stopped": "Du er afmeldt og får ikke flere udbud. Skriv /start, hvis du vil tilmelde dig igen.",
    "not_subscribed": "Du er ikke tilmeldt endnu. Skriv /start for at komme i gang.",
    "open_queued": "Jeg sender dig {count} åbne udbud, der passer til dine indstillinger.",
    "open_none": "Der er ingen åbne udbud lige nu, der passer til dine indstillinger.",
    "err_keyword_too_long": 'Et nøgleord må højst være {max} tegn ("{start}…" er for langt). Intet er ændret.',
    "err_keyword_invalid": '"{word}" kan ikke bruges som nøgleord (kun bogstaver, tal og bindestreg). Intet er ændret.',
    "err_too_many_keywords": "Du kan højst have {max} nøgleord (du skrev {count}). Intet er ændret.",
    "err_value_missing": "Skriv et beløb efter kommandoen, fx <code>/maxvalue 500000</code>. Intet er ændret.",
    "err_value_not_number": '"{text}" er ikke et beløb. Skriv fx <i>500000</i>, <i>500.000</i> eller <i>2 mio</i>. Intet er ændret.',
    "err_value_too_large": "Det beløb er for stort. Skriv <i>ingen</i> for ingen grænse. Intet er ændret.",
    "err_level_unknown": "Vælg <i>oplagt</i>, <i>mulig</i> eller <i>alle</i>, fx <code>/level mulig</code>. Intet er ændret.",
    "err_delivery_unknown": "Vælg <i>straks</i>, <i>dagligt</i> eller <i>ugentligt</i>, fx <code>/digest dagligt 7</code>. Intet er ændret.",
    "err_hour_invalid": "Timen skal være mellem 0 og 23. Intet er ændret.",
    "err_language_unknown": "Vælg <code>/language da</code> eller <code>/language en</code>.",
    "err_category_unknown": 'Kategorien "{text}" kender jeg ikke. Skriv /categories for at se listen. Intet er ændret.',
    "categories_list": "Kategorier: {list}\nVælg med knapperne eller skriv fx <code>/categories it, cleaning</code>.",
    "help": (
        "<b>Sådan bruger du udbudsbot</b>\n"
        "/start – tilmeld dig og vælg indstillinger\n/settings – se dine indstillinger\n"
        "/categories – vælg kategorier\n/keywords ord, ord – nøgleord (-ord udelukker)\n"
        "/maxvalue 500000 – højeste kontraktværdi\n/level oplagt|mulig|alle – mindste vurdering\n"
        "/digest straks|dagligt|ugentligt – hvornår du får besked\n/language da|en – sprog\n"
        "/open – vis åbne udbud\n/pause, /resume, /stop – pause, genoptag, afmeld\n"
        "/hours – åbnings- og telefontider\n\nDu kan også bare skrive et spørgsmål. Emner:"
    ),
    # notice messages
    "deadline": "Frist: {date} ({relative})",
    "no_deadline": "Frist: ikke oplyst",
    "value": "Anslået værdi: {value}",
    "lots": "{count} delkontrakter",
    "level_line": "{label} ({score}/100)",
    "level_unknown": "Ikke vurderet",
    "link": "Se udbuddet",
    "today": "i dag",
    "tomorrow": "i morgen",
    "in_days": "om {n} dage",
    "expired": "udløbet",
    "buyer": "Ordregiver: {buyer}",
    "btn_details": "Detaljer",
    "btn_relevant": "👍 Relevant",
    "btn_irrelevant": "👎 Ikke relevant",
    "btn_remind": "⏰ Påmind mig",
    "btn_advisor": "Spørg en rådgiver",
    "details_title": "<b>Vurdering: {label}</b>",
    "details_lots": "<b>Delkontrakter</b>",
    "feedback_yes": "Tak! Markeret som relevant. Jeg minder dig om fristen.",
    "feedback_no": "Tak! Det bruger vi til at blive bedre.",
    "remind_scheduled": "Jeg minder dig om fristen {date}.",
    "remind_exists": "Du har allerede en påmindelse {date}.",
    "remind_no_deadline": "Udbuddet har ingen frist, jeg kan minde dig om.",
    "remind_too_late": "Fristen er overskredet.",
    "not_yours": "Den knap hører til en besked, du ikke har fået.",
    "advisor_soon": "Skriv dit spørgsmål med /raadgivning, så sender jeg det til en erhvervsrådgiver.",
    "change_header": "⚠️ <b>Ændring i et udbud, du har fået</b>",
    "change_cancelled": "Udbuddet er aflyst.",
    "change_fields": "Ændret: {fields}",
    "changed_banner": "⚠️ Ændret – se svaret herunder.",
    "field_deadline": "frist",
    "field_value": "værdi",
    "field_title": "titel",
    "field_buyer": "ordregiver",
    "field_cpv": "CPV-koder",
    "field_currency": "valuta",
    "reminder_header": "⏰ <b>Påmindelse: fristen nærmer sig</b>",
    "digest_header": "<b>Dit overblik over nye udbud</b> ({count})",
    "digest_part": "del {part} af {parts}",
    "unknown_command": "Den kommando kender jeg ikke. Skriv /help for at se, hvad jeg kan.",
    "error": "Beklager, noget gik galt. Prøv igen om lidt.",
    "cmd_start": "Tilmeld og vælg indstillinger",
    "cmd_settings": "Se dine indstillinger",
    "cmd_categories": "Vælg kategorier",
    "cmd_keywords": "Nøgleord (-ord udelukker)",
    "cmd_maxvalue": "Højeste kontraktværdi",
    "cmd_level": "Mindste vurdering",
    "cmd_digest": "Straks, dagligt eller ugentligt",
    "cmd_language": "Sprog",
    "cmd_open": "Vis åbne udbud",
    "cmd_pause": "Sæt på pause",
    "cmd_resume": "Genoptag",
    "cmd_stop": "Afmeld",
    "cmd_hours": "Åbnings- og telefontider",
    "cmd_help": "Hjælp",
}

EN: dict[str, str] = {
    "welcome": (
        "Hi {name}! I am udbudsbot from Roskilde Municipality's business service.\n"
        "1. I watch public tenders and send you those a social enterprise can win.\n"
        "2. Each one comes with an assessment and its reasons, the deadline and any changes.\n"
        "3. You can also ask me about opening hours, phone hours, advice and the mentor scheme.\n\n"
        "Choose below what you want to hear about. You can change it any time with /settings."
    ),
    "welcome_back": "Welcome back, {name}! Your settings are kept. See them with /settings.",
    "settings_title": "<b>Your settings</b>",
    "settings_body": (
        "Categories: {categories}\nKeywords: {keywords}\nMaximum value: {max_value}\n"
        "Minimum assessment: {level}\nDelivery: {delivery}\nLanguage: English\nStatus: {status}"
    ),
    "none": "none (all)",
    "no_limit": "no limit",
    "status_active": "active",
    "status_paused": "paused",
    "status_stopped": "unsubscribed",
    "status_blocked": "blocked",
    "delivery_instant": "instantly",
    "delivery_daily": "daily digest at {hour}",
    "delivery_weekly": "weekly digest ({day} at {hour})",
    "level_all": "all (unlikely too)",
    "btn_categories": "Categories",
    "btn_keywords": "Keywords",
    "btn_maxvalue": "Max value",
    "btn_level": "Assessment",
    "btn_delivery": "Delivery",
    "btn_language": "Sprog / Language",
    "btn_open": "Show open tenders",
    "btn_done": "Done",
    "btn_back": "« Back",
    "btn_own_value": "Type an amount",
    "btn_no_limit": "No limit",
    "btn_instant": "Instantly",
    "btn_daily": "Daily at 8",
    "btn_weekly": "Weekly",
    "pick_categories": "Choose the categories to follow (tap again to remove). None chosen = all.",
    "ask_keywords": (
        "Type your keywords separated by commas, e.g. <i>cleaning, canteen, -security</i>. "
        "A minus excludes a word. Type <i>none</i> to remove all."
    ),
    "ask_maxvalue": "How large may a contract be at most (estimated value in DKK)? Choose or type an amount.",
    "ask_maxvalue_typed": "Type the highest amount in DKK, e.g. <i>500000</i> or <i>2 mio</i>.",
    "pick_level": (
        "Which tenders do you want?\n<b>Suitable</b>: only the best matches.\n"
        "<b>Possible</b>: suitable and possible.\n<b>All</b>: unlikely ones too."
    ),
    "pick_delivery": "How do you want the messages?",
    "pick_language": "Vælg sprog / Choose language:",
    "saved": "Saved. ✅",
    "keywords_saved": "Keywords saved: {keywords}",
    "keywords_cleared": "All keywords removed.",
    "categories_saved": "Categories saved: {categories}",
    "maxvalue_saved": "Maximum value saved: {value}",
    "level_saved": "Minimum assessment: {level}",
    "delivery_saved": "Delivery: {delivery}",
    "language_saved": "The language is now English.",
    "paused": "Paused. You get no tenders until you type /resume. Nothing is lost: what arrives meanwhile comes together afterwards.",
    "resumed": "Welcome back! Tenders are on again. What arrived while you paused comes in your next digest.",
    "stopped": "You are unsubscribed and get no more tenders. Type /start to subscribe again.",
    "not_subscribed": "You are not subscribed yet. Type /start to begin.",
    "open_queued": "I am sending you {count} open tenders that fit your settings.",
    "open_none": "No open tenders fit your settings right now.",
    "err_keyword_too_long": 'A keyword may be at most {max} characters ("{start}…" is too long). Nothing changed.',
    "err_keyword_invalid": '"{word}" cannot be a keyword (letters, digits and hyphens only). Nothing changed.',
    "err_too_many_keywords": "You can have at most {max} keywords (you typed {count}). Nothing changed.",
    "err_value_missing": "Type an amount after the command, e.g. <code>/maxvalue 500000</code>. Nothing changed.",
    "err_value_not_number": '"{text}" is not an amount. Type e.g. <i>500000</i> or <i>2 mio</i>. Nothing changed.',
    "err_value_too_large": "That amount is too large. Type <i>none</i> for no limit. Nothing changed.",
    "err_level_unknown": "Choose <i>suitable</i>, <i>possible</i> or <i>all</i>, e.g. <code>/level possible</code>. Nothing changed.",
    "err_delivery_unknown": "Choose <i>instant</i>, <i>daily</i> or <i>weekly</i>, e.g. <code>/digest daily 7</code>. Nothing changed.",
    "err_hour_invalid": "The hour must be between 0 and 23. Nothing changed.",
    "err_language_unknown": "Choose <code>/language da</code> or <code>/language en</code>.",
    "err_category_unknown": 'I do not know the category "{text}". Type /categories to see the list. Nothing changed.',
    "categories_list": "Categories: {list}\nChoose with the buttons or type e.g. <code>/categories it, cleaning</code>.",
    "help": (
        "<b>How to use udbudsbot</b>\n"
        "/start – subscribe and choose settings\n/settings – see your settings\n"
        "/categories – choose categories\n/keywords word, word – keywords (-word excludes)\n"
        "/maxvalue 500000 – highest contract value\n/level suitable|possible|all – minimum assessment\n"
        "/digest instant|daily|weekly – when you hear from me\n/language da|en – language\n"
        "/open – show open tenders\n/pause, /resume, /stop – pause, resume, unsubscribe\n"
        "/hours – opening and phone hours\n\nYou can also just ask a question. Topics:"
    ),
    "deadline": "Deadline: {date} ({relative})",
    "no_deadline": "Deadline: not given",
    "value": "Estimated value: {value}",
    "lots": "{count} lots",
    "level_line": "{label} ({score}/100)",
    "level_unknown": "Not assessed",
    "link": "See the tender",
    "today": "today",
    "tomorrow": "tomorrow",
    "in_days": "in {n} days",
    "expired": "expired",
    "buyer": "Buyer: {buyer}",
    "btn_details": "Details",
    "btn_relevant": "👍 Relevant",
    "btn_irrelevant": "👎 Not relevant",
    "btn_remind": "⏰ Remind me",
    "btn_advisor": "Ask an advisor",
    "details_title": "<b>Assessment: {label}</b>",
    "details_lots": "<b>Lots</b>",
    "feedback_yes": "Thanks! Marked as relevant. I will remind you of the deadline.",
    "feedback_no": "Thanks! That helps us get better.",
    "remind_scheduled": "I will remind you on {date}.",
    "remind_exists": "You already have a reminder on {date}.",
    "remind_no_deadline": "This tender has no deadline to remind you of.",
    "remind_too_late": "The deadline has passed.",
    "not_yours": "That button belongs to a message you did not receive.",
    "advisor_soon": "Type your question with /raadgivning and I will pass it to a business advisor.",
    "change_header": "⚠️ <b>A tender you received has changed</b>",
    "change_cancelled": "The tender is cancelled.",
    "change_fields": "Changed: {fields}",
    "changed_banner": "⚠️ Changed – see the reply below.",
    "field_deadline": "deadline",
    "field_value": "value",
    "field_title": "title",
    "field_buyer": "buyer",
    "field_cpv": "CPV codes",
    "field_currency": "currency",
    "reminder_header": "⏰ <b>Reminder: the deadline is near</b>",
    "digest_header": "<b>Your overview of new tenders</b> ({count})",
    "digest_part": "part {part} of {parts}",
    "unknown_command": "I do not know that command. Type /help to see what I can do.",
    "error": "Sorry, something went wrong. Please try again shortly.",
    "cmd_start": "Subscribe and choose settings",
    "cmd_settings": "See your settings",
    "cmd_categories": "Choose categories",
    "cmd_keywords": "Keywords (-word excludes)",
    "cmd_maxvalue": "Highest contract value",
    "cmd_level": "Minimum assessment",
    "cmd_digest": "Instant, daily or weekly",
    "cmd_language": "Language",
    "cmd_open": "Show open tenders",
    "cmd_pause": "Pause",
    "cmd_resume": "Resume",
    "cmd_stop": "Unsubscribe",
    "cmd_hours": "Opening and phone hours",
    "cmd_help": "Help",
}

TEXTS = {"da": DA, "en": EN}
COMMANDS = (
    "start",
    "settings",
    "categories",
    "keywords",
    "maxvalue",
    "level",
    "digest",
    "language",
    "open",
    "pause",
    "resume",
    "stop",
    "hours",
    "help",
)


def t(lang: str, key: str, **params: Any) -> str:
    table = TEXTS.get(lang, DA)
    return table.get(key, DA[key]).format(**params)


def user_language(code: str | None) -> str:
    """Danish first: English only when Telegram says the user's language is English."""
    return "en" if (code or "").lower().startswith("en") else "da"
