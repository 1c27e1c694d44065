"""
The article admin: the changelist, the form, and bulk actions. Its own screens (workflow,
preview, revisions, preview links, the history export) are view classes in ``screens``.

Status is read-only here: it changes through the workflow buttons and actions, which call the
editorial transitions item by item.
"""

from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.utils import unquote
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from articles.editorial import WorkflowError, catalogue, revisions, transitions
from articles.models import Article, EditingPresence
from articles.people import person_name
from articles.times import format_local
from richtext.renditions import ensure_renditions

from . import screens
from .base import NewsroomAdmin, with_zone_lazy
from .forms import ArticleAdminForm


class WorkQueueFilter(admin.SimpleListFilter):
    """The editorial queues: my drafts, awaiting review, scheduled, urgent needing review."""

    title = _("work")
    parameter_name = "queue"

    def lookups(self, request, model_admin):
        return [
            ("mine", _("My drafts")),
            ("review", _("Awaiting review")),
            ("scheduled", _("Scheduled")),
            ("urgent", _("Published urgently, needs review")),
            ("changes", _("Live, with unpublished changes")),
        ]

    def queryset(self, request, queryset):
        match self.value():
            case "mine":
                return queryset.filter(author=request.user, status=Article.Status.DRAFT)
            case "review":
                return queryset.awaiting_review()
            case "scheduled":
                # Articles not yet public, and approved changes waiting for their time.
                return queryset.scheduled() | queryset.filter(
                    pending_status=Article.PendingStatus.SCHEDULED
                )
            case "urgent":
                return queryset.urgent_unconfirmed()
            case "changes":
                return queryset.with_pending_changes()
        return queryset


@admin.register(Article)
class ArticleAdmin(NewsroomAdmin):
    form = ArticleAdminForm
    list_display = [
        "title", "workflow_status", "district_names", "source", "published", "author_name",
    ]  # fmt: skip
    list_filter = [WorkQueueFilter, "status", "featured", "language", "districts", "source"]
    list_select_related = ["source", "author"]
    search_fields = ["title", "summary"]
    date_hierarchy = "published_at"
    # The unfiltered total is a second COUNT(*) over every article on each changelist view;
    # "N results" for the current filter is enough at 100,000 rows.
    show_full_result_count = False
    autocomplete_fields = ["districts", "source"]
    prepopulated_fields = {"slug": ["title"]}
    readonly_fields = [
        "workflow_status", "publication_time", "public_update_time", "author_name", "created",
        "last_saved",
    ]  # fmt: skip
    fieldsets = [
        (None, {"fields": ["title", "slug", "summary", "body", "language"]}),
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
            {"fields": ["workflow_status", "publication_time", "public_update_time", "featured"]},
        ),
        (_("Record"), {"fields": ["author_name", "created", "last_saved"]}),
    ]
    actions = ["submit_selected", "approve_selected", "unschedule_selected", "confirm_selected"]

    def get_queryset(self, request):
        return super().get_queryset(request).visible_to(request.user).prefetch_related("districts")

    # Writers see and edit only their own drafts; the rules live on the model.

    def has_view_permission(self, request, obj=None):
        allowed = super().has_view_permission(request, obj)
        if obj is None or not allowed:
            return allowed
        return obj.author_id == request.user.pk or request.user.has_perm(
            "articles.edit_any_article"
        )

    def has_change_permission(self, request, obj=None):
        allowed = super().has_change_permission(request, obj)
        return allowed and (obj is None or obj.is_editable_by(request.user))

    def has_delete_permission(self, request, obj=None):
        # Articles are removed through the workflow, never deleted: their history stays.
        return False

    def has_submit_permission(self, request):
        return request.user.has_perm("articles.submit_article")

    def has_approve_permission(self, request):
        return request.user.has_perm("articles.approve_article")

    def has_unschedule_permission(self, request):
        return request.user.has_perm("articles.unschedule_article")

    def get_view_on_site_url(self, obj=None):
        if obj is None or not Article.objects.on_public_record().filter(pk=obj.pk).exists():
            return None
        return super().get_view_on_site_url(obj)

    @admin.display(description=_("districts"))
    def district_names(self, obj):
        names = (district.display_name for district in obj.districts.all())
        return gettext(", ").join(names) or _("City-wide")

    @admin.display(description=_("author"), ordering="author")
    def author_name(self, obj):
        return person_name(obj.author)

    @admin.display(description=_("status"), ordering="status")
    def workflow_status(self, obj):
        return format_html(
            '<span class="workflow-status workflow-status--{}">{}</span>',
            "scheduled"
            if obj.is_scheduled()
            else "urgent"
            if obj.status == Article.Status.PUBLISHED and obj.urgent_unconfirmed
            else obj.status,
            obj.workflow_label(),
        )

    # Times: a column heading names the zone once; a single value names it itself.

    @admin.display(description=with_zone_lazy(_("publication time")), ordering="published_at")
    def published(self, obj):
        return format_local(obj.published_at, zone=False)

    @admin.display(description=_("publication time"))
    def publication_time(self, obj):
        return format_local(obj.published_at)

    @admin.display(description=_("public update time"))
    def public_update_time(self, obj):
        return format_local(obj.public_updated_at)

    @admin.display(description=_("created"))
    def created(self, obj):
        return format_local(obj.created_at)

    @admin.display(description=_("last saved"))
    def last_saved(self, obj):
        return format_local(obj.updated_at)

    def get_object(self, request, object_id, from_field=None):
        """The article, showing its pending draft if it has one (never saved as such)."""
        obj = super().get_object(request, object_id, from_field)
        if obj is not None and obj.has_pending_changes:
            obj = revisions.overlay_pending(obj)
        return obj

    # Saving content never changes the status; the history records who edited what, which
    # the two-person rule reads, and each save is a revision. A live article's save becomes
    # its pending draft: readers keep the live version until the changes are approved.

    def save_model(self, request, obj, form, change):
        if change and form.unchanged:
            return  # The same content again: no write, no revision, no version.
        if change and obj.is_live():
            before = revisions.draft_snapshot(obj.pk)
            if "lead_image" in form.changed_data and obj.lead_image:
                # Store the new picture's file; the live row keeps its own until approval.
                obj._meta.get_field("lead_image").pre_save(obj, add=False)
            data = revisions.snapshot(obj, districts=form.cleaned_data.get("districts", []))
            obj.saved_as_draft = revisions.save_pending_draft(obj, request.user, data, before)
        else:
            if change:
                obj._content_before = revisions.snapshot(
                    Article.objects.select_related("source").get(pk=obj.pk)
                )
            else:
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

    def save_related(self, request, form, formsets, change):
        article = form.instance
        if change and (form.unchanged or article.is_live()):
            # Nothing changed; or the districts chosen are in the pending draft, not live.
            return
        super().save_related(request, form, formsets, change)
        revisions.record_saved_edit(
            article,
            request.user,
            getattr(article, "_content_before", None),
            created=not change,
        )

    def response_change(self, request, obj):
        if getattr(obj, "saved_as_draft", None) is not None:
            self.message_user(
                request,
                gettext(
                    "Saved as unpublished changes (revision %(number)s). Readers still see the "
                    "live version until the changes are approved."
                )
                % {"number": obj.saved_as_draft.number},
                messages.INFO,
            )
        return super().response_change(request, obj)

    # The change form's panels, and the screens of screens.py.

    def change_view(self, request, object_id, form_url="", extra_context=None):
        obj = self.get_object(request, unquote(object_id))
        context = {}
        if obj is not None and self.has_view_permission(request, obj):
            if request.method == "GET" and self.has_change_permission(request, obj):
                EditingPresence.note(obj, request.user)
            context = screens.change_form_context(self, request, obj)
        context.update(extra_context or {})
        return super().change_view(request, object_id, form_url, context)

    def get_urls(self):
        def screen(route, view, suffix, checked=True):
            view = view.as_view(model_admin=self)
            if checked:
                view = self.admin_site.admin_view(view)
            return path(f"<path:object_id>/{route}", view, name=f"articles_article_{suffix}")

        return [
            # Not wrapped in admin_view: a 404, never a login page, for whoever may not see it.
            screen("preview/", screens.PreviewScreen, "preview", checked=False),
            screen("workflow/<slug:action>/", screens.WorkflowScreen, "workflow"),
            screen("revisions/", screens.RevisionsScreen, "revisions"),
            screen("revisions/compare/", screens.CompareScreen, "compare"),
            screen("revisions/<int:number>/restore/", screens.RestoreScreen, "restore"),
            screen("share/", screens.ShareScreen, "share"),
            screen("share/<int:link_id>/revoke/", screens.RevokeShareScreen, "revoke_share"),
            screen("history.csv", screens.HistoryExportScreen, "export"),
            screen("presence/", screens.PresenceScreen, "presence"),
            *super().get_urls(),
        ]

    # Bulk actions call the transitions one article at a time and report what they skipped.

    def _bulk(self, request, queryset, name, **arguments):
        done, skipped = [], []
        for article in queryset.order_by("pk"):
            try:
                getattr(transitions, name)(article, by=request.user, **arguments)
            except WorkflowError as error:
                skipped.append((article, error.message))
            else:
                done.append(article)
        label = catalogue.TRANSITIONS[name].label
        if done:
            messages.success(
                request,
                gettext("%(action)s: done for %(count)d article(s).")
                % {"action": label, "count": len(done)},
            )
        for article, reason in skipped:
            messages.warning(
                request,
                gettext("%(action)s: skipped “%(title)s”: %(reason)s")
                % {"action": label, "title": article.title, "reason": reason},
            )

    @admin.action(description=_("Submit selected articles for review"), permissions=["submit"])
    def submit_selected(self, request, queryset):
        self._bulk(request, queryset, "submit")

    @admin.action(description=_("Approve selected articles (publish now)"), permissions=["approve"])
    def approve_selected(self, request, queryset):
        """Asks first, as Django's "Delete selected" does: they go public at once."""
        if request.POST.get("confirmed") == "yes":
            self._bulk(request, queryset, "approve")
            return None
        return TemplateResponse(
            request,
            "admin/articles/article/approve_selected.html",
            {
                **self.admin_site.each_context(request),
                "opts": self.opts,
                "title": gettext("Publish these articles now?"),
                "articles": list(queryset.order_by("pk")),
                "action": "approve_selected",
                "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
            },
        )

    @admin.action(description=_("Unschedule selected articles"), permissions=["unschedule"])
    def unschedule_selected(self, request, queryset):
        self._bulk(request, queryset, "unschedule")

    @admin.action(description=_("Confirm selected urgent publications"), permissions=["approve"])
    def confirm_selected(self, request, queryset):
        self._bulk(request, queryset, "confirm_urgent")
