"""Messages show the classifier's reasons as sentences, never its internal signal ids."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest

from bot.render import render_details, render_notice
from jobs.classify import Classifier, ClassifierSettings
from jobs.config import MoneySettings
from jobs.deliver.notify import NoticeView
from jobs.notice import Lot, Notice

NOW = datetime(2024, 6, 3, 12, 0, tzinfo=UTC)
CLF = Classifier(ClassifierSettings(), MoneySettings(rates_to_dkk={"DKK": Decimal(1)}))


def view(n: Notice) -> NoticeView:
    a = CLF.classify(n, NOW)
    lots = [{"lot_id": la.lot_id, "level": la.level, "reasons": [r.to_dict() for r in la.reasons]} for la in a.lots]
    return NoticeView(1, n, a.score, a.level, [r.to_dict() for r in a.reasons], lots=lots)


NOTICES = [
    Notice(source="t", id="1", title="Rengøring af skole", cpv=("90910000",), value=Decimal(600_000), currency="DKK"),
    Notice(
        source="t", id="2", title="Nyt rådhus", cpv=("45210000",), contract_nature="works", value=Decimal(90_000_000)
    ),
    Notice(
        source="t",
        id="3",
        title="Vagt og rengøring",
        cpv=("79713000",),
        vcse_suitable=True,
        lots=(Lot(lot_id="L1", cpv=("90910000",), value=Decimal(400_000), currency="DKK"), Lot(lot_id="L2")),
    ),
    Notice(source="t", id="4", title="Kontrakt 17"),
]


@pytest.mark.parametrize("n", NOTICES, ids=lambda n: n.id)
@pytest.mark.parametrize("lang", ["da", "en"])
def test_reasons_are_sentences_in_the_users_language(n: Notice, lang: str) -> None:
    v = view(n)
    for text in (render_notice(v, lang, NOW, "Europe/Copenhagen"), render_details(v, lang, NOW, "Europe/Copenhagen")):
        first = v.reasons[0][lang]
        assert first.replace("&", "&amp;") in text or first in text
        for r in v.reasons:
            assert r["signal"] not in text  # "sector_small", "works_large", "no_sign", ...
        assert "_" not in text.replace("target=", "")
        assert "/100" not in text  # the score orders notices; it is not shown


def test_a_reason_from_older_rules_is_left_out_rather_than_shown_raw() -> None:
    v = view(NOTICES[0])
    stale = NoticeView(1, v.notice, 40, "possible", [{"signal": "sector:cleaning", "weight": 15, "evidence": "x"}])
    text = render_notice(stale, "da", NOW, "Europe/Copenhagen")
    assert "sector:cleaning" not in text and "weight" not in text
