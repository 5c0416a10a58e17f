"""Who is staff (config and /staff), checked on every use; the texts exist in both languages."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from bot.texts import DA, EN
from jobs.config import StaffSettings
from jobs.models import AuditEntry, Broadcast, OutboxRow
from jobs.people.staff import allows, effective_role
from tests.botkit import running_bot
from tests.conftest import reset_postgres
from tests.fakebotapi import FakeBotAPI
from tests.staffkit import ADMIN, ADVISOR, STAFF_CHAT, button, count, press_and_wait, push_formatted, staff_settings

UNKNOWN = DA["unknown_command"]
NEWBIE = 7100


def test_every_text_exists_in_danish_and_english() -> None:
    assert set(DA) == set(EN)


def test_roles_from_config_and_database() -> None:
    settings = StaffSettings(admins=(1,), advisors=(2,))
    assert effective_role(1, settings, set()) == "admin"
    assert effective_role(2, settings, set()) == "advisor"
    assert effective_role(2, settings, {"admin"}) == "admin"
    assert effective_role(3, settings, {"advisor"}) == "advisor"
    assert effective_role(3, settings, set()) is None
    assert allows("admin", "advisor") and allows("advisor", "advisor") and allows("admin", "admin")
    assert not allows("advisor", "admin") and not allows(None, "advisor")


@pytest.fixture
async def prepared_db(db_url: str) -> str:
    if db_url.startswith("postgresql"):
        await reset_postgres(db_url)
    return db_url


async def test_admins_add_and_remove_staff_and_roles_are_checked_on_every_use(
    prepared_db: str, fake_bot_api: FakeBotAPI
) -> None:
    api = fake_bot_api
    async with running_bot(staff_settings(prepared_db, api), api) as bot:
        assert await bot.say(NEWBIE, "/stats") == UNKNOWN
        assert "er nu rådgiver" in await bot.say(ADMIN, f"/staff add {NEWBIE} advisor")
        assert "var allerede rådgiver" in await bot.say(ADMIN, f"/staff add {NEWBIE} advisor")
        assert "Overblik" in await bot.say(NEWBIE, "/stats")
        help_text = await bot.say(NEWBIE, "/staff")
        assert "/broadcast" in help_text and "Medarbejdere" not in help_text  # advisors see no member list
        members = await bot.say(ADMIN, "/staff")
        assert f"{ADMIN} · administrator (config.toml)" in members and f"{NEWBIE} · rådgiver" in members
        assert "Brug:" in await bot.say(ADMIN, "/staff add nogen advisor")
        # a draft begun while staff ...
        await bot.say(NEWBIE, "/broadcast")
        before = len(api.sent(NEWBIE))
        push_formatted(api, NEWBIE, "Kladde", [], message_id=20_000)
        await api.wait_for_sent(NEWBIE, before + 1)
        screen = api.last_message(NEWBIE)
        assert screen is not None and "Hvem skal have beskeden?" in screen["text"]
        # ... is refused once the role is gone: every step checks again
        assert "ikke længere rådgiver" in await bot.say(ADMIN, f"/staff remove {NEWBIE} advisor")
        answered = len(api.callback_answers)
        api.push_callback(
            NEWBIE, screen["reply_markup"]["inline_keyboard"][-1][0]["callback_data"], message_id=screen["message_id"]
        )
        await api.wait_for(lambda: len(api.callback_answers) > answered, timeout=10)
        assert api.callback_answers[-1].text in (None, "")
        assert await bot.say(NEWBIE, "/broadcasts") == UNKNOWN
        assert await count(bot, Broadcast, Broadcast.status.in_(("scheduled", "sending", "done"))) == 0
        # roles from config.toml stay
        assert "config.toml" in await bot.say(ADMIN, f"/staff remove {ADVISOR} advisor")
        assert "Overblik" in await bot.say(ADVISOR, "/stats")
        assert "har ikke rollen" in await bot.say(ADMIN, f"/staff remove {NEWBIE} admin")
        # a broadcast thought better of: cancelled from /broadcasts, then Send does nothing
        await bot.say(ADMIN, "/broadcast_now Fortrudt besked", wait=2)
        confirm = api.last_message(ADMIN)
        assert confirm is not None and "Skal den sendes nu?" in confirm["text"]
        bid = int(button(confirm, "bc:s:").split(":")[2])
        listing = await bot.say(ADMIN, "/broadcasts")
        assert f"#{bid} · kladde" in listing and "Fortrudt besked" in listing
        await press_and_wait(bot, ADMIN, f"bc:x:{bid}", (api.last_message(ADMIN) or {})["message_id"], new_messages=1)
        assert f"Udsendelse #{bid} er annulleret" in (api.last_text(ADMIN) or "")
        await bot.press(ADMIN, f"bc:s:{bid}", confirm["message_id"])
        assert "kan ikke ændres længere (annulleret)" in (api.callback_answers[-1].text or "")
        assert await count(bot, OutboxRow, OutboxRow.kind == "broadcast") == 0
        # the staff chat works for commands too
        api.push_message(STAFF_CHAT, "/requests", user_id=ADVISOR)
        await api.wait_for_sent(STAFF_CHAT, 1)
        async with bot.deps.rt.db.sessions() as s:
            audit = [
                (a.action, a.actor, a.subject, a.detail, a.result)
                for a in (await s.scalars(select(AuditEntry).where(AuditEntry.action.like("staff.%")))).all()
            ]
        assert audit == [
            ("staff.add", ADMIN, f"user:{NEWBIE}", "advisor", "ok"),
            ("staff.add", ADMIN, f"user:{NEWBIE}", "advisor", "unchanged"),
            ("staff.remove", ADMIN, f"user:{NEWBIE}", "advisor", "removed"),
            ("staff.remove", ADMIN, f"user:{ADVISOR}", "advisor", "config"),
            ("staff.remove", ADMIN, f"user:{NEWBIE}", "admin", "absent"),
        ]
