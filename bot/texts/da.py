"""The bot's strings in Danish (HTML, the bot's parse mode: anything inserted from data is escaped by
the caller before formatting). Every key exists in both languages (a test checks)."""

from __future__ import annotations

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
