"""Indicators, reporting periods, unit figures and targets.

Formulas, period arithmetic and the target rule live in `indicators.domain` (pure Python);
the models here hold the data and the logic that needs only one row. Every model is
re-exported here: import them from `indicators.models`.
"""

from .catalogue import Indicator, Period, PeriodQuerySet
from .dispatch import DispatchDraft, DispatchDraftRevision, DispatchTemplate
from .figures import FiguresChange, FiguresStatus, ImportBatch, PublishedResult, UnitFigures
from .targets import PlanMinimum, Target, TargetPlan, TargetSource, TierTarget

__all__ = [
    "DispatchDraft",
    "DispatchDraftRevision",
    "DispatchTemplate",
    "FiguresChange",
    "FiguresStatus",
    "ImportBatch",
    "Indicator",
    "Period",
    "PeriodQuerySet",
    "PlanMinimum",
    "PublishedResult",
    "Target",
    "TargetPlan",
    "TargetSource",
    "TierTarget",
    "UnitFigures",
]
