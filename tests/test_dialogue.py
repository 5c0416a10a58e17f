"""Dialogue state, button presses and moving a chat (jobs/people), on SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from jobs.db import Database
from jobs.models import AdviceRequest, ButtonPress, Dialogue, RateLimitChat, Subscriber
from jobs.people import advice, chats, dialogue
from jobs.people.subscribers import Profile, get_subscriber, set_category, subscribe

NOW = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)
HOUR = timedelta(hours=1)


def test_a_question_is_alive_until_it_expires() -> None:
    state = dialogue.Awaiting("keywords", NOW, NOW + HOUR)
    assert dialogue.alive(state, NOW)
    assert dialogue.alive(state, NOW + HOUR - timedelta(seconds=1))
    assert not dialogue.alive(state, NOW + HOUR)


def test_a_press_key_names_the_chat_message_user_button_and_what_was_shown() -> None:
    key = dialogue.press_key(1, 2, 3, "c:it:1", "menu")
    assert key == dialogue.press_key(1, 2, 3, "c:it:1", "menu") and len(key) == 64
    others = {
        dialogue.press_key(9, 2, 3, "c:it:1", "menu"),
        dialogue.press_key(1, 9, 3, "c:it:1", "menu"),
        dialogue.press_key(1, 2, 9, "c:it:1", "menu"),
        dialogue.press_key(1, 2, 3, "c:it:0", "menu"),
        dialogue.press_key(1, 2, 3, "c:it:1", "menu, edited"),
    }
    assert key not in others and len(others) == 5


async def test_expect_take_and_clear(db: Database) -> None:
    assert await dialogue.waiting(db, 1, 1, NOW) is None
    await dialogue.expect(db, 1, 1, "keywords", NOW, HOUR, prompt_message_id=7)
    await dialogue.expect(db, 1, 2, "advice", NOW, HOUR, payload={"notice_id": 3})  # another user, same chat
    # a new question replaces the old one
    await dialogue.expect(db, 1, 1, "maxvalue", NOW, HOUR)
    waiting = await dialogue.waiting(db, 1, 1, NOW)
    assert waiting is not None and (waiting.kind, waiting.prompt_message_id) == ("maxvalue", None)
    taken = await dialogue.take(db, 1, 1, NOW + timedelta(minutes=5))
    assert taken is not None and taken.kind == "maxvalue"
    assert await dialogue.take(db, 1, 1, NOW) is None  # taken once
    other = await dialogue.take(db, 1, 2, NOW)
    assert other is not None and other.payload == {"notice_id": 3}
    # expired: gone, and the message is a new question
    await dialogue.expect(db, 2, 2, "keywords", NOW, HOUR)
    assert await dialogue.waiting(db, 2, 2, NOW + HOUR) is None
    assert await dialogue.take(db, 2, 2, NOW + HOUR) is None
    async with db.sessions() as s:
        assert await s.scalar(select(func.count()).select_from(Dialogue)) == 0
    await dialogue.expect(db, 3, 3, "profile", NOW, HOUR, payload={"field": "cvr", "guided": True})
    assert await dialogue.clear(db, 3, 3)
    assert not await dialogue.clear(db, 3, 3)
    with pytest.raises(ValueError, match="not a dialogue kind"):
        await dialogue.expect(db, 3, 3, "nonsense", NOW, HOUR)


async def test_an_answer_is_taken_once_when_two_take_at_once(db: Database) -> None:
    await dialogue.expect(db, 5, 5, "keywords", NOW, HOUR)
    got = await asyncio.gather(*(dialogue.take(db, 5, 5, NOW) for _ in range(5)))
    assert [g.kind for g in got if g is not None] == ["keywords"]


async def test_a_press_counts_once_within_the_window(db: Database) -> None:
    window = timedelta(seconds=5)
    key = dialogue.press_key(1, 2, 3, "adv:q", "")
    assert await dialogue.first_press(db, key, NOW, window)
    assert not await dialogue.first_press(db, key, NOW + timedelta(seconds=4), window)
    assert await dialogue.first_press(db, key, NOW + timedelta(seconds=6), window)  # pressed again, later
    other = dialogue.press_key(1, 2, 4, "adv:q", "")
    results = await asyncio.gather(*(dialogue.first_press(db, other, NOW, window) for _ in range(6)))
    assert sorted(results) == [False] * 5 + [True]
    assert await dialogue.prune(db, NOW + timedelta(days=2)) == 2
    async with db.sessions() as s:
        assert await s.scalar(select(func.count()).select_from(ButtonPress)) == 0


async def test_a_category_is_set_not_flipped(db: Database) -> None:
    await subscribe(db, Profile(40, 40, "A", None, "da"), NOW)
    for _ in range(2):  # a double tap
        sub = await set_category(db, 40, "it", True, NOW)
        assert sub is not None and sub.categories == ["it"]
    await asyncio.gather(set_category(db, 40, "cleaning", True, NOW), set_category(db, 40, "it", False, NOW))
    fresh = await get_subscriber(db, 40)
    assert fresh is not None and set(fresh.categories) <= {"cleaning"}
    assert await set_category(db, 41, "it", True, NOW) is None


async def test_an_advice_request_is_opened_once_per_message(db: Database) -> None:
    who = Profile(50, 50, "Bageriet", "bageriet", "da")
    first = await advice.create_request(db, who, "Kan vi byde?", notice_id=None, now=NOW, source_message_id=7)
    again = await advice.create_request(db, who, "Kan vi byde?", notice_id=None, now=NOW, source_message_id=7)
    assert (first.repeated, again.repeated, again.id) == (False, True, first.id)
    at_once = await asyncio.gather(
        *(advice.create_request(db, who, "Og nu?", notice_id=None, now=NOW, source_message_id=8) for _ in range(4))
    )
    assert len({r.id for r in at_once}) == 1 and sum(not r.repeated for r in at_once) == 1
    other = await advice.create_request(db, who, "Kan vi byde?", notice_id=None, now=NOW, source_message_id=None)
    assert other.id not in (first.id, at_once[0].id)
    async with db.sessions() as s:
        assert await s.scalar(select(func.count()).select_from(AdviceRequest)) == 3


async def test_a_group_upgraded_to_a_supergroup_moves_everything_keyed_by_its_id(db: Database) -> None:
    old, new = -4_100_000_001, -1_004_100_000_001
    sub, _ = await subscribe(db, Profile(old, 7, "Gruppen", None, "da"), NOW)
    await dialogue.expect(db, old, 7, "keywords", NOW, HOUR)
    async with db.sessions.begin() as s:
        s.add(RateLimitChat(chat_id=old, next_at=1.0))
        s.add(RateLimitChat(chat_id=new, next_at=2.0))
    assert await chats.move_chat(db, old, new)
    assert not await chats.move_chat(db, old, new)  # the second service message: nothing left to move
    moved = await get_subscriber(db, new)
    assert moved is not None and moved.id == sub.id and await get_subscriber(db, old) is None
    assert await dialogue.waiting(db, new, 7, NOW) is not None
    async with db.sessions() as s:
        pace = dict((await s.execute(select(RateLimitChat.chat_id, RateLimitChat.next_at))).all())
    assert pace == {new: 1.0}
    names = {(t.name, c.name) for t, c in chats.chat_columns()}
    assert {("subscribers", "chat_id"), ("dialogues", "chat_id"), ("advice_requests", "staff_chat_id")} <= names
    assert ("dialogues", "user_id") not in names


async def test_the_old_subscription_wins_over_one_made_in_the_new_chat(db: Database) -> None:
    old, new = -4_200_000_002, -1_004_200_000_002
    first, _ = await subscribe(db, Profile(old, 7, "Gruppen", None, "da"), NOW)
    await subscribe(db, Profile(new, 8, "Gruppen", None, "da"), NOW)
    assert await chats.move_chat(db, old, new)
    async with db.sessions() as s:
        rows = (await s.scalars(select(Subscriber).where(Subscriber.chat_id.in_((old, new))))).all()
    assert [(r.id, r.chat_id) for r in rows] == [(first.id, new)]
