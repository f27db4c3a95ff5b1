from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.contrib.sitemaps.views import sitemap
from django.urls import include, path

from articles.sitemaps import sitemaps
from comments.views import CommentPageView
from guard import passwords
from importers import views as importers_views

from . import views

admin.site.site_header = "Immunoblog editors"
admin.site.site_title = "Immunoblog editors"
admin.site.index_title = "Articles and discussion"

urlpatterns = [
    path("", include("articles.urls")),
    # A page of an article's discussion, under the article (WordPress's form).
    path(
        "articles/<slug:slug>/comment-page-<int:page>/",
        CommentPageView.as_view(),
        name="comment_page",
    ),
    path("comments/", include("comments.urls")),
    path("subscriptions/", include("subscriptions.urls")),
    # An old #comment-N link (N its id on the site it was imported from)
    # whose comment is on another comment page: old-comment-links.js asks.
    path(
        "imported-comments/<slug:slug>/<str:old_id>/",
        importers_views.old_comment,
        name="old_comment",
    ),
    # Editors' password reset by email, in the admin's look; the admin's login
    # page links to it when "admin_password_reset" exists.
    path(
        "admin/password_reset/",
        passwords.StaffPasswordResetView.as_view(),
        name="admin_password_reset",
    ),
    path(
        "admin/password_reset/done/",
        auth_views.PasswordResetDoneView.as_view(extra_context=passwords.ADMIN_CONTEXT),
        name="password_reset_done",
    ),
    path(
        "admin/reset/<uidb64>/<token>/",
        passwords.StaffPasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "admin/reset/done/",
        auth_views.PasswordResetCompleteView.as_view(extra_context=passwords.ADMIN_CONTEXT),
        name="password_reset_complete",
    ),
    # The admin's own sign-in, which also trusts the browser (guard.lockout).
    path("admin/login/", passwords.admin_login),
    path("admin/", admin.site.urls),
    path("sitemap.xml", sitemap, {"sitemaps": sitemaps}, name="sitemap"),
    path("robots.txt", views.robots_txt, name="robots_txt"),
    path("", include("health.urls")),
]

handler400 = "immunoblog.views.bad_request"
handler500 = "immunoblog.views.server_error"
