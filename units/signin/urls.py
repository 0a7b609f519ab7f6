"""Signing in and out and changing one's password (names without a namespace, as Django's
auth views and LOGIN_URL expect)."""

from django.contrib.auth import views as auth_views
from django.urls import path

from units.signin import views

urlpatterns = [
    path("dang-nhap/", auth_views.LoginView.as_view(), name="login"),
    path("dang-xuat/", auth_views.LogoutView.as_view(), name="logout"),
    path("doi-mat-khau/", views.PasswordChangeView.as_view(), name="password_change"),
    path(
        "doi-mat-khau/xong/",
        views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
]
