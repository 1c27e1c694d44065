"""The site's columns: districts and sources."""

from django.contrib import admin

from articles.models import District, Source

from .base import NewsroomAdmin


@admin.register(District)
class DistrictAdmin(NewsroomAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Source)
class SourceAdmin(NewsroomAdmin):
    list_display = ["name", "slug", "url"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
