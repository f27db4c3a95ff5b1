from django.urls import path

from . import views

urlpatterns = [path("page/<slug:name>/", views.page, name="page")]
