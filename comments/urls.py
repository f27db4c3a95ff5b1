from django.urls import path

from . import feeds, views

app_name = "comments"

urlpatterns = [
    path("post/", views.post, name="post"),
    path("csrf/", views.csrf_token, name="csrf"),
    path("pending/<str:token>/", views.PendingCommentView.as_view(), name="pending"),
    path("feed/<slug:slug>/", feeds.ArticleCommentsFeed(), name="feed"),
]
