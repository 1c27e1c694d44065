from datetime import timedelta

from ckeditor.widgets import CKEditorWidget
from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db import models
from django.db.models import Q
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from .models import AlertBanner, Article, District, SiteSettings, Source


def https_url_fields(db_field, **kwargs):
    """Form fields for the model, with URLs typed without a scheme taken as https."""
    if isinstance(db_field, models.URLField):
        kwargs.setdefault("assume_scheme", "https")
    return db_field.formfield(**kwargs)


class ArticleAdminForm(forms.ModelForm):
    class Meta:
        model = Article
        fields = [
            "title", "slug", "summary", "body", "language", "districts", "source", "source_url",
            "status", "published_at", "public_updated_at", "featured",
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
    list_filter = ["status", "featured", "language", "districts", "source"]
    list_select_related = ["source", "author"]
    search_fields = ["title", "summary"]
    date_hierarchy = "published_at"
    autocomplete_fields = ["districts", "source"]
    prepopulated_fields = {"slug": ["title"]}
    readonly_fields = ["author", "created_at", "updated_at"]
    fieldsets = [
        (None, {"fields": ["title", "slug", "summary", "body", "language"]}),
        (_("Where it comes from"), {"fields": ["districts", "source", "source_url"]}),
        (
            _("Publication"),
            {"fields": ["status", "published_at", "public_updated_at", "featured"]},
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


@admin.register(SiteSettings)
class SiteSettingsAdmin(NewsroomAdmin):
    """
    The one site-settings record, for holders of ``articles.change_sitesettings`` only
    (superusers and, by group, administrators): editors neither see nor change it.
    """

    fieldsets = [
        (_("Identity"), {"fields": ["site_name", "tagline", "organisation_name"]}),
        (
            _("Footer and filings"),
            {"fields": ["copyright", "icp_filing", "psb_filing", "government_site_code"]},
        ),
        (_("Contact details"), {"fields": ["contact_address", "contact_phone", "contact_email"]}),
    ]

    def has_view_permission(self, request, obj=None):
        return self.has_change_permission(request, obj)

    def has_add_permission(self, request):
        return (
            self.has_change_permission(request)
            and not SiteSettings.objects.filter(pk=SiteSettings.SINGLETON_PK).exists()
        )

    def has_delete_permission(self, request, obj=None):
        return False

    def changelist_view(self, request, extra_context=None):
        """There is only one record: go straight to it (or to its first save)."""
        if not self.has_change_permission(request):
            raise PermissionDenied
        if SiteSettings.objects.filter(pk=SiteSettings.SINGLETON_PK).exists():
            url = reverse("admin:articles_sitesettings_change", args=[SiteSettings.SINGLETON_PK])
        else:
            url = reverse("admin:articles_sitesettings_add")
        return HttpResponseRedirect(url)

    def response_post_save_add(self, request, obj):
        return HttpResponseRedirect(reverse("admin:articles_sitesettings_change", args=[obj.pk]))

    def response_post_save_change(self, request, obj):
        return HttpResponseRedirect(reverse("admin:articles_sitesettings_change", args=[obj.pk]))


class AlertBannerAdminForm(forms.ModelForm):
    class Meta:
        model = AlertBanner
        fields = [
            "message",
            "severity",
            "link_url",
            "link_text",
            "starts_at",
            "ends_at",
            "dismissible",
        ]
        widgets = {"message": forms.Textarea(attrs={"rows": 3, "maxlength": 500})}
        formfield_callback = https_url_fields


@admin.register(AlertBanner)
class AlertBannerAdmin(NewsroomAdmin):
    """
    Site-wide notices. Publishing one takes two clicks: "Add" beside Alert banners, then
    "Save": it shows from now, unless a later start is chosen.
    """

    form = AlertBannerAdminForm
    list_display = [
        "message_preview",
        "severity",
        "showing_now",
        "starts_at",
        "ends_at",
        "dismissible",
    ]
    list_filter = ["severity", "dismissible"]
    search_fields = ["message"]
    date_hierarchy = "starts_at"
    actions = ["end_now"]
    fieldsets = [
        (None, {"fields": ["message", "severity", "link_url", "link_text"]}),
        (_("When"), {"fields": ["starts_at", "ends_at", "dismissible"]}),
    ]

    @admin.display(description=_("message"))
    def message_preview(self, obj):
        return str(obj)

    @admin.display(description=_("showing now"), boolean=True)
    def showing_now(self, obj):
        return obj.is_current()

    @admin.action(description=_("End the selected banners now"))
    def end_now(self, request, queryset):
        now = timezone.now()
        ended = 0
        # One by one through save(), so each banner's cached copy is dropped.
        for banner in queryset.filter(Q(ends_at__isnull=True) | Q(ends_at__gt=now)):
            if banner.starts_at >= now:
                # Not started yet: ending it cancels it, and the end must follow the start.
                banner.starts_at = now - timedelta(microseconds=1)
            banner.ends_at = now
            banner.save()
            ended += 1
        self.message_user(
            request,
            ngettext("%(count)d banner ended.", "%(count)d banners ended.", ended)
            % {"count": ended},
            messages.SUCCESS,
        )
