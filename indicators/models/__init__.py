"""Indicators, reporting periods, unit figures and targets.

Formulas, period arithmetic and the target rule live in `indicators.domain` (pure Python);
the models here hold the data and the logic that needs only one row. Every model is
re-exported here: import them from `indicators.models`.
"""

from .catalogue import Indicator, Period, PeriodQuerySet
from .dispatch import DispatchDraft, DispatchDraftRevision, DispatchTemplate
from .figures import FiguresChange, FiguresStatus, ImportBatch, PublishedResult, UnitFigures
from .index766 import (
    Index766Group,
    Index766Indicator,
    Index766RuleSet,
    PublishedIndex766Score,
    UnitCatalogue,
)
from .targets import PlanMinimum, Target, TargetPlan, TargetSource, TierTarget

__all__ = [
    "DispatchDraft",
    "DispatchDraftRevision",
    "DispatchTemplate",
    "FiguresChange",
    "FiguresStatus",
    "ImportBatch",
    "Index766Group",
    "Index766Indicator",
    "Index766RuleSet",
    "Indicator",
    "Period",
    "PeriodQuerySet",
    "PlanMinimum",
    "PublishedIndex766Score",
    "PublishedResult",
    "Target",
    "TargetPlan",
    "TargetSource",
    "TierTarget",
    "UnitCatalogue",
    "UnitFigures",
]
