from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from indicators.index766.services import copy_rule_set
from indicators.models import (
    Index766Group,
    Index766Indicator,
    Index766RuleSet,
    Indicator,
    Period,
    PlanMinimum,
    PublishedIndex766Score,
    PublishedResult,
    Target,
    TargetPlan,
    TierTarget,
    UnitCatalogue,
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


# --------------------------------------------------------------------------- Decision 766


class Index766GroupInline(admin.TabularInline):
    model = Index766Group
    extra = 0
    show_change_link = True


class Index766IndicatorInline(admin.TabularInline):
    model = Index766Indicator
    extra = 0
    fields = (
        "order",
        "code",
        "name_vi",
        "max_points",
        "kind",
        "threshold",
        "numerator",
        "denominator",
        "approx_numerator",
        "approx_denominator",
        "not_applicable_levels",
        "shortfall_label",
        "gain_label",
        "note",
    )


@admin.register(Index766RuleSet)
class Index766RuleSetAdmin(admin.ModelAdmin):
    """A corrected table is a new version: copy the one in force, then edit the copy's
    groups and indicators (no deploy). Scores name the version in force at a period's end."""

    list_display = ("version", "valid_from", "not_applicable_full", "created_at")
    inlines = (Index766GroupInline,)
    actions = ("copy_as_new_version",)

    @admin.action(description=_("Sao chép thành phiên bản mới (áp dụng từ hôm nay)"))
    def copy_as_new_version(
        self, request: HttpRequest, queryset: QuerySet[Index766RuleSet]
    ) -> None:
        today = timezone.localdate()
        for rule_set in queryset:
            version = f"{rule_set.version}-{today:%Y%m%d}"
            if Index766RuleSet.objects.filter(version=version).exists():
                self.message_user(
                    request,
                    _("Đã có phiên bản %(version)s.") % {"version": version},
                    level=messages.ERROR,
                )
                continue
            copy = copy_rule_set(rule_set=rule_set, version=version, valid_from=today)
            self.message_user(request, _("Đã tạo phiên bản %(version)s.") % {"version": copy})


@admin.register(Index766Group)
class Index766GroupAdmin(admin.ModelAdmin):
    list_display = ("name_vi", "rule_set", "max_points", "order")
    list_filter = ("rule_set",)
    inlines = (Index766IndicatorInline,)


@admin.register(UnitCatalogue)
class UnitCatalogueAdmin(admin.ModelAdmin):
    list_display = ("unit", "stated_on", "procedures_total", "procedures_online", "source")
    raw_id_fields = ("unit",)
    search_fields = ("unit__code", "unit__name")
    list_select_related = ("unit",)


@admin.register(PublishedIndex766Score)
class PublishedIndex766ScoreAdmin(admin.ModelAdmin):
    list_display = ("unit", "period", "total", "source", "entered_at")
    raw_id_fields = ("unit", "entered_by")
    search_fields = ("unit__code", "unit__name")
    list_select_related = ("unit", "period")
