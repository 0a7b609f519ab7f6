from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from indicators.models import (
    Indicator,
    Period,
    PlanMinimum,
    PublishedResult,
    Target,
    TargetPlan,
    TierTarget,
    UnitFigures,
)


@admin.register(Indicator)
class IndicatorAdmin(admin.ModelAdmin):
    # The formula itself lives in the domain catalogue (indicators/domain/formulas.py).
    list_display = ("code", "name_vi", "numerator", "denominator", "order")

    @admin.display(description=_("tử số"))
    def numerator(self, indicator: Indicator) -> str:
        return indicator.numerator_label

    @admin.display(description=_("mẫu số"))
    def denominator(self, indicator: Indicator) -> str:
        return indicator.denominator_label


@admin.register(Period)
class PeriodAdmin(admin.ModelAdmin):
    list_display = ("code", "label_vi", "start", "end", "convention")
    list_filter = ("kind", "convention", "year")
    search_fields = ("code", "label_vi")


@admin.register(UnitFigures)
class UnitFiguresAdmin(admin.ModelAdmin):
    list_display = ("unit", "period", "received", "received_online", "is_sample", "updated_at")
    list_filter = ("is_sample", "period")
    search_fields = ("unit__code", "unit__name")
    raw_id_fields = ("unit", "entered_by")
    list_select_related = ("unit", "period")


@admin.register(PublishedResult)
class PublishedResultAdmin(admin.ModelAdmin):
    list_display = ("unit", "period", "indicator", "rate", "source")
    raw_id_fields = ("unit",)
    list_select_related = ("unit", "period", "indicator")


class PlanMinimumInline(admin.TabularInline):
    model = PlanMinimum
    extra = 0


class TierTargetInline(admin.TabularInline):
    model = TierTarget
    extra = 0


@admin.register(TargetPlan)
class TargetPlanAdmin(admin.ModelAdmin):
    list_display = ("title", "year", "issuer", "decision_number", "applies_rule", "is_active")
    list_filter = ("year", "applies_rule", "is_active")
    raw_id_fields = ("issuer",)
    inlines = [PlanMinimumInline, TierTargetInline]


@admin.register(Target)
class TargetAdmin(admin.ModelAdmin):
    list_display = ("unit", "indicator", "plan", "value", "source", "branch", "baseline")
    list_filter = ("source", "plan__year", "indicator")
    search_fields = ("unit__code", "unit__name")
    raw_id_fields = ("unit",)
    list_select_related = ("unit", "indicator", "plan")
