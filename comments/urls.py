from django.urls import path

from . import edit_views, feeds, privacy_views, views

app_name = "comments"

urlpatterns = [
    path("<int:pk>/", views.permalink, name="permalink"),
    path("post/", views.post, name="post"),
    path("csrf/", views.csrf_token, name="csrf"),
    path("pending/<str:token>/", views.PendingCommentView.as_view(), name="pending"),
    path("posted/<str:token>/", views.PostedCommentView.as_view(), name="posted"),
    path("<int:pk>/edit/<str:token>/", edit_views.edit, name="edit"),
    path("privacy/", privacy_views.request_link, name="privacy"),
    path("privacy/sent/", privacy_views.link_sent, name="privacy_sent"),
    path("privacy/confirm/<str:token>/", privacy_views.confirm, name="privacy_confirm"),
    path("feed/", feeds.LatestCommentsFeed(), name="latest_feed"),
    path("feed/<slug:slug>/", feeds.ArticleCommentsFeed(), name="feed"),
]
