"""Build the bundled example sources under examples/ from ../shared/fixtures.

    python examples/build_examples.py [--today YYYY-MM-DD] [--shared PATH]

Deterministic: the same fixtures and the same ``--today`` (the build date; default: the
date of the last build, kept in examples/BUILD_DATE) always give byte-identical files (no
clock, no randomness, fixed ordering). A few notices are re-dated relative to the build
date so that a first run shows open tenders; everything else keeps its real dates. See
examples/README.md for what each file is and what is changed.
"""

from __future__ import annotations

import argparse
import base64
import csv
import email.utils
import json
import re
import shutil
import sys
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from lxml import etree

REPO = Path(__file__).resolve().parents[1]
EXAMPLES = REPO / "examples"
sys.path.insert(0, str(REPO))

from jobs.ingest.parse.danish import parse_dk_amount, parse_dk_datetime, region_nuts  # noqa: E402
from jobs.ingest.parse.udbud import record_id  # noqa: E402

NS_UDBUD = "https://udbudsbot.dk/ns/feed/1.0"
NS_DC = "http://purl.org/dc/elements/1.1/"
NS_ATOM = "http://www.w3.org/2005/Atom"
U = f"{{{NS_UDBUD}}}"
DC = f"{{{NS_DC}}}"
A = f"{{{NS_ATOM}}}"
CBC = "{urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2}"
_OJS = re.compile(r"\s+((\d{4})/S\s*\d{1,3}-(\d{6}))$")

RSS_DETAILED = 7  # below-threshold records with full details in the RSS feed ...
RSS_EU = 33  # ... plus this many EU notices (title + buyer + dates)
ATOM_EU = 2
# Records re-dated relative to the build date (see examples/README.md), by title; the first
# record with each title. Their other fields stay as published.
REDATED = (
    "Udbud af elektricitet til Egetforbrug",
    "Rådgivning og undervisning i IT-sikkerhed for nordjyske SMV’ere",
    "Transporttjenester (ikke affaldstransport)",
    "Tjenesteydelser i forbindelse med spildevand, affald, rengøring og miljøbeskyttelse",
    "Vedligeholdelse af arealer",
    "Udbud af cafédrift hos tre caféer i Aarhus kommune, Sport og Fritid",
    "Markedsdialog - udbud af madservice til Gribskov Kommune",
)
OPEN_EXTRA_DAYS = 730  # a re-dated deadline: its real distance from publication, plus two years
# eForms SDK examples re-dated the same way for the udbud.dk data-service example page.
SERVICE_NOTICES = ("cn-social_24.xml", "cn_24_multilingual.xml")
BOTH_SOURCES = "cn-social_24.xml"  # also an eforms example source: one notice seen from two sources
# A real Sell2Wales framework with a lot reserved for sheltered workshops (Regulation 20),
# re-dated the same way: the open reserved contract of the demo.
RESERVED_RELEASE = ("wales", "WRel41.json")

def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--shared", type=Path, default=REPO.parent / "shared" / "fixtures")
    ap.add_argument("--today", type=date.fromisoformat, help="build date (default: examples/BUILD_DATE)")
    args = ap.parse_args(argv)
    fixtures: Path = args.shared
    today: date = args.today or date.fromisoformat((EXAMPLES / "BUILD_DATE").read_text(encoding="utf-8").strip())
    if not (fixtures / "udbud-dk" / "udbud.redacted.jl").exists():
        sys.stderr.write(f"fixtures not found under {fixtures}\n")
        return 2

    records = [json.loads(line) for line in (fixtures / "udbud-dk" / "udbud.redacted.jl").open(encoding="utf-8")]
    cpv_by_label = _cpv_vocabulary(fixtures / "cpv" / "cpv_2008_da_en.csv")
    detailed = [r for r in records if "Opgavebeskrivelse" in r and r["Udbudstype"] != "Indkøbsplaner"]
    plans = [r for r in records if r["Udbudstype"] == "Indkøbsplaner"]
    eu = [r for r in records if r["Udbudstype"] == "EU-udbud"]

    rss_records = detailed[:RSS_DETAILED] + eu[:RSS_EU]
    atom_records = detailed[RSS_DETAILED:] + plans + eu[RSS_EU : RSS_EU + ATOM_EU]
    rss_records, atom_records = redate_records([rss_records, atom_records], today)

    _write(EXAMPLES / "BUILD_DATE", f"{today.isoformat()}\n".encode())
    _write(EXAMPLES / "feeds" / "udbud-dk-rss.xml", build_rss(rss_records, cpv_by_label))
    _write(EXAMPLES / "feeds" / "kommune-atom.xml", build_atom(atom_records, cpv_by_label))
    _write(EXAMPLES / "ted" / "search-response.json", build_ted(fixtures / "ted-api-v3"))
    _write(EXAMPLES / "ocds" / "contracts-finder.json", build_ocds(fixtures / "ocds" / "contracts-finder"))
    sdk = fixtures / "eforms" / "sdk-examples"
    notices = {name: redate_eforms((sdk / name).read_bytes(), today, i) for i, name in enumerate(SERVICE_NOTICES)}
    _write(EXAMPLES / "udbud-dk" / "fraKilde-DKUDBUD.json", build_service_page(notices))
    _write(EXAMPLES / "eforms" / BOTH_SOURCES, notices[BOTH_SOURCES])
    folder, name = RESERVED_RELEASE
    release = json.loads((fixtures / "ocds" / folder / name).read_text(encoding="utf-8"))
    _write(EXAMPLES / "ocds" / "sell2wales-reserved.json", redate_release(release, today, len(SERVICE_NOTICES)))
    return 0


# --- RSS 2.0 with the udbudsbot namespace -------------------------------------------


# --- re-dating -----------------------------------------------------------------------


def redate_records(groups: list[list[dict[str, Any]]], today: date) -> list[list[dict[str, Any]]]:
    """The ``REDATED`` records published in the days before ``today`` (the n-th one n+1 days
    before), their deadline as far after publication as it really was plus OPEN_EXTRA_DAYS;
    they keep the id of the real record. Every other record is returned as it is."""
    wanted = list(REDATED)
    out = []
    for group in groups:
        new_group = []
        for r in group:
            title = _title(r)[0]
            if title in wanted:
                n = REDATED.index(title)
                wanted.remove(title)
                r = _redated(r, today - timedelta(days=n + 1))
            new_group.append(r)
        out.append(new_group)
    if wanted:
        raise SystemExit(f"records to re-date not found: {wanted}")
    return out


def _redated(r: dict[str, Any], published: date) -> dict[str, Any]:
    announced = parse_dk_datetime(r["Annonceret"])
    assert announced is not None
    shift = published - announced.date()
    new = dict(r, _id=record_id(r), _redated=True)
    new["Annonceret"] = _shift_dk(r["Annonceret"], shift)
    for key in ("Tilbudsfrist", "Deadline"):
        if r.get(key):
            new[key] = _shift_dk(r[key], shift + timedelta(days=OPEN_EXTRA_DAYS))
    return new


def _shift_dk(value: str, shift: timedelta) -> str:
    """'08-11-2021 kl. 12.00' or '08-11-2021' moved by ``shift``, in the same form."""
    day, _, clock = value.partition(" kl. ")
    d, m, y = (int(x) for x in day.strip().split("-"))
    moved = date(y, m, d) + shift
    return moved.strftime("%d-%m-%Y") + (f" kl. {clock}" if clock else "")


def redate_eforms(xml: bytes, today: date, n: int) -> bytes:
    """An eForms example moved so that it was issued ``n + 1`` days before ``today``: every
    date moves by the same number of days, and dates after the issue date (deadlines,
    contract periods) OPEN_EXTRA_DAYS more."""
    root = etree.fromstring(xml)
    issue = root.find(f".//{CBC}IssueDate")
    assert issue is not None and issue.text
    issued = date.fromisoformat(issue.text[:10])
    shift = (today - timedelta(days=n + 1)) - issued
    for el in root.iter():
        if not isinstance(el.tag, str) or not el.tag.endswith("Date") or not el.text or len(el.text) < 10:
            continue
        try:
            original = date.fromisoformat(el.text[:10])
        except ValueError:
            continue
        extra = OPEN_EXTRA_DAYS if original > issued else 0
        moved = original + shift + timedelta(days=extra)
        el.text = moved.isoformat() + el.text[10:]
    return bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8"))


def redate_release(release: dict[str, Any], today: date, n: int) -> bytes:
    """An OCDS release moved as ``redate_eforms`` moves a notice: published ``n + 1`` days before
    ``today``, and every later date (the tender deadline, contract periods) OPEN_EXTRA_DAYS more."""
    published = datetime.fromisoformat(str(release["date"]).replace("Z", "+00:00"))
    shift = datetime.combine(today - timedelta(days=n + 1), published.timetz()) - published

    def move(value: Any, key: str = "") -> Any:
        if isinstance(value, dict):
            return {k: move(v, k) for k, v in value.items()}
        if isinstance(value, list):
            return [move(v) for v in value]
        if isinstance(value, str) and (key == "date" or key.endswith("Date")) and re.match(r"\d{4}-\d\d-\d\d", value):
            at = datetime.fromisoformat(value.replace("Z", "+00:00"))
            extra = timedelta(days=OPEN_EXTRA_DAYS) if at > published else timedelta(0)
            return (at + shift + extra).isoformat().replace("+00:00", "Z")
        return value

    doc = {"uri": "examples/ocds/sell2wales-reserved.json", "releases": [move(release)]}
    return (json.dumps(doc, ensure_ascii=False, indent=1) + "\n").encode("utf-8")


def build_service_page(notices: dict[str, bytes]) -> bytes:
    """One page of udbud.dk's data service in the shape a public design note describes
    (``jobs/ingest/parse/udbud.py``), around re-dated eForms SDK examples."""
    items = []
    for name, xml in notices.items():
        root = etree.fromstring(xml)
        issue = root.findtext(f".//{CBC}IssueDate") or ""
        items.append(
            {
                "noticeId": root.findtext(f"{CBC}ID") or name,
                "noticeVersion": root.findtext(f"{CBC}VersionID") or "01",
                "registreringsTidspunkt": issue[:10] + "T" + (root.findtext(f".//{CBC}IssueTime") or "12:00:00")[:8],
                "sdkExample": name,
                "bekendtgoerelseXml": base64.b64encode(xml).decode("ascii"),
            }
        )
    page = {"bekendtgoerelser": items, "totalt": len(items)}
    return (json.dumps(page, ensure_ascii=False, indent=1) + "\n").encode("utf-8")


# --- RSS 2.0 with the udbudsbot namespace -------------------------------------------


def build_rss(records: list[dict[str, Any]], cpv: dict[str, str]) -> bytes:
    rss = etree.Element("rss", version="2.0", nsmap={"udbud": NS_UDBUD, "dc": NS_DC})
    ch = etree.SubElement(rss, "channel")
    _sub(ch, "title", "udbud.dk – nyheder (afledt eksempel)")
    _sub(ch, "link", "https://udbud.dk/")
    _sub(
        ch,
        "description",
        "Eksempel-feed bygget af udbudsbot ud fra udbud.dk-annoncer (RSten/udbud, aug.–okt. 2021). "
        "Kilde: udbud.dk. Ikke et rigtigt feed.",
    )
    _sub(ch, "language", "da")
    announced = [parse_dk_datetime(r["Annonceret"]) for r in records]
    _sub(ch, "lastBuildDate", email.utils.format_datetime(max(d for d in announced if d)))
    for r in records:
        _rss_item(ch, r, cpv)
    return _xml(rss)


def _rss_item(ch: Any, r: dict[str, Any], cpv_by_label: dict[str, str]) -> None:
    title, ojs, url = _title(r)
    codes = _cpv(r, cpv_by_label)
    announced = parse_dk_datetime(r["Annonceret"])
    deadline_text = r.get("Deadline") or r.get("Tilbudsfrist") or ""
    deadline = parse_dk_datetime(deadline_text) if " kl. " in deadline_text else None
    ident = r.get("_id") or record_id(r)
    item = etree.SubElement(ch, "item")
    _sub(item, "title", title)
    if url:
        _sub(item, "link", url)
    _sub(item, "guid", ident).set("isPermaLink", "false")
    _sub(item, "description", _description_html(r, deadline=deadline))
    for code, label in codes:
        _sub(item, "category", f"{code} - {label}")
    _sub(item, f"{DC}creator", r["Ordregiver"])
    if announced:
        _sub(item, "pubDate", email.utils.format_datetime(announced))
    # the udbudsbot namespace (documented in jobs/ingest/parse/feed.py)
    _sub(item, f"{U}buyer", r["Ordregiver"])
    _sub(item, f"{U}type", "prior_information" if r["Udbudstype"] == "Indkøbsplaner" else "competition")
    if deadline:
        _sub(item, f"{U}deadline", deadline.isoformat())
    elif deadline_text:
        _sub(item, f"{U}deadline", deadline_text)  # a day only, as udbud.dk gives it
    value, currency = parse_dk_amount(r.get("Skønnet kontraktsum"), default_currency="DKK")
    if value is not None:
        _sub(item, f"{U}value", str(value))
        _sub(item, f"{U}currency", currency or "DKK")
    if codes:
        _sub(item, f"{U}cpv", " ".join(code for code, _ in codes))
    nuts = region_nuts(r.get("Leveringssted"))
    if nuts:
        _sub(item, f"{U}nuts", " ".join(nuts))
    if r.get("SMV venligt"):
        _sub(item, f"{U}smv", r["SMV venligt"])
    if ojs:
        _sub(item, f"{U}procedure", ojs)
    _sub(item, f"{U}country", "DNK")


# --- Atom, plain conventions only ---------------------------------------------------


def build_atom(records: list[dict[str, Any]], cpv_by_label: dict[str, str]) -> bytes:
    feed = etree.Element(f"{A}feed", nsmap={None: NS_ATOM})
    feed.set("{http://www.w3.org/XML/1998/namespace}lang", "da")
    _sub(feed, f"{A}title", "Kommunale udbud og indkøbsplaner (afledt eksempel)")
    _sub(feed, f"{A}id", "urn:udbudsbot:example:kommune-atom")
    etree.SubElement(feed, f"{A}link", href="https://udbud.dk/", rel="alternate")
    announced = [parse_dk_datetime(r["Annonceret"]) for r in records]
    _sub(feed, f"{A}updated", max(d for d in announced if d).isoformat())
    author = etree.SubElement(feed, f"{A}author")
    _sub(author, f"{A}name", "udbudsbot eksempel (kilde: udbud.dk)")
    for r in records:
        title, _, url = _title(r)
        when = parse_dk_datetime(r["Annonceret"])
        entry = etree.SubElement(feed, f"{A}entry")
        _sub(entry, f"{A}id", f"urn:udbudsbot:example:{r.get('_id') or record_id(r)}")
        _sub(entry, f"{A}title", title)
        if url:
            etree.SubElement(entry, f"{A}link", href=url, rel="alternate")
        if when:
            _sub(entry, f"{A}published", when.isoformat())
            _sub(entry, f"{A}updated", when.isoformat())
        entry_author = etree.SubElement(entry, f"{A}author")
        _sub(entry_author, f"{A}name", r["Ordregiver"])
        for code, label in _cpv(r, cpv_by_label):
            etree.SubElement(entry, f"{A}category", term=f"{code} - {label}")
        summary = _sub(entry, f"{A}summary", _description_html(r, deadline=None, text_labels=True))
        summary.set("type", "html")
    return _xml(feed)


def _description_html(
    r: dict[str, Any], *, deadline: datetime | None, text_labels: bool = False
) -> str:
    parts = []
    if r.get("Opgavebeskrivelse"):
        parts.append(f"<p>{_esc(r['Opgavebeskrivelse'])}</p>")
    # The Atom feed names the buyer only as the entry's author (the fallback path).
    facts = [] if text_labels else [("Ordregiver", r["Ordregiver"])]
    facts.append(("Udbudstype", r["Udbudstype"]))
    if r.get("Leveringssted"):
        facts.append(("Leveringssted", r["Leveringssted"]))
    if deadline:
        facts.append(("Tilbudsfrist", deadline.strftime("%d-%m-%Y kl. %H.%M")))
    elif r.get("Deadline") or r.get("Tilbudsfrist"):
        facts.append(("Tilbudsfrist", r.get("Deadline") or r["Tilbudsfrist"]))
    if text_labels:
        value, _ = parse_dk_amount(r.get("Skønnet kontraktsum"), default_currency="DKK")
        if value is not None:
            facts.append(("Skønnet kontraktsum", f"{int(value):,} kr.".replace(",", ".")))
        if r.get("SMV venligt"):
            facts.append(("SMV venligt", r["SMV venligt"]))
    if r.get("Tildelingskriterier"):
        facts.append(("Tildelingskriterier", r["Tildelingskriterier"]))
    parts.append("<ul>" + "".join(f"<li>{k}: {_esc(v)}</li>" for k, v in facts) + "</ul>")
    if r.get("_redated"):
        parts.append(
            "<p><em>Eksempel: datoerne er flyttet frem i forhold til eksemplernes byggedato, "
            "så demoen har åbne udbud; resten er som annonceret.</em></p>"
        )
    return "".join(parts)


# --- TED, OCDS, udbud.dk API ----------------------------------------------------------


def build_ted(folder: Path) -> bytes:
    """The real TED API v3 responses that carry CPV codes (``classification-cpv``, as the API
    returns them) merged into one page (no next token)."""
    names = [
        "philippprimisser-max_ted-tender-alerts_ted_response.json",
        "madlad-code_tender-scan_ted_search_response.json",
    ]
    notices: list[Any] = []
    for name in names:
        notices += json.loads((folder / name).read_text(encoding="utf-8"))["notices"]
    doc = {"notices": notices, "totalNoticeCount": len(notices), "iterationNextToken": None, "timedOut": False}
    return (json.dumps(doc, ensure_ascii=False, indent=1) + "\n").encode("utf-8")


def build_ocds(folder: Path) -> bytes:
    """The 100-release Contracts Finder package, without its links.next (the live service)."""
    doc = json.loads((folder / "CFSearchStr.json").read_text(encoding="utf-8"))
    doc.pop("links", None)
    return (json.dumps(doc, ensure_ascii=False, indent=1) + "\n").encode("utf-8")


# --- helpers --------------------------------------------------------------------------


def _cpv_vocabulary(path: Path) -> dict[str, str]:
    with path.open(encoding="utf-8") as f:
        return {row["label_da"].strip().lower(): row["code"] for row in csv.DictReader(f)}


def _title(r: dict[str, Any]) -> tuple[str, str | None, str | None]:
    """(title without the OJ S reference, the reference, the TED link it gives)."""
    title = r["Titel"].strip().lstrip("-– ").strip()
    m = _OJS.search(title)
    if not m:
        return title, None, None
    url = f"https://ted.europa.eu/da/notice/-/detail/{int(m.group(3))}-{m.group(2)}"
    return title[: m.start()].strip(), m.group(1), url


def _cpv(r: dict[str, Any], cpv_by_label: dict[str, str]) -> list[tuple[str, str]]:
    """The record's CPV code, or, for EU notices (whose title starts with the main
    CPV label), the code looked up in the CPV vocabulary."""
    given = (r.get("CPV kode") or "").strip()
    if given:
        code, _, label = given.partition(" - ")
        return [(code.strip(), label.strip())]
    title, ojs, _ = _title(r)
    if ojs and title.lower() in cpv_by_label:
        return [(cpv_by_label[title.lower()], title)]
    return []


def _esc(s: str) -> str:
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _sub(parent: Any, tag: str, text: str) -> Any:
    el = etree.SubElement(parent, tag)
    el.text = text
    return el


def _xml(root: Any) -> bytes:
    return bytes(etree.tostring(root, xml_declaration=True, encoding="utf-8", pretty_print=True))


def _write(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(path.suffix + ".tmp")
    tmp.write_bytes(data)
    shutil.move(str(tmp), path)
    sys.stdout.write(f"wrote {path.relative_to(REPO)} ({len(data):,} bytes)\n")


if __name__ == "__main__":
    raise SystemExit(main())
