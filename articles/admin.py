from ckeditor.widgets import CKEditorWidget
from django import forms
from django.contrib import admin
from django.db import models
from django.utils.translation import gettext_lazy as _

from .cache import content_changed
from .models import Article, District, Source


def https_url_fields(db_field, **kwargs):
    """Form fields for the model, with URLs typed without a scheme taken as https."""
    if isinstance(db_field, models.URLField):
        kwargs.setdefault("assume_scheme", "https")
    return db_field.formfield(**kwargs)


class ArticleAdminForm(forms.ModelForm):
    class Meta:
        model = Article
        fields = [
            "title", "slug", "summary", "body", "districts", "source", "source_url",
            "status", "published_at", "public_updated_at",
        ]  # fmt: skip
        widgets = {"body": CKEditorWidget()}
        formfield_callback = https_url_fields

    def clean(self):
        cleaned = super().clean()
        # Mirrors the article_published_has_time constraint, as a message instead of a 500.
        if cleaned.get("status") == Article.Status.PUBLISHED and not cleaned.get("published_at"):
            self.add_error(
                "published_at",
                _("A published article needs a publication time (a future time schedules it)."),
            )
        return cleaned


class NewsroomAdmin(admin.ModelAdmin):
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    # Every write here may change what the public sees, so cached public pages go stale at
    # once (articles/cache.py). save_related covers many-to-many edits, which land after
    # save_model; delete_queryset covers the bulk "delete selected" action.
    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        content_changed()

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        content_changed()

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        content_changed()

    def delete_queryset(self, request, queryset):
        super().delete_queryset(request, queryset)
        content_changed()


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


@admin.register(Article)
class ArticleAdmin(NewsroomAdmin):
    form = ArticleAdminForm
    list_display = ["title", "status", "district_names", "source", "published_at", "author"]
    list_filter = ["status", "districts", "source"]
    list_select_related = ["source", "author"]
    search_fields = ["title", "summary"]
    date_hierarchy = "published_at"
    # The unfiltered total is a second COUNT(*) over every article on each changelist view;
    # "N results" for the current filter is enough at 100,000 rows.
    show_full_result_count = False
    autocomplete_fields = ["districts", "source"]
    prepopulated_fields = {"slug": ["title"]}
    readonly_fields = ["author", "created_at", "updated_at"]
    fieldsets = [
        (None, {"fields": ["title", "slug", "summary", "body"]}),
        (_("Where it comes from"), {"fields": ["districts", "source", "source_url"]}),
        (
            _("Publication"),
            {"fields": ["status", "published_at", "public_updated_at"]},
        ),
        (_("Record"), {"fields": ["author", "created_at", "updated_at"]}),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("districts")

    @admin.display(description=_("districts"))
    def district_names(self, obj):
        return ", ".join(district.name for district in obj.districts.all()) or _("City-wide")

    def save_model(self, request, obj, form, change):
        if not change:
            obj.author = request.user
        super().save_model(request, obj, form, change)
