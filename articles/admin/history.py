"""The audit trail: every story's history, read-only, and its CSV export."""

from datetime import timedelta

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.template.response import TemplateResponse
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from articles.editorial import audit
from articles.models import ArticleEvent
from articles.people import person_name
from articles.times import format_local, zone_label

from .formfields import CheckedDateHierarchyMixin
from .forms import AuditExportForm


@admin.register(ArticleEvent)
class ArticleEventAdmin(CheckedDateHierarchyMixin, admin.ModelAdmin):
    """The audit trail, read-only for everyone, superusers included."""

    list_display = ["when", "article", "action", "by", "from_status", "to_status", "comment"]
    list_filter = ["action"]
    list_select_related = ["article", "actor"]
    search_fields = [
        "article__title", "comment", "actor__username", "actor__first_name", "actor__last_name",
    ]  # fmt: skip
    date_hierarchy = "at"
    fields = [
        "article",
        "when",
        "by",
        "action",
        "from_status",
        "to_status",
        "comment",
        "recipients",
        "revision",
    ]
    readonly_fields = fields

    @admin.display(description=_("when"), ordering="at")
    def when(self, obj):
        return format_local(obj.at)

    @admin.display(description=_("by"), ordering="actor")
    def by(self, obj):
        return person_name(obj.actor) or "—"

    def get_urls(self):
        return [
            path(
                "export/",
                self.admin_site.admin_view(self.export_view),
                name="articles_articleevent_export",
            ),
            *super().get_urls(),
        ]

    def changelist_view(self, request, extra_context=None):
        context = {"may_export": request.user.has_perm("articles.export_audit")}
        context.update(extra_context or {})
        return super().changelist_view(request, context)

    def export_view(self, request):
        """
        The whole audit log for a date range as CSV, for administrators
        (``articles.export_audit``): the form, or the download once the dates are valid.
        """
        if not request.user.has_perm("articles.export_audit"):
            raise PermissionDenied
        if "start" in request.GET or "end" in request.GET:
            form = AuditExportForm(request.GET)
            if form.is_valid():
                start, end = audit.day_range(form.cleaned_data["start"], form.cleaned_data["end"])
                name = "audit-{}-{}.csv".format(
                    form.cleaned_data["start"].isoformat(), form.cleaned_data["end"].isoformat()
                )
                return audit.csv_response(name, audit.rows(start=start, end=end))
            status = 400
        else:
            today = timezone.localdate()
            form = AuditExportForm(initial={"start": today - timedelta(days=30), "end": today})
            status = 200
        return TemplateResponse(
            request,
            "admin/articles/articleevent/export.html",
            {
                **self.admin_site.each_context(request),
                "opts": self.opts,
                "title": gettext("Export the audit log"),
                "form": form,
                "zone_label": zone_label(),
            },
            status=status,
        )

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
