from django.urls import path

from accounts import views

app_name = "accounts"

urlpatterns = [
    path("register/", views.RegisterView.as_view(), name="register"),
    path("token/", views.TokenObtainView.as_view(), name="token-obtain"),
    path("token/refresh/", views.TokenRefreshView.as_view(), name="token-refresh"),
    path("logout/", views.LogoutView.as_view(), name="logout"),
    path("me/", views.MeView.as_view(), name="me"),
    path("me/password/", views.PasswordChangeView.as_view(), name="password-change"),
    path("me/export/", views.MeExportView.as_view(), name="me-export"),
    path("password-reset/", views.PasswordResetView.as_view(), name="password-reset"),
    path(
        "password-reset/confirm/",
        views.PasswordResetConfirmView.as_view(),
        name="password-reset-confirm",
    ),
    path("verify-email/", views.EmailVerifyView.as_view(), name="verify-email"),
    path("verify-email/resend/", views.EmailVerifyResendView.as_view(), name="verify-email-resend"),
    path("csrf/", views.CsrfTokenView.as_view(), name="csrf"),
    path("account-states/", views.AccountStatesView.as_view(), name="account-states"),
]
