"""The classifier's rules: weights, thresholds, codes, phrases and sectors.

Defaults equal the shipped ``config.toml`` ``[classifier]`` section; README.md
("Suitability classifier" and "Configuration") explains every key. All
amounts are DKK (converted with ``[money.rates_to_dkk]``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal


@dataclass(frozen=True)
class LevelSettings:
    """Score scale: every assessment starts at ``base`` and adds signed weights."""

    base: int = 40  # where a notice with no signal at all lands (below "possible")
    possible: int = 50  # score from which a notice is "possible" (mulig)
    suitable: int = 65  # score from which a notice is "suitable" (oplagt)
    best_lot_discount: int = 5  # a lot lifts its notice to (lot score - this), see README

    def __post_init__(self) -> None:
        if not 0 <= self.possible < self.suitable <= 100:
            raise ValueError("levels need 0 <= possible < suitable <= 100")
        if not 0 <= self.base <= 100 or self.best_lot_discount < 0:
            raise ValueError("levels.base must be 0-100 and best_lot_discount >= 0")


@dataclass(frozen=True)
class WeightSettings:
    """Signed points per signal (positive: more suitable)."""

    reserved: int = 45  # BT-71 res-ws: sheltered workshops / social enterprises (art. 20)
    reserved_public_service: int = 30  # BT-71 res-pub-ser: public-service-mission organisations (art. 77)
    reserved_text: int = 35  # reservation said in text ("beskyttede værksteder", ...)
    social_clause: int = 12  # BT-06 soc-obj / BT-775 code or social clause in text
    sme_suitable: int = 5  # buyer says suitable for SMEs (BT-726, OCDS suitability.sme)
    not_sme_suitable: int = -5  # buyer says NOT suitable for SMEs
    vcse_suitable: int = 10  # buyer says suitable for voluntary/community/social enterprises
    light_regime: int = 5  # social and other specific services (light regime)
    small_value: int = 10  # estimated value <= size.small_max_dkk
    large_value: int = -15  # estimated value >= size.large_min_dkk
    very_large_value: int = -30  # estimated value >= size.very_large_min_dkk (instead of large)
    many_lots: int = 5  # divided into >= size.many_lots_min lots
    sector: int = 15  # main CPV in a configured sector
    sector_text: int = 10  # a sector keyword in the text (when the CPV did not match)
    works: int = -10  # works contract (contract nature or CPV division 45)
    large_works: int = -25  # works at or above size.works_large_min_dkk (instead of works)
    large_framework: int = -15  # framework agreement at or above size.framework_large_min_dkk
    specialist: int = -10  # main CPV in a specialist field (codes.specialist_cpv_prefixes)
    short_deadline: int = -10  # tender deadline less than short_deadline_days away


@dataclass(frozen=True)
class SizeSettings:
    small_max_dkk: Decimal = Decimal(2_000_000)
    large_min_dkk: Decimal = Decimal(20_000_000)
    very_large_min_dkk: Decimal = Decimal(100_000_000)
    works_large_min_dkk: Decimal = Decimal(5_000_000)
    framework_large_min_dkk: Decimal = Decimal(10_000_000)
    many_lots_min: int = 3

    def __post_init__(self) -> None:
        if not 0 <= self.small_max_dkk < self.large_min_dkk <= self.very_large_min_dkk:
            raise ValueError("size needs 0 <= small_max_dkk < large_min_dkk <= very_large_min_dkk")
        if self.many_lots_min < 2:
            raise ValueError("size.many_lots_min must be at least 2")


@dataclass(frozen=True)
class CodeSettings:
    """Structured codes that trigger signals."""

    reserved: tuple[str, ...] = ("res-ws",)  # BT-71 codes weighted weights.reserved
    reserved_public_service: tuple[str, ...] = ("res-pub-ser",)  # weighted weights.reserved_public_service
    social: tuple[str, ...] = (  # BT-06 soc-obj and the BT-775 social objectives
        "soc-obj",
        "opp",
        "acc-all",
        "et-eq",
        "gen-eq",
        "hum-right",
        "work-cond",
        "other",
    )
    light_regime_form_types: tuple[str, ...] = ("pin-cfc-social", "cn-social", "can-social")
    light_regime_subtypes: tuple[str, ...] = ("12", "13", "14", "20", "21", "33", "34", "35")
    works_cpv_prefixes: tuple[str, ...] = ("45",)  # CPV division 45: construction work
    # Fields a small social enterprise rarely supplies: fuels and energy, chemicals, electrical
    # and IT equipment, medical products, vehicles, defence, lab instruments, industrial machinery,
    # software, finance and insurance, architecture and engineering, IT services, R&D, legal and
    # management consultancy, repair of medical and precision equipment, health services.
    specialist_cpv_prefixes: tuple[str, ...] = (
        "09",
        "24",
        "302",
        "31",
        "32",
        "33",
        "34",
        "35",
        "38",
        "42",
        "48",
        "504",
        "66",
        "71",
        "72",
        "73",
        "791",
        "794",
        "851",
    )


@dataclass(frozen=True)
class PhraseSettings:
    """Text phrases (matched with stemming and Danish compounds, see textmatch.py)."""

    reserved_da: tuple[str, ...] = (
        "reserveret kontrakt",
        "reserveret udbud",
        "reserveret til socialøkonomiske",
        "udbudslovens § 20",
        "beskyttede værksteder",
        "beskyttet værksted",
        "socialøkonomiske virksomheder",
        "forbeholdt socialøkonomiske",
        "forbeholdt beskyttede",
        "social og faglig integration",
    )
    reserved_en: tuple[str, ...] = (
        "reserved contract",
        "reserved for sheltered",
        "reserved for supported",
        "reserved for social enterprises",
        "sheltered workshop",
        "sheltered employment",
        "supported employment provider",
        "supported business",
        "supported factory",
        "social and professional integration",
        "reserved under regulation 20",
        "reserved under regulation 77",
    )
    social_da: tuple[str, ...] = (
        "sociale klausuler",
        "socialklausul",
        "uddannelsesklausul",
        "beskæftigelsesklausul",
        "praktikplads",
        "praktikpladser",
        "elevplads",
        "lærling",
        "lærlinge",
        "ledige",
        "langtidsledige",
        "udsatte borgere",
        "socialt udsatte",
        "fleksjob",
        "skånejob",
        "løntilskud",
        "virksomhedspraktik",
        "personer med handicap",
        "handicappede",
        "sociale hensyn",
    )
    social_en: tuple[str, ...] = (
        "social clause",
        "social clauses",
        "community benefit",
        "community benefits",
        "apprenticeship",
        "apprentices",
        "long-term unemployed",
        "unemployed people",
        "work placement",
        "supported internship",
        "disadvantaged people",
        "disadvantaged groups",
        "people with disabilities",
        "disabled people",
        "ex-offenders",
        "targeted recruitment and training",
    )
    min_compound: int = 6  # shortest stem matched inside a Danish compound word
    min_exact_stem: int = 4  # stems shorter than this match only the word as written

    def __post_init__(self) -> None:
        if self.min_compound < 3 or self.min_exact_stem < 1:
            raise ValueError("phrases.min_compound must be >= 3 and min_exact_stem >= 1")


@dataclass(frozen=True)
class SectorSettings:
    """A named sector where social enterprises typically work."""

    name: str
    label_da: str = ""
    label_en: str = ""
    cpv_prefixes: tuple[str, ...] = ()
    keywords_da: tuple[str, ...] = ()
    keywords_en: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if not self.name.strip() or ":" in self.name:
            raise ValueError("a sector needs a non-empty name without ':'")
        bad = [p for p in self.cpv_prefixes if not (p.isdigit() and 1 <= len(p) <= 8)]
        if bad:
            raise ValueError(f"sector {self.name!r}: CPV prefix {bad[0]!r} is not 1-8 digits")


DEFAULT_SECTORS: tuple[SectorSettings, ...] = (
    SectorSettings(
        name="catering",
        label_da="kantine og mad",
        label_en="catering",
        cpv_prefixes=("5530", "5532", "5551", "5552"),
        keywords_da=(
            "kantine",
            "kantinedrift",
            "catering",
            "madservice",
            "madlevering",
            "madordning",
            "frokostordning",
            "skolemad",
            "cafédrift",
            "køkkendrift",
        ),
        keywords_en=("catering", "canteen", "school meals", "meals service", "cafe operation", "food service"),
    ),
    SectorSettings(
        name="cleaning",
        label_da="rengøring",
        label_en="cleaning",
        cpv_prefixes=("9061", "9069", "9091", "9092"),
        keywords_da=("rengøring", "vinduespolering", "vinduespudsning", "gadefejning", "graffitifjernelse"),
        keywords_en=(
            "cleaning services",
            "cleaning contract",
            "office cleaning",
            "school cleaning",
            "window cleaning",
            "high level cleaning",
            "janitorial",
            "graffiti removal",
            "street cleansing",
        ),
    ),
    SectorSettings(
        name="green_areas",
        label_da="grønne områder",
        label_en="green areas",
        cpv_prefixes=("7731", "7732", "7734"),
        keywords_da=(
            "grønne områder",
            "grøntområder",
            "grønne arealer",
            "parkpleje",
            "parkdrift",
            "havepleje",
            "haveservice",
            "gartnerarbejde",
            "anlægsgartner",
            "græsslåning",
            "hækkeklipning",
            "snerydning",
            "ukrudtsbekæmpelse",
            "vedligeholdelse af arealer",
            "parkanlæg",
        ),
        keywords_en=(
            "grounds maintenance",
            "green spaces",
            "green space",
            "parks maintenance",
            "landscape maintenance",
            "grass cutting",
            "hedge trimming",
            "tree pruning",
            "gardening services",
            "snow clearance",
        ),
    ),
    SectorSettings(
        name="laundry",
        label_da="vask og tekstiler",
        label_en="laundry",
        cpv_prefixes=("9831",),
        keywords_da=(
            "vaskeri",
            "vasketøj",
            "tøjvask",
            "linnedservice",
            "tekstilservice",
            "vask og rensning",
            "tekstilrensning",
        ),
        keywords_en=("laundry", "linen service", "linen hire", "dry cleaning"),
    ),
    SectorSettings(
        name="printing",
        label_da="tryk og scanning",
        label_en="printing and scanning",
        cpv_prefixes=("7981", "7982", "799991"),
        keywords_da=("trykning", "trykkeri", "tryksager", "trykopgaver", "bogbinderi", "dokumentscanning"),
        keywords_en=("printing services", "print services", "print management", "document scanning"),
    ),
    SectorSettings(
        name="packaging",
        label_da="pakning og montage",
        label_en="packaging and assembly",
        cpv_prefixes=("7957", "7992"),
        keywords_da=("pakkeopgaver", "ompakning", "emballering", "kuvertering", "montageopgaver", "lettere montage"),
        keywords_en=(
            "packaging services",
            "packing services",
            "light assembly",
            "assembly work",
            "=kitting",
            "mailing services",
            "fulfilment services",
        ),
    ),
    SectorSettings(
        name="call_centre",
        label_da="callcenter og telefonservice",
        label_en="call centre",
        cpv_prefixes=("7951",),
        keywords_da=("callcenter", "telefonpasning", "kundeservicecenter"),
        keywords_en=("call centre", "call center", "contact centre", "telephone answering"),
    ),
    SectorSettings(
        name="it_testing",
        label_da="it-test",
        label_en="IT testing",
        cpv_prefixes=("7282",),
        keywords_da=("softwaretest", "brugertest", "tilgængelighedstest", "testopgaver"),
        keywords_en=("software testing", "user testing", "accessibility testing", "usability testing"),
    ),
    SectorSettings(
        name="training_employment",
        label_da="uddannelse og beskæftigelse",
        label_en="training and employment services",
        cpv_prefixes=("8053", "8057", "8058", "79611"),
        keywords_da=(
            "beskæftigelsesindsats",
            "jobtræning",
            "mentorordning",
            "opkvalificering",
            "jobformidling",
            "afklaringsforløb",
            "beskæftigelsesforløb",
            "jobsøgning",
        ),
        keywords_en=(
            "=employability",
            "employment support",
            "back to work",
            "job coaching",
            "vocational training",
            "skills support",
            "job search",
        ),
    ),
    SectorSettings(
        name="social_services",
        label_da="sociale ydelser",
        label_en="social services",
        cpv_prefixes=("853",),
        keywords_da=(
            "botilbud",
            "bostøtte",
            "socialpædagogisk",
            "aflastning",
            "støttekontaktperson",
            "misbrugsbehandling",
            "hjemmepleje",
            "praktisk hjælp",
            "ledsagelse",
            "værested",
            "samværstilbud",
            "beskæftigelsestilbud",
            "hjemmehjælp",
            "sociale foranstaltninger",
        ),
        keywords_en=(
            "social care",
            "supported living",
            "domiciliary care",
            "floating support",
            "day services",
            "day opportunities",
            "homelessness",
            "befriending",
            "home care",
            "domestic abuse support",
        ),
    ),
    SectorSettings(
        name="transport",
        label_da="kørsel og bud",
        label_en="transport and courier",
        cpv_prefixes=("6012", "6013", "6014", "6016", "6017", "6412"),
        keywords_da=(
            "kørselsordning",
            "flextrafik",
            "taxikørsel",
            "budservice",
            "budkørsel",
            "elevkørsel",
            "handicapkørsel",
            "befordring",
            "kurerservice",
            "persontransport",
        ),
        keywords_en=(
            "home to school transport",
            "school transport",
            "passenger transport",
            "taxi services",
            "courier services",
            "community transport",
            "patient transport",
        ),
    ),
    SectorSettings(
        name="small_repairs",
        label_da="småreparationer og viceværtopgaver",
        label_en="small repairs and caretaking",
        cpv_prefixes=("5082", "5083", "5085", "5087", "5088", "98392", "98395"),
        keywords_da=(
            "småreparationer",
            "møbelreparation",
            "cykelreparation",
            "cykelværksted",
            "pedelopgaver",
            "viceværtopgaver",
            "viceværtfunktion",
            "håndværkerservice",
            "flytteopgaver",
        ),
        keywords_en=(
            "minor repairs",
            "handyman",
            "furniture repair",
            "bicycle repair",
            "caretaking",
            "removal services",
            "office moves",
        ),
    ),
)


@dataclass(frozen=True)
class ClassifierSettings:
    """``[classifier]`` in config.toml."""

    short_deadline_days: int = 10
    levels: LevelSettings = field(default_factory=LevelSettings)
    weights: WeightSettings = field(default_factory=WeightSettings)
    size: SizeSettings = field(default_factory=SizeSettings)
    codes: CodeSettings = field(default_factory=CodeSettings)
    phrases: PhraseSettings = field(default_factory=PhraseSettings)
    sectors: tuple[SectorSettings, ...] = DEFAULT_SECTORS

    def __post_init__(self) -> None:
        names = [s.name for s in self.sectors]
        dupes = sorted({n for n in names if names.count(n) > 1})
        if dupes:
            raise ValueError(f"sector names must be unique: {dupes[0]!r} repeats")
        if self.short_deadline_days < 0:
            raise ValueError("short_deadline_days must be >= 0")
