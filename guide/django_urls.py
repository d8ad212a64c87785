"""The URLconf of the in-process Django project (`guide.django_project`): the
one `startproject` generates, which routes /admin/ to the admin site."""

from django.contrib import admin
from django.urls import path

urlpatterns = [path("admin/", admin.site.urls)]
