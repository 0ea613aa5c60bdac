from django.urls import path

from amana.accounts import views

app_name = "accounts"
urlpatterns = [
    path("login/", views.login_view, name="login"),
    path("logout/", views.logout_view, name="logout"),
    path("2fa/", views.two_factor_view, name="two_factor"),
    path("password/", views.password_change_view, name="password_change"),
    path("users/", views.users_view, name="users"),
    path(
        "users/<str:user_id>/reset-password/",
        views.password_reset_view,
        name="password_reset",
    ),
]
