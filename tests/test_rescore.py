"""Stored assessments follow the rules: re-scoring recomputes those made by other rules."""

from __future__ import annotations

import dataclasses
from decimal import Decimal

from sqlalchemy import select

from jobs.classify import Classifier
from jobs.classify.engine import rules_version
from jobs.db import Database
from jobs.ingest.parse import parse_document
from jobs.ingest.rescore import rescore_all
from jobs.ingest.store import store_notices
from jobs.models import NoticeRow
from tests.helpers import Clock, fixture_bytes, settings_with


async def levels(db: Database) -> dict[str, tuple[str | None, int | None, str | None]]:
    async with db.sessions() as s:
        rows = (await s.scalars(select(NoticeRow))).all()
        return {r.external_id: (r.level, r.score, r.rules_version) for r in rows}


async def test_rescore_recomputes_only_stale_assessments(db: Database) -> None:
    settings = settings_with()
    clock = Clock()
    old = Classifier(settings.classifier, settings.money)
    notices = parse_document(fixture_bytes("ocds/contracts-finder/CFSearchStr.json"), source="cf").notices
    async with db.sessions.begin() as s:
        await store_notices(s, "cf", notices, now=clock(), money=settings.money,
                            assess=lambda n: old.classify(n, clock()))
    before = await levels(db)
    assert {v[2] for v in before.values()} == {old.rules_version}
    # new rules: anything over DKK 100 with no small lot is "unlikely" (most Contracts Finder releases have a value)
    limits = dataclasses.replace(settings.classifier.limits, large_min_dkk=Decimal(100))
    rules = dataclasses.replace(settings.classifier, limits=limits)
    new = Classifier(rules, settings.money)
    assert new.rules_version != old.rules_version == rules_version(settings.classifier, settings.money)
    count = await rescore_all(db, lambda n: new.classify(n, clock()), stale_for=new.rules_version)
    assert count == len(before)
    after = await levels(db)
    assert {v[2] for v in after.values()} == {new.rules_version}
    changed = [k for k in before if before[k][0] != after[k][0]]
    assert len(changed) >= 5
    for n in notices:
        assert after[n.id][:2] == (new.classify(n, clock()).level, new.classify(n, clock()).score)
    # nothing is stale any more
    assert await rescore_all(db, lambda n: new.classify(n, clock()), stale_for=new.rules_version) == 0
    # exchange rates are part of the rules: values cross thresholds when they move
    money = dataclasses.replace(settings.money, rates_to_dkk={**settings.money.rates_to_dkk, "GBP": 80})
    assert rules_version(settings.classifier, money) != rules_version(settings.classifier, settings.money)



def test_rules_version_covers_the_rules_data() -> None:
    """Every word, code, subject and phrase the rules read is part of the rules version."""
    settings = settings_with().classifier
    base = rules_version(settings)
    cleaning = next(x for x in settings.sectors if x.name == "cleaning")
    more_words = dataclasses.replace(cleaning, words={**cleaning.words, "da": (*cleaning.words["da"], "skurvogn")})
    sectors = tuple(more_words if x is cleaning else x for x in settings.sectors)
    assert rules_version(dataclasses.replace(settings, sectors=sectors)) != base
    medical = settings.specialised[0]
    fewer_codes = dataclasses.replace(medical, cpv_prefixes=medical.cpv_prefixes[1:])
    specialised = (fewer_codes, *settings.specialised[1:])
    assert rules_version(dataclasses.replace(settings, specialised=specialised)) != base
    phrases = dataclasses.replace(settings.phrases, sale={**settings.phrases.sale, "en": ("disposal of assets",)})
    assert rules_version(dataclasses.replace(settings, phrases=phrases)) != base
