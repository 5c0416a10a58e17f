"""The reasons as sentences in Danish and English, with amounts written the way readers expect."""

from __future__ import annotations

from decimal import Decimal

from jobs.classify.model import Reason
from jobs.classify.settings import LimitSettings, SubjectSettings


def kr(dkk: Decimal) -> str:
    """Danish: "850.000 kr.", "1,2 mio. kr."."""
    if dkk >= 1_000_000:
        m = f"{dkk / 1_000_000:.1f}".rstrip("0").rstrip(".")
        return f"{m.replace('.', ',')} mio. kr."
    return f"{int(dkk):,} kr.".replace(",", ".")


def dkk_en(dkk: Decimal) -> str:
    """English: "DKK 850,000", "DKK 1.2m"."""
    if dkk >= 1_000_000:
        m = f"{dkk / 1_000_000:.1f}".rstrip("0").rstrip(".")
        return f"DKK {m}m"
    return f"DKK {int(dkk):,}"


SCHEME = {
    "dps": ("Dynamisk indkøbsordning", "Dynamic purchasing system"),
    "qualification": ("Kvalifikationsordning", "Qualification system"),
    "framework": ("Rammeaftale", "Framework agreement"),
}


class Texts:
    """The reasons as sentences in Danish and English (signal ids are for programs only)."""

    def __init__(self, limits: LimitSettings) -> None:
        self.lim = limits

    def reserved(self, codes: tuple[str, ...]) -> Reason:
        if "res-ws" in codes or not codes:
            return Reason(
                "reserved",
                "Reserveret til socialøkonomiske virksomheder og beskyttede værksteder",
                "Reserved for social enterprises and sheltered workshops",
                ",".join(codes),
            )
        return Reason(
            "reserved",
            "Reserveret til organisationer med en offentlig tjenesteydelsesopgave, fx socialøkonomiske virksomheder",
            "Reserved for organisations with a public service mission, such as social enterprises",
            ",".join(codes),
        )

    def reserved_text(self, words: str) -> Reason:
        return Reason(
            "reserved_text",
            f"Teksten siger, at kontrakten er reserveret (»{words}«)",
            f"The text says the contract is reserved (“{words}”)",
            words,
        )

    def sale(self) -> Reason:
        return Reason(
            "sale",
            "Salg eller auktion af offentlig ejendom – ikke et indkøb",
            "A sale or auction of public property, not a purchase",
        )

    def works_large(self, from_threshold: bool) -> Reason:
        limit_da, limit_en = kr(self.lim.works_max_dkk), dkk_en(self.lim.works_max_dkk)
        if from_threshold:
            return Reason(
                "works_large",
                f"Bygge- og anlægsarbejde i et EU-udbud, dvs. over {limit_da}",
                f"Construction works in an EU procedure, so over {limit_en}",
                "above the EU threshold",
            )
        return Reason("works_large", f"Bygge- og anlægsarbejde over {limit_da}", f"Construction works over {limit_en}")

    def large(self) -> Reason:
        return Reason(
            "large",
            f"Over {kr(self.lim.large_min_dkk)}, og ingen delaftale under {kr(self.lim.large_lot_max_dkk)}",
            f"Over {dkk_en(self.lim.large_min_dkk)} and no lot under {dkk_en(self.lim.large_lot_max_dkk)}",
        )

    def sector_small(self, s: SubjectSettings, evidence: str, value: Decimal) -> Reason:
        lim = self.lim.suitable_max_dkk
        return Reason(
            "sector_small",
            f"{s.label('da')}, under {kr(lim)}",
            f"{s.label('en')}, under {dkk_en(lim)}",
            f"{evidence}; {kr(value)}",
        )

    def sector_small_lot(self, s: SubjectSettings, evidence: str) -> Reason:
        lim = self.lim.suitable_max_dkk
        return Reason(
            "sector_small_lot",
            f"{s.label('da')}, mindst én delaftale under {kr(lim)}",
            f"{s.label('en')}, at least one lot under {dkk_en(lim)}",
            evidence,
        )

    def vcse_sector(self, s: SubjectSettings, evidence: str, value: Decimal) -> Reason:
        lim = self.lim.vcse_max_dkk
        return Reason(
            "vcse_sector",
            f"{s.label('da')}, under {kr(lim)}, og ordregiveren angiver, at opgaven egner sig for "
            "socialøkonomiske og frivillige organisationer",
            f"{s.label('en')}, under {dkk_en(lim)}, and the buyer says it suits voluntary, community "
            "and social enterprises",
            f"{evidence}; {kr(value)}",
        )

    def many_parts(self, s: SubjectSettings, evidence: str, parts: int) -> Reason:
        return Reason(
            "many_parts",
            f"{s.label('da')}, delt i {parts} små opgaver",
            f"{s.label('en')}, let in {parts} small parts",
            evidence,
        )

    def routes(self, s: SubjectSettings, evidence: str, scheme: str) -> Reason:
        da, en = SCHEME[scheme]
        return Reason(
            "many_parts",
            f"{s.label('da')}: {da.lower()} med mange små ruter, hver sin opgave",
            f"{s.label('en')}: {en.lower()} of many small routes, each its own contract",
            evidence,
        )

    def kiosk_concession(self, evidence: str) -> Reason:
        return Reason(
            "kiosk_concession",
            "Forpagtning af café, kiosk eller kantine",
            "Café, kiosk or canteen concession",
            evidence,
        )

    def specialised_large(self, s: SubjectSettings, evidence: str, value: Decimal) -> Reason:
        lim = self.lim.specialised_max_dkk
        return Reason(
            "specialised_large",
            f"{s.label('da')}, over {kr(lim)}",
            f"{s.label('en')}, over {dkk_en(lim)}",
            f"{evidence}; {kr(value)}",
        )

    def specialised_clearly_large(self, s: SubjectSettings, evidence: str) -> Reason:
        return Reason(
            "specialised_large",
            f"{s.label('da')}, et EU-udbud (over tærskelværdien)",
            f"{s.label('en')}, an EU procedure (above the threshold)",
            evidence,
        )

    def specialised_by_nature(self, s: SubjectSettings, evidence: str) -> Reason:
        return Reason(
            "specialised_large",
            f"{s.label('da')}: en stor, specialiseret opgave, også uden oplyst værdi",
            f"{s.label('en')}: a large, specialised contract even without a stated value",
            evidence,
        )

    def specialised_small(self, s: SubjectSettings, evidence: str, value: Decimal) -> Reason:
        lim = self.lim.specialised_max_dkk
        return Reason(
            "specialised_small",
            f"{s.label('da')}, men højst {kr(lim)}",
            f"{s.label('en')}, but at most {dkk_en(lim)}",
            f"{evidence}; {kr(value)}",
        )

    def specialised_social(self, s: SubjectSettings, evidence: str) -> Reason:
        return Reason(
            "specialised_social",
            f"{s.label('da')}, men med sociale hensyn",
            f"{s.label('en')}, but with a social objective",
            evidence,
        )

    def specialised_unknown(self, s: SubjectSettings, evidence: str) -> Reason:
        return Reason(
            "specialised_unknown",
            f"{s.label('da')}, værdi ikke oplyst",
            f"{s.label('en')}, value not given",
            evidence,
        )

    def sector_unknown(self, s: SubjectSettings, evidence: str) -> Reason:
        return Reason(
            "sector_unknown", f"{s.label('da')}, værdi ikke oplyst", f"{s.label('en')}, value not given", evidence
        )

    def sector_medium(self, s: SubjectSettings, evidence: str, value: Decimal) -> Reason:
        return Reason(
            "sector_medium",
            f"{s.label('da')}, {kr(value)}",
            f"{s.label('en')}, {dkk_en(value)}",
            evidence,
        )

    def other(self, s: SubjectSettings, evidence: str) -> Reason:
        if s.name == "care":
            return Reason("care", f"{s.label('da')}, ikke reserveret", f"{s.label('en')}, not reserved", evidence)
        return Reason(
            f"other_{s.name}",
            f"{s.label('da')}, uden for de socialøkonomiske brancher",
            f"{s.label('en')}, outside the social-enterprise sectors",
            evidence,
        )

    def works_small(self, value: Decimal | None) -> Reason:
        if value is None:
            return Reason("works", "Bygge- og anlægsarbejde, værdi ikke oplyst", "Construction works, value not given")
        lim = self.lim.works_max_dkk
        return Reason(
            "works",
            f"Bygge- og anlægsarbejde, højst {kr(lim)}",
            f"Construction works, at most {dkk_en(lim)}",
            kr(value),
        )

    def scheme(self, scheme: str) -> Reason:
        da, en = SCHEME[scheme]
        return Reason(
            "scheme",
            f"{da}: det samlede beløb er et loft for hele ordningen, den enkelte opgave er mindre",
            f"{en}: the total is a ceiling for the whole scheme, each call-off is smaller",
            scheme,
        )

    def vcse_outside(self) -> Reason:
        return Reason(
            "vcse",
            "Ordregiveren angiver, at opgaven egner sig for socialøkonomiske og frivillige organisationer",
            "The buyer says it suits voluntary, community and social enterprises",
        )

    def no_sign(self) -> Reason:
        return Reason(
            "no_sign",
            "Ingen tegn på, at opgaven er for stor eller for specialiseret",
            "No sign that it is too large or too specialised",
        )
