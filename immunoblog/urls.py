from django.contrib import admin
from django.contrib.sitemaps.views import sitemap
from django.urls import include, path

from articles.sitemaps import sitemaps

from . import views

admin.site.site_header = "Immunoblog editors"
admin.site.site_title = "Immunoblog editors"
admin.site.index_title = "Articles and discussion"

urlpatterns = [
    path("", include("articles.urls")),
    path("comments/", include("comments.urls")),
    path("admin/", admin.site.urls),
    path("sitemap.xml", sitemap, {"sitemaps": sitemaps}, name="sitemap"),
    path("robots.txt", views.robots_txt, name="robots_txt"),
]

handler500 = "immunoblog.views.server_error"
