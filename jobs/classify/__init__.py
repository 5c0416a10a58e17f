"""Suitability classifier: how plausible a notice is for a small social enterprise, and why.

Use ``Classifier(settings.classifier, settings.money).classify(notice, now)``;
see ``engine`` for the scoring and combination rules and README.md
("Suitability classifier") for the signals and their weights.
"""

from jobs.classify.engine import ALGORITHM_VERSION, Classifier, classify, rules_version, social_service_cpv
from jobs.classify.model import LEVELS, Assessment, Level, LotAssessment, Reason
from jobs.classify.render import level_label, render_reason
from jobs.classify.report import assessment_to_json
from jobs.classify.settings import (
    ClassifierSettings,
    CodeSettings,
    LevelSettings,
    PhraseSettings,
    SectorSettings,
    SizeSettings,
    WeightSettings,
)
from jobs.classify.textmatch import Matcher, PhraseMatcher, stem_words, tokenize

__all__ = [
    "ALGORITHM_VERSION",
    "LEVELS",
    "Assessment",
    "Classifier",
    "ClassifierSettings",
    "CodeSettings",
    "Level",
    "LevelSettings",
    "LotAssessment",
    "Matcher",
    "PhraseMatcher",
    "PhraseSettings",
    "Reason",
    "SectorSettings",
    "SizeSettings",
    "WeightSettings",
    "assessment_to_json",
    "classify",
    "level_label",
    "render_reason",
    "rules_version",
    "social_service_cpv",
    "stem_words",
    "tokenize",
]
