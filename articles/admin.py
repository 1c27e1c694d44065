from django import forms
from django.contrib import admin, messages
from django.db import models
from django.utils.translation import gettext_lazy as _

from .forms import CleanImageField, image_limits_help
from .models import Article, District, Source
from .renditions import ensure_renditions
from .sanitize import removed_markup, sanitize_html
from .widgets import RichTextEditor


def https_url_fields(db_field, **kwargs):
    """Form fields for the model, with URLs typed without a scheme taken as https."""
    if isinstance(db_field, models.URLField):
        kwargs.setdefault("assume_scheme", "https")
    return db_field.formfield(**kwargs)


class ArticleAdminForm(forms.ModelForm):
    lead_image = CleanImageField(label=_("Lead image"), required=False)

    class Meta:
        model = Article
        fields = [
            "title", "slug", "summary", "body", "districts", "source", "source_url",
            "status", "published_at", "public_updated_at",
            "lead_image", "lead_image_alt", "lead_image_decorative",
            "lead_image_caption", "lead_image_credit",
        ]  # fmt: skip
        widgets = {"body": RichTextEditor()}
        formfield_callback = https_url_fields

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.body_removals = []
        self.fields["lead_image"].help_text = " ".join(
            [str(Article._meta.get_field("lead_image").help_text), image_limits_help()]
        )

    def clean_body(self):
        body = self.cleaned_data.get("body", "")
        clean = sanitize_html(body)
        # Reported after saving (ArticleAdmin.save_model), so the editor knows what changed.
        self.body_removals = removed_markup(body, clean)
        return clean

    def clean(self):
        cleaned = super().clean()
        # Mirrors the article_published_has_time constraint, as a message instead of a 500.
        if cleaned.get("status") == Article.Status.PUBLISHED and not cleaned.get("published_at"):
            self.add_error(
                "published_at",
                _("A published article needs a publication time (a future time schedules it)."),
            )
        # Mirrors the article_lead_image_has_alt constraint.
        has_image = bool(cleaned.get("lead_image"))
        if has_image and not cleaned.get("lead_image_decorative"):
            if not cleaned.get("lead_image_alt", "").strip():
                self.add_error(
                    "lead_image_alt",
                    _("Describe the picture for readers who cannot see it, or tick “decorative”."),
                )
        return cleaned


class NewsroomAdmin(admin.ModelAdmin):
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}


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
    autocomplete_fields = ["districts", "source"]
    prepopulated_fields = {"slug": ["title"]}
    readonly_fields = ["author", "created_at", "updated_at"]
    fieldsets = [
        (None, {"fields": ["title", "slug", "summary", "body"]}),
        (
            _("Lead image"),
            {
                "fields": [
                    "lead_image",
                    "lead_image_alt",
                    "lead_image_decorative",
                    "lead_image_caption",
                    "lead_image_credit",
                ]
            },
        ),
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
        if "lead_image" in form.changed_data and obj.lead_image:
            # Made now, while an editor waits, rather than by the first reader.
            ensure_renditions(obj.lead_image.name)
        if getattr(form, "body_removals", None):
            self.message_user(
                request,
                _(
                    "Some of the body's markup is not allowed on the public site and was "
                    "removed when saving: %(removed)s."
                )
                % {"removed": ", ".join(form.body_removals)},
                messages.WARNING,
            )
