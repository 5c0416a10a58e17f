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
    "read_from": " (læst fra »{text}«)",
    "or": " eller ",
    "err_value_too_small": (
        "Jeg læste det som {value}, og det er usandsynligt lidt for en kontrakt. Skriv beløbet igen, "
        "fx <i>500.000</i> eller <i>1,5 mio.</i> Intet er ændret."
    ),
    "err_value_ambiguous": (
        "Det kan læses som {options}. Skriv beløbet igen, så det kun kan læses på én måde, "
        "fx <i>1,5 mio.</i> eller <i>1.500.000</i>. Intet er ændret."
    ),
    "group_admins_only": (
        "Det er kun gruppens administratorer, der kan ændre gruppens abonnement eller slette dens data: "
        "{names}. Alle i gruppen kan læse med og stille spørgsmål."
    ),
    "group_admins_only_anon": (
        "Det er kun gruppens administratorer, der kan ændre gruppens abonnement eller slette dens data. "
        "Alle i gruppen kan læse med og stille spørgsmål."
    ),
    "group_admins_only_alert": "Kun gruppens administratorer kan ændre det: {names}.",
    "group_admins_only_alert_anon": "Kun gruppens administratorer kan ændre det.",
    "group_admins_more": "og {n} til",
    "not_text": (
        "Jeg kan læse tekst, også teksten til et billede eller en fil. Skriv dit spørgsmål som en besked, "
        "eller se hvad jeg kan med /help."
    ),
    "cancel_done": "Ok, jeg venter ikke længere på et svar fra dig.",
    "cancel_nothing": "Der var ikke noget at annullere.",
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
    "err_value_too_large": (
        "Jeg læste det som {value}, og det er over 10 mia. kr. Skriv beløbet igen, "
        "eller <i>ingen</i> for ingen grænse. Intet er ændret."
    ),
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
        "/hours – åbnings- og telefontider\n/raadgivning – spørg en erhvervsrådgiver\n/mydata, /deletemydata – hent eller slet dine data\n\n"
        "Du kan også bare skrive et spørgsmål. Emner:"
    ),
    # notice messages
    "deadline": "Frist: {date} ({relative})",
    "no_deadline": "Frist: ikke oplyst",
    "value": "Anslået værdi: {value}",
    "lots": "{count} delkontrakter",
    "level_line": "{label}",
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
    # privacy
    "cmd_mydata": "Få alt, hvad jeg har gemt om dig",
    "cmd_deletemydata": "Slet alt, hvad jeg har gemt om dig",
    "mydata_caption": "Her er alt, hvad udbudsbot har gemt om dig og denne chat. Slet det med /deletemydata.",
    "mydata_none": "Jeg har ingen data gemt om dig.",
    "delete_confirm": (
        "<b>Vil du slette alt, hvad jeg har gemt om dig?</b>\n"
        "Din tilmelding, dine indstillinger, de beskeder jeg har sendt dig, din feedback, dine påmindelser "
        "og dine spørgsmål til rådgiverne bliver slettet. Det kan ikke fortrydes. "
        "Du kan hente en kopi først med /mydata."
    ),
    "btn_delete_yes": "Ja, slet alt",
    "btn_delete_no": "Nej, behold mine data",
    "deleted": "Alt, hvad jeg havde gemt om dig, er slettet. Skriv /start, hvis du vil tilmelde dig igen.",
    "delete_cancelled": "Intet er slettet.",
    "delete_expired": "Den knap er for gammel. Skriv /deletemydata igen.",
    "delete_not_yours": "Kun den, der bad om sletningen, kan bekræfte den.",
    "menu_expired": "Den menu er forældet. Skriv /settings for at se dine indstillinger.",
    # ---- advice requests ----
    "cmd_raadgivning": "Spørg en erhvervsrådgiver",
    "adv_ask": "Skriv dit spørgsmål i én besked, så sender jeg det til en erhvervsrådgiver.",
    "adv_ask_notice": "Skriv dit spørgsmål om udbuddet <i>{title}</i> i én besked, så sender jeg det til en erhvervsrådgiver.",
    "adv_sent": "Tak! Dit spørgsmål er sendt til en erhvervsrådgiver (sag nr. {id}). Du får svaret her i chatten.",
    "adv_offer_button": "Send til en rådgiver",
    "adv_offer_gone": "Jeg kan ikke finde spørgsmålet længere. Skriv det med /raadgivning.",
    "adv_answer": "💬 <b>Svar fra en erhvervsrådgiver</b>\n{answer}\n\n<i>Dit spørgsmål:</i> {question}",
    "adv_staff_request": "🙋 <b>Rådgivning #{id}</b>\nFra: {who}\n{notice}Spørgsmål:\n{question}\n\n<i>Svar ved at besvare (reply) denne besked.</i>",
    "adv_staff_notice": "Udbud: {notice}\n",
    "adv_staff_answered": "✅ Svaret er sendt til {who} (rådgivning #{id}).",
    "adv_staff_followup": "✅ Opfølgningen er sendt til {who} (rådgivning #{id}).",
    "adv_staff_too_long": "Svaret er for langt til én Telegram-besked. Del det op i flere svar.",
    "requests_title": "<b>Åbne rådgivningssager</b> ({count})",
    "requests_none": "Ingen åbne rådgivningssager.",
    "requests_line": "#{id} · {when} · {who}{link}\n{question}",
    "requests_link": ' · <a href="{url}">i staff-chatten</a>',
    # ---- broadcasts ----
    "bc_ask_text": "Skriv beskeden, som modtagerne skal se den (fed, kursiv og links bevares). /cancel afbryder.",
    "bc_text_invalid": "Den besked kan ikke sendes: {reason}. Skriv den igen.",
    "bc_not_text": "Send beskeden som tekst (ingen billeder eller filer).",
    "bc_pick_audience": "<b>Hvem skal have beskeden?</b>\nModtagere: {audience}\nAntal lige nu: {count}",
    "bc_aud_everyone": "alle aktive abonnenter",
    "bc_aud_categories": "kategori {list}",
    "bc_aud_language": "sprog {language}",
    "bc_aud_relevant": "har markeret et udbud relevant",
    "bc_aud_relevant_notice": "har markeret udbud #{id} relevant",
    "bc_aud_and": " og ",
    "btn_bc_everyone": "👥 Alle",
    "btn_bc_lang": "Sprog: {language}",
    "btn_bc_relevant": "👍 Kun dem, der har markeret et udbud relevant",
    "btn_bc_next": "Videre ➡",
    "lang_any": "alle",
    "lang_da": "dansk",
    "lang_en": "engelsk",
    "bc_ask_when": "Hvornår skal den sendes? Tryk <b>Send nu</b> eller skriv et tidspunkt, fx <i>i morgen kl. 9</i>, <i>fredag kl. 14</i> eller <i>2026-12-01 09:00</i>.",
    "btn_bc_now": "Send nu",
    "bc_when_unknown": "Det tidspunkt forstår jeg ikke. Skriv fx <i>i morgen kl. 9</i>, <i>1/12 kl. 9</i> eller <i>nu</i>.",
    "bc_when_past": "Det tidspunkt er allerede passeret. Skriv et tidspunkt i fremtiden.",
    "bc_when_too_far": "Det er mere end et år ude i fremtiden. Vælg et tidligere tidspunkt.",
    "bc_preview": "👆 Sådan ser beskeden ud for modtagerne.\n<b>Udsendelse #{id}</b>\nModtagere: {count} ({audience})\nSendes: {when}",
    "bc_when_now": "nu",
    "btn_bc_send": "✅ Send",
    "btn_bc_edit": "✏️ Ret",
    "btn_bc_cancel": "✖️ Annuller",
    "bc_scheduled": "🕘 Udsendelse #{id} er planlagt til {when} ({count} modtagere lige nu). Se eller annuller den med /broadcasts.",
    "bc_progress": "📤 Udsendelse #{id}: {done} af {total} sendt …",
    "bc_report": "✅ <b>Udsendelse #{id} er færdig</b> ({total} modtagere)\nLeveret: {delivered}\nBlokeret eller afmeldt: {blocked}\nFejlet: {failed}",
    "bc_cancelled": "Udsendelse #{id} er annulleret. Intet er sendt.",
    "bc_gone": "Udsendelse #{id} kan ikke ændres længere ({status}).",
    "bc_aborted": "Afbrudt. Intet er sendt.",
    "bc_stale": "Den dialog er slut. Begynd forfra med /broadcast.",
    "bc_now_usage": "Skriv teksten efter kommandoen, fx <code>/broadcast_now Husk temadagen på torsdag!</code>",
    "bc_now_confirm": "👆 Sådan ser beskeden ud for modtagerne.\n<b>Udsendelse #{id}</b> til alle aktive abonnenter ({count}). Skal den sendes nu?",
    "btn_bc_confirm": "✅ Send til alle ({count})",
    "bc_started": "📤 Den planlagte udsendelse #{id} er gået i gang ({count} modtagere).",
    "broadcasts_title": "<b>Udsendelser</b> (de nyeste)",
    "broadcasts_none": "Ingen udsendelser endnu.",
    "broadcasts_line": "#{id} · {status} · {when} · {audience} · {count}\n<i>{excerpt}</i>",
    "btn_bc_cancel_id": "Annuller #{id}",
    "bc_status_draft": "kladde",
    "bc_status_scheduled": "planlagt",
    "bc_status_sending": "sendes",
    "bc_status_done": "sendt",
    "bc_status_cancelled": "annulleret",
    "bc_recipients": "{count} modtagere",
    # ---- staff ----
    "staff_help": (
        "<b>Kommandoer for medarbejdere</b>\n"
        "/broadcast – skriv og send en besked til mange (med forhåndsvisning)\n"
        "/broadcast_now tekst – send til alle efter en bekræftelse\n"
        "/broadcasts – udsendelser; annuller planlagte\n"
        "/requests – åbne rådgivningssager (svar ved at besvare sagen i staff-chatten)\n"
        "/stats – overblik\n/chart – ugens udbud som diagram"
    ),
    "staff_admin_help": "\n/staff add|remove &lt;bruger-id&gt; admin|advisor – giv eller fjern en rolle",
    "staff_members": "<b>Medarbejdere</b>\n{list}",
    "staff_member_line": "<code>{id}</code> · {role}{source}",
    "staff_from_config": " (config.toml)",
    "role_admin": "administrator",
    "role_advisor": "rådgiver",
    "staff_usage": "Brug: <code>/staff add 12345 advisor</code> eller <code>/staff remove 12345 advisor</code> (roller: admin, advisor).",
    "staff_added": "<code>{id}</code> er nu {role}.",
    "staff_already": "<code>{id}</code> var allerede {role}.",
    "staff_removed": "<code>{id}</code> er ikke længere {role}.",
    "staff_absent": "<code>{id}</code> har ikke rollen {role}.",
    "staff_in_config": "<code>{id}</code> er {role} i config.toml; ret filen for at fjerne rollen.",
    "stats_title": "<b>Overblik</b> – uge {week} (fra {start})",
    "stats_subscribers": "<b>Abonnenter</b>: {active} aktive · {paused} på pause · {blocked} blokeret · {stopped} afmeldt",
    "stats_languages": "Sprog: {list}",
    "stats_categories": "Kategorier: {list}",
    "stats_all_categories": "alle kategorier",
    "stats_notices": "<b>Udbud denne uge</b>: {count} nye – {levels}",
    "stats_not_assessed": "ikke vurderet",
    "stats_messages": "<b>Beskeder denne uge</b>: {delivered} leveret · {failed} fejlet · {dropped} ikke sendt (blokeret/afmeldt) · {queued} i kø",
    "stats_feedback": "<b>Feedback</b> (relevant / ikke relevant): {list}",
    "stats_none": "ingen endnu",
    "stats_advice": "<b>Rådgivning</b>: {open} åbne · {answered} besvarede",
    "stats_sources": "<b>Kilder</b>",
    "stats_source_ok": "✅ {name}: sidst hentet {when}",
    "stats_source_never": "⏳ {name}: ikke hentet endnu",
    "stats_source_failing": "⚠️ {name}: {failures} fejl i træk – sidst hentet {when}; sidste fejl: {error}",
    "stats_never": "aldrig",
    "stats_no_sources": "ingen kilder endnu",
    "chart_title": "Nye udbud pr. kategori og vurdering, {start}–{end}",
    "chart_other": "Øvrige",
    "chart_xlabel": "Antal udbud",
    "chart_empty": "Ingen nye udbud i perioden",
    "chart_caption": "📊 Nye udbud {start}–{end}: {count}",
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
    "read_from": " (read from “{text}”)",
    "or": " or ",
    "err_value_too_small": (
        "I read that as {value}, which is implausibly little for a contract. Type the amount again, "
        "e.g. <i>500,000</i> or <i>1.5m</i>. Nothing changed."
    ),
    "err_value_ambiguous": (
        "That can be read as {options}. Type the amount again so it can only be read one way, "
        "e.g. <i>1.5m</i> or <i>1,500,000</i>. Nothing changed."
    ),
    "group_admins_only": (
        "Only the group's administrators can change the group's subscription or delete its data: "
        "{names}. Everyone in the group can read along and ask questions."
    ),
    "group_admins_only_anon": (
        "Only the group's administrators can change the group's subscription or delete its data. "
        "Everyone in the group can read along and ask questions."
    ),
    "group_admins_only_alert": "Only the group's administrators can change that: {names}.",
    "group_admins_only_alert_anon": "Only the group's administrators can change that.",
    "group_admins_more": "and {n} more",
    "not_text": (
        "I can read text, also the text with a photo or a file. Write your question as a message, "
        "or see what I can do with /help."
    ),
    "cancel_done": "OK, I am no longer waiting for an answer from you.",
    "cancel_nothing": "There was nothing to cancel.",
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
    "err_value_too_large": (
        "I read that as {value}, which is over 10 billion DKK. Type the amount again, "
        "or <i>none</i> for no limit. Nothing changed."
    ),
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
        "/hours – opening and phone hours\n/raadgivning – ask a business advisor\n/mydata, /deletemydata – get or delete your data\n\n"
        "You can also just ask a question. Topics:"
    ),
    "deadline": "Deadline: {date} ({relative})",
    "no_deadline": "Deadline: not given",
    "value": "Estimated value: {value}",
    "lots": "{count} lots",
    "level_line": "{label}",
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
    # privacy
    "cmd_mydata": "Get everything I store about you",
    "cmd_deletemydata": "Delete everything I store about you",
    "mydata_caption": "Here is everything udbudsbot stores about you and this chat. Delete it with /deletemydata.",
    "mydata_none": "I store no data about you.",
    "delete_confirm": (
        "<b>Do you want to delete everything I store about you?</b>\n"
        "Your subscription, your settings, the messages I sent you, your feedback, your reminders "
        "and your questions to the advisors will be deleted. This cannot be undone. "
        "You can get a copy first with /mydata."
    ),
    "btn_delete_yes": "Yes, delete everything",
    "btn_delete_no": "No, keep my data",
    "deleted": "Everything I stored about you has been deleted. Type /start if you want to subscribe again.",
    "delete_cancelled": "Nothing has been deleted.",
    "delete_expired": "That button is too old. Type /deletemydata again.",
    "delete_not_yours": "Only the person who asked for the deletion can confirm it.",
    "menu_expired": "That menu is out of date. Type /settings to see your settings.",
    # ---- advice requests ----
    "cmd_raadgivning": "Ask a business advisor",
    "adv_ask": "Write your question in one message and I will pass it to a business advisor.",
    "adv_ask_notice": "Write your question about the tender <i>{title}</i> in one message and I will pass it to a business advisor.",
    "adv_sent": "Thank you! Your question has gone to a business advisor (case no. {id}). You will get the answer here in this chat.",
    "adv_offer_button": "Send to an advisor",
    "adv_offer_gone": "I cannot find the question any more. Write it with /raadgivning.",
    "adv_answer": "💬 <b>Answer from a business advisor</b>\n{answer}\n\n<i>Your question:</i> {question}",
    "adv_staff_request": "🙋 <b>Advice #{id}</b>\nFrom: {who}\n{notice}Question:\n{question}\n\n<i>Answer by replying to this message.</i>",
    "adv_staff_notice": "Tender: {notice}\n",
    "adv_staff_answered": "✅ The answer has been sent to {who} (advice #{id}).",
    "adv_staff_followup": "✅ The follow-up has been sent to {who} (advice #{id}).",
    "adv_staff_too_long": "The answer is too long for one Telegram message. Split it into several replies.",
    "requests_title": "<b>Open advice requests</b> ({count})",
    "requests_none": "No open advice requests.",
    "requests_line": "#{id} · {when} · {who}{link}\n{question}",
    "requests_link": ' · <a href="{url}">in the staff chat</a>',
    # ---- broadcasts ----
    "bc_ask_text": "Write the message as recipients should see it (bold, italics and links are kept). /cancel stops.",
    "bc_text_invalid": "That message cannot be sent: {reason}. Write it again.",
    "bc_not_text": "Send the message as text (no pictures or files).",
    "bc_pick_audience": "<b>Who should get the message?</b>\nRecipients: {audience}\nCount right now: {count}",
    "bc_aud_everyone": "all active subscribers",
    "bc_aud_categories": "category {list}",
    "bc_aud_language": "language {language}",
    "bc_aud_relevant": "marked a tender relevant",
    "bc_aud_relevant_notice": "marked tender #{id} relevant",
    "bc_aud_and": " and ",
    "btn_bc_everyone": "👥 Everyone",
    "btn_bc_lang": "Language: {language}",
    "btn_bc_relevant": "👍 Only those who marked a tender relevant",
    "btn_bc_next": "Next ➡",
    "lang_any": "any",
    "lang_da": "Danish",
    "lang_en": "English",
    "bc_ask_when": "When should it go out? Press <b>Send now</b> or type a time, e.g. <i>tomorrow at 9</i>, <i>Friday 14:00</i> or <i>2026-12-01 09:00</i>.",
    "btn_bc_now": "Send now",
    "bc_when_unknown": "I do not understand that time. Type e.g. <i>tomorrow at 9</i>, <i>1/12 9:00</i> or <i>now</i>.",
    "bc_when_past": "That time has passed. Type a time in the future.",
    "bc_when_too_far": "That is more than a year ahead. Choose an earlier time.",
    "bc_preview": "👆 This is how recipients will see the message.\n<b>Broadcast #{id}</b>\nRecipients: {count} ({audience})\nGoes out: {when}",
    "bc_when_now": "now",
    "btn_bc_send": "✅ Send",
    "btn_bc_edit": "✏️ Edit",
    "btn_bc_cancel": "✖️ Cancel",
    "bc_scheduled": "🕘 Broadcast #{id} is scheduled for {when} ({count} recipients right now). See or cancel it with /broadcasts.",
    "bc_progress": "📤 Broadcast #{id}: {done} of {total} sent …",
    "bc_report": "✅ <b>Broadcast #{id} is done</b> ({total} recipients)\nDelivered: {delivered}\nBlocked or unsubscribed: {blocked}\nFailed: {failed}",
    "bc_cancelled": "Broadcast #{id} is cancelled. Nothing was sent.",
    "bc_gone": "Broadcast #{id} can no longer be changed ({status}).",
    "bc_aborted": "Stopped. Nothing was sent.",
    "bc_stale": "That dialogue has ended. Start again with /broadcast.",
    "bc_now_usage": "Type the text after the command, e.g. <code>/broadcast_now Remember the theme day on Thursday!</code>",
    "bc_now_confirm": "👆 This is how recipients will see the message.\n<b>Broadcast #{id}</b> to all active subscribers ({count}). Send it now?",
    "btn_bc_confirm": "✅ Send to everyone ({count})",
    "bc_started": "📤 Scheduled broadcast #{id} has started ({count} recipients).",
    "broadcasts_title": "<b>Broadcasts</b> (newest first)",
    "broadcasts_none": "No broadcasts yet.",
    "broadcasts_line": "#{id} · {status} · {when} · {audience} · {count}\n<i>{excerpt}</i>",
    "btn_bc_cancel_id": "Cancel #{id}",
    "bc_status_draft": "draft",
    "bc_status_scheduled": "scheduled",
    "bc_status_sending": "sending",
    "bc_status_done": "sent",
    "bc_status_cancelled": "cancelled",
    "bc_recipients": "{count} recipients",
    # ---- staff ----
    "staff_help": (
        "<b>Staff commands</b>\n"
        "/broadcast – write and send a message to many (with a preview)\n"
        "/broadcast_now text – send to everyone after a confirmation\n"
        "/broadcasts – broadcasts; cancel scheduled ones\n"
        "/requests – open advice requests (answer by replying to the request in the staff chat)\n"
        "/stats – overview\n/chart – this week's tenders as a chart"
    ),
    "staff_admin_help": "\n/staff add|remove &lt;user id&gt; admin|advisor – give or take a role",
    "staff_members": "<b>Staff</b>\n{list}",
    "staff_member_line": "<code>{id}</code> · {role}{source}",
    "staff_from_config": " (config.toml)",
    "role_admin": "admin",
    "role_advisor": "advisor",
    "staff_usage": "Usage: <code>/staff add 12345 advisor</code> or <code>/staff remove 12345 advisor</code> (roles: admin, advisor).",
    "staff_added": "<code>{id}</code> is now {role}.",
    "staff_already": "<code>{id}</code> was already {role}.",
    "staff_removed": "<code>{id}</code> is no longer {role}.",
    "staff_absent": "<code>{id}</code> does not have the role {role}.",
    "staff_in_config": "<code>{id}</code> is {role} in config.toml; change the file to remove the role.",
    "stats_title": "<b>Overview</b> – week {week} (from {start})",
    "stats_subscribers": "<b>Subscribers</b>: {active} active · {paused} paused · {blocked} blocked · {stopped} unsubscribed",
    "stats_languages": "Languages: {list}",
    "stats_categories": "Categories: {list}",
    "stats_all_categories": "all categories",
    "stats_notices": "<b>Tenders this week</b>: {count} new – {levels}",
    "stats_not_assessed": "not assessed",
    "stats_messages": "<b>Messages this week</b>: {delivered} delivered · {failed} failed · {dropped} not sent (blocked/unsubscribed) · {queued} queued",
    "stats_feedback": "<b>Feedback</b> (relevant / not relevant): {list}",
    "stats_none": "none yet",
    "stats_advice": "<b>Advice</b>: {open} open · {answered} answered",
    "stats_sources": "<b>Sources</b>",
    "stats_source_ok": "✅ {name}: last fetched {when}",
    "stats_source_never": "⏳ {name}: not fetched yet",
    "stats_source_failing": "⚠️ {name}: {failures} failures in a row – last fetched {when}; last error: {error}",
    "stats_never": "never",
    "stats_no_sources": "no sources yet",
    "chart_title": "New tenders by category and assessment, {start}–{end}",
    "chart_other": "Other",
    "chart_xlabel": "Tenders",
    "chart_empty": "No new tenders in the period",
    "chart_caption": "📊 New tenders {start}–{end}: {count}",
}

from bot.texts_directory import DIRECTORY_DA, DIRECTORY_EN  # noqa: E402

DA.update(DIRECTORY_DA)
EN.update(DIRECTORY_EN)
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
    "raadgivning",
    "help",
    "mydata",
    "deletemydata",
    "profil",
)


def t(lang: str, key: str, **params: Any) -> str:
    table = TEXTS.get(lang, DA)
    return table.get(key, DA[key]).format(**params)


def user_language(code: str | None) -> str:
    """Danish first: English only when Telegram says the user's language is English."""
    return "en" if (code or "").lower().startswith("en") else "da"
