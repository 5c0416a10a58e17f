"""Suitability classifier: is a notice suitable, possible or unlikely for a small social
enterprise, and why (``../shared/SUITABILITY.md``).

Use ``Classifier(settings.classifier, settings.money).classify(notice, now)``;
see ``engine`` for the rules and docs/classifier.md for the subjects, the
reasons and the evaluation.
"""

from jobs.classify.engine import ALGORITHM_VERSION, Classifier, classify, rules_version
from jobs.classify.model import LEVELS, Assessment, Level, LotAssessment, Reason
from jobs.classify.render import level_label, render_reason
from jobs.classify.report import assessment_to_json, reason_json
from jobs.classify.settings import (
    ClassifierSettings,
    CodeSettings,
    LimitSettings,
    MatchSettings,
    PhraseSettings,
    SubjectSettings,
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
    "LimitSettings",
    "LotAssessment",
    "MatchSettings",
    "Matcher",
    "PhraseMatcher",
    "PhraseSettings",
    "Reason",
    "SubjectSettings",
    "assessment_to_json",
    "classify",
    "level_label",
    "reason_json",
    "render_reason",
    "rules_version",
    "stem_words",
    "tokenize",
]
