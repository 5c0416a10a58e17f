"""The bot's strings in English (HTML, the bot's parse mode: anything inserted from data is escaped by
the caller before formatting). Every key exists in both languages (a test checks)."""

from __future__ import annotations

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
