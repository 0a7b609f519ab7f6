from django.urls import path

from indicators.targets import views

urlpatterns = [
    path("chi-tieu/", views.plans_list, name="targets_plans"),
    path("chi-tieu/tao-moi/", views.plan_create, name="targets_plan_create"),
    path("chi-tieu/<int:plan_id>/", views.plan_detail, name="targets_plan"),
    path("chi-tieu/<int:plan_id>/ap-dung/", views.plan_apply, name="targets_apply"),
    path("chi-tieu/<int:plan_id>/muc/<int:target_id>/", views.target_detail, name="targets_target"),
]
