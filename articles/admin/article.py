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

from articles.editorial import WorkflowError, catalogue, queues, revisions, transitions
from articles.models import Article, EditingPresence
from articles.people import person_name
from articles.times import format_local
from richtext.renditions import ensure_renditions
from richtext.templatetags.richtext import rich_text

from . import screens
from .base import NewsroomAdmin, with_zone_lazy
from .forms import ArticleAdminForm


class WorkQueueFilter(admin.SimpleListFilter):
    """
    The editorial queues (``articles.editorial.queues``): my drafts, changes requested of me,
    awaiting review, scheduled, urgent needing review, withdrawn in the last week. The admin's
    front page counts them and links here.
    """

    title = _("work")
    parameter_name = "queue"

    def lookups(self, request, model_admin):
        return [(queue.name, queue.label) for queue in queues.QUEUES.values()]

    def queryset(self, request, queryset):
        if self.value() in queues.QUEUES:
            return queues.in_queue(queryset, self.value(), request.user)
        return queryset


class StatusFilter(admin.SimpleListFilter):
    """
    The status, with a scheduled story apart: it is approved but not public, so "Published"
    lists only what readers can see now.
    """

    title = _("status")
    parameter_name = "status__exact"
    SCHEDULED = "scheduled"

    def lookups(self, request, model_admin):
        choices = list(Article.Status.choices)
        at = [value for value, label in choices].index(Article.Status.PUBLISHED)
        return [*choices[:at], (self.SCHEDULED, _("Scheduled")), *choices[at:]]

    def queryset(self, request, queryset):
        match self.value():
            case None:
                return queryset
            case self.SCHEDULED:
                return queryset.scheduled()
            case Article.Status.PUBLISHED:
                return queryset.published()
            case value:
                return queryset.filter(status=value)


@admin.register(Article)
class ArticleAdmin(NewsroomAdmin):
    form = ArticleAdminForm
    # Districts and source share a column, so the list fits a laptop's screen beside the
    # navigation and the filters.
    list_display = ["title", "workflow_status", "origin", "published", "author_name"]
    list_filter = [WorkQueueFilter, StatusFilter, "featured", "language", "districts", "source"]
    list_select_related = ["source", "author"]
    search_fields = ["title", "summary"]
    date_hierarchy = "published_at"
    # The unfiltered total is a second COUNT(*) over every article on each changelist view;
    # "N results" for the current filter is enough at 100,000 rows.
    show_full_result_count = False
    autocomplete_fields = ["districts", "source"]
    # No prepopulated_fields: Django's script makes slugs its own way (it drops accents,
    # keeps a leading "-", ignores the room kept for "-2"); the form's script makes the
    # slug the server makes (ArticleAdminForm, static/js/article-form.js).
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

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is None or self.has_change_permission(request, obj):
            return fieldsets
        # Read-only: the body as readers will see it (body_formatted), not its HTML source.
        return [
            (name, {**options, "fields": [
                "body_formatted" if field == "body" else field for field in options["fields"]
            ]})
            for name, options in fieldsets
        ]  # fmt: skip

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

    @admin.display(description=_("Where it comes from"))
    def origin(self, obj):
        """The districts (or city-wide), and under them the source."""
        districts = gettext(", ").join(district.display_name for district in obj.districts.all())
        return format_html(
            '{}<br><span class="article-source">{}</span>',
            districts or _("City-wide"),
            obj.source.display_name,
        )

    @admin.display(description=_("body"))
    def body_formatted(self, obj):
        """Sanitised, with responsive pictures: the public page's own filter."""
        return rich_text(obj.body)

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
            # The publication time has a column of its own, beside this one.
            obj.workflow_label(with_time=False),
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
            if obj.is_scheduled():
                message = gettext(
                    "Saved as unpublished changes (revision %(number)s). The approved version "
                    "goes public at its time unless the changes are approved first."
                )
            else:
                message = gettext(
                    "Saved as unpublished changes (revision %(number)s). Readers still see the "
                    "live version until the changes are approved."
                )
            self.message_user(
                request, message % {"number": obj.saved_as_draft.number}, messages.INFO
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
