"""The site's columns: districts and sources, each found by either of its names."""

from django.contrib import admin

from articles.models import District, Source

from .base import NewsroomAdmin


@admin.register(District)
class DistrictAdmin(NewsroomAdmin):
    list_display = ["name", "name_zh", "slug"]
    # Also what the article form's district picker searches: 武清 finds Wuqing.
    search_fields = ["name", "name_zh", "slug"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Source)
class SourceAdmin(NewsroomAdmin):
    list_display = ["name", "name_zh", "slug", "url"]
    search_fields = ["name", "name_zh", "slug"]
    prepopulated_fields = {"slug": ["name"]}
