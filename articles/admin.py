from datetime import timedelta

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.contrib.contenttypes import views as contenttype_views
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.db import models, transaction
from django.db.models import Q
from django.http import Http404, HttpResponseBadRequest, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers, patch_cache_control
from django.utils.functional import lazy
from django.utils.html import format_html
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

# useradmin registers the User admin.
from . import audit, revisions, useradmin, workflow  # noqa: F401
from .cache import content_changed
from .formfields import (
    CheckedActionSelectionMixin,
    CheckedDateHierarchyMixin,
    CheckedModelMultipleChoiceField,
    ValidatingAutocompleteSelect,
    ValidatingAutocompleteSelectMultiple,
)
from .forms import (
    AuditExportForm,
    CleanImageField,
    ShareLinkForm,
    TransitionForm,
    image_limits_help,
)
from .models import (
    AlertBanner,
    Article,
    ArticleEvent,
    District,
    EditingPresence,
    Revision,
    ShareLink,
    SiteSettings,
    SlugRedirect,
    Source,
)
from .renditions import ensure_renditions
from .sanitize import removed_markup, sanitize_html
from .times import format_local, with_zone, zone_label
from .widgets import RichTextEditor
from .workflow import WorkflowError

with_zone_lazy = lazy(with_zone, str)


def https_url_fields(db_field, **kwargs):
    """Form fields for the model, with URLs typed without a scheme taken as https."""
    if isinstance(db_field, models.URLField):
        kwargs.setdefault("assume_scheme", "https")
    return db_field.formfield(**kwargs)


class ArticleAdminForm(forms.ModelForm):
    # Status, publication and update times are not here: they change only through the
    # workflow buttons, which call the Article transition methods ("Updated:" moves only
    # with a major change).
    lead_image = CleanImageField(label=_("Lead image"), required=False)
    # The version the form was made from; saving claims the next one or is refused, so
    # nobody overwrites a colleague's save (revisions.claim).
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    class Meta:
        model = Article
        fields = [
            "title", "slug", "summary", "body", "language", "districts", "source", "source_url",
            "featured",
            "lead_image", "lead_image_alt", "lead_image_decorative",
            "lead_image_caption", "lead_image_credit",
        ]  # fmt: skip
        widgets = {"body": RichTextEditor()}
        formfield_callback = https_url_fields

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.body_removals = []
        self.conflict = None
        self.unchanged = False
        if self.instance.pk is None:
            del self.fields["version"]
        else:
            self.fields["version"].initial = self.instance.version
        if "lead_image" in self.fields:
            self.fields["lead_image"].help_text = " ".join(
                [str(Article._meta.get_field("lead_image").help_text), image_limits_help()]
            )

    def clean_body(self):
        body = self.cleaned_data.get("body", "")
        clean = sanitize_html(body)
        # Reported after saving (ArticleAdmin.save_model), so the editor knows what changed.
        self.body_removals = removed_markup(body, clean)
        return clean

    def clean_slug(self):
        slug = self.cleaned_data.get("slug", "")
        if not slug and self.instance.pk and self.instance.is_live():
            # A live article keeps its address unless someone types a new one.
            return self.instance.slug
        retired = SlugRedirect.objects.filter(old_slug=slug).exclude(article_id=self.instance.pk)
        if slug and retired.exists():
            raise forms.ValidationError(
                _(
                    "This address belonged to another article, and old links to it still "
                    "lead there. Choose another."
                )
            )
        return slug

    def clean(self):
        cleaned = super().clean()
        # Mirrors the article_lead_image_has_alt constraint.
        has_image = bool(cleaned.get("lead_image"))
        if has_image and not cleaned.get("lead_image_decorative"):
            if not cleaned.get("lead_image_alt", "").strip():
                self.add_error(
                    "lead_image_alt",
                    _("Describe the picture for readers who cannot see it, or tick “decorative”."),
                )
        return cleaned

    def _post_clean(self):
        super()._post_clean()
        if self.instance.pk is None or self.errors:
            return
        data = revisions.snapshot(self.instance, districts=self.cleaned_data.get("districts", []))
        if data == revisions.draft_snapshot(self.instance.pk):
            self.unchanged = True  # Nothing to save, so nobody's change is at risk.
            return
        try:
            self.instance.version = revisions.claim(self.instance.pk, self.cleaned_data["version"])
        except revisions.Conflict as conflict:
            self.refuse_stale(conflict)

    def refuse_stale(self, conflict):
        """
        Refuse the save and keep everything typed. The form now carries the current
        version, so saving again (after looking at the other change) replaces it knowingly.
        """
        self.conflict = conflict
        if conflict.article is None:
            self.add_error(None, conflict.message)
            return
        compare = reverse("admin:articles_article_compare", args=[conflict.article.pk])
        self.add_error(
            None,
            format_html(
                '{} <a href="{}">{}</a>. {}',
                gettext(
                    "%(who)s changed this article at %(when)s, after you opened it. Nothing "
                    "was saved: what you typed is still in the form below."
                )
                % {"who": conflict.who, "when": conflict.when},
                f"{compare}?since={conflict.expected or ''}",
                gettext("See what they changed"),
                gettext(
                    "Saving again replaces their version with yours, so look at their change first."
                ),
            ),
        )
        self.data = self.data.copy()
        self.data["version"] = str(conflict.article.version)


class NewsroomAdmin(CheckedActionSelectionMixin, CheckedDateHierarchyMixin, admin.ModelAdmin):
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name in self.get_autocomplete_fields(request) and "widget" not in kwargs:
            kwargs["widget"] = ValidatingAutocompleteSelect(
                db_field, self.admin_site, using=kwargs.get("using")
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        kwargs.setdefault("form_class", CheckedModelMultipleChoiceField)
        if db_field.name in self.get_autocomplete_fields(request) and "widget" not in kwargs:
            kwargs["widget"] = ValidatingAutocompleteSelectMultiple(
                db_field, self.admin_site, using=kwargs.get("using")
            )
        return super().formfield_for_manytomany(db_field, request, **kwargs)

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


def view_on_site(request, content_type_id, object_id):
    """
    The admin's "View on site" redirect (``admin:view_on_site``, served here first, see
    newsroom/urls.py), only to an object the person may view in the admin and that the admin
    links to the site. Django's own (contenttypes ``shortcut``) sends any staff member to any
    object's address: another writer's draft would give away its address (its title, as a
    slug) and that its id exists. Everything else answers 404, like an id that does not exist.
    """
    try:
        model = ContentType.objects.get_for_id(int(content_type_id)).model_class()
    except (ContentType.DoesNotExist, ValueError):
        raise Http404 from None
    if model is None or not admin.site.is_registered(model):
        raise Http404
    model_admin = admin.site.get_model_admin(model)
    obj = model_admin.get_object(request, unquote(object_id))
    if (
        obj is None
        or not model_admin.has_view_permission(request, obj)
        or not model_admin.get_view_on_site_url(obj)
    ):
        raise Http404
    return contenttype_views.shortcut(request, content_type_id, object_id)


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
        "title", "workflow_status", "district_names", "source", "published", "author",
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
        "workflow_status", "publication_time", "public_update_time", "author", "created",
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
        (_("Record"), {"fields": ["author", "created", "last_saved"]}),
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
        return ", ".join(district.name for district in obj.districts.all()) or _("City-wide")

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

    # The workflow panel, the history, preview.

    def get_urls(self):
        info = self.opts.app_label, self.opts.model_name
        return [
            path(
                "<path:object_id>/preview/",
                self.preview_view,
                name="{}_{}_preview".format(*info),
            ),
            path(
                "<path:object_id>/workflow/<slug:action>/",
                self.admin_site.admin_view(self.workflow_view),
                name="{}_{}_workflow".format(*info),
            ),
            path(
                "<path:object_id>/revisions/",
                self.admin_site.admin_view(self.revisions_view),
                name="{}_{}_revisions".format(*info),
            ),
            path(
                "<path:object_id>/revisions/compare/",
                self.admin_site.admin_view(self.compare_view),
                name="{}_{}_compare".format(*info),
            ),
            path(
                "<path:object_id>/revisions/<int:number>/restore/",
                self.admin_site.admin_view(self.restore_view),
                name="{}_{}_restore".format(*info),
            ),
            path(
                "<path:object_id>/share/",
                self.admin_site.admin_view(self.share_view),
                name="{}_{}_share".format(*info),
            ),
            path(
                "<path:object_id>/share/<int:link_id>/revoke/",
                self.admin_site.admin_view(self.revoke_share_view),
                name="{}_{}_revoke_share".format(*info),
            ),
            path(
                "<path:object_id>/history.csv",
                self.admin_site.admin_view(self.export_view),
                name="{}_{}_export".format(*info),
            ),
            *super().get_urls(),
        ]

    def workflow_url(self, obj, name):
        return reverse("admin:articles_article_workflow", args=[obj.pk, name])

    def transition_initial(self, obj, transition):
        initial = {"token": obj.workflow_token()}
        if transition.name == "approve" and obj.has_pending_changes and obj.is_scheduled():
            # Changes to a scheduled article: keep its go-live time unless changed.
            initial["at"] = obj.published_at
        return initial

    def workflow_context(self, request, obj):
        actions = [
            {
                "transition": transition,
                "label": transition.label_for(obj),
                "form": TransitionForm(
                    transition,
                    initial=self.transition_initial(obj, transition),
                    prefix=transition.name,
                    article=obj,
                ),
                "url": self.workflow_url(obj, transition.name),
            }
            for transition in obj.available_transitions(request.user)
        ]
        events = list(obj.events.select_related("actor", "revision"))
        last_request = next(
            (e for e in reversed(events) if e.action == ArticleEvent.Action.CHANGES_REQUESTED),
            None,
        )
        return {
            "workflow_actions": actions,
            "workflow_events": events,
            "workflow_label": obj.workflow_label(),
            "workflow_changes_requested": (
                last_request if obj.status == Article.Status.DRAFT else None
            ),
            "preview_url": reverse("admin:articles_article_preview", args=[obj.pk]),
            "zone_label": zone_label(),
        }

    def revisions_context(self, request, obj):
        """The change form's view of revisions, presence, preview links and the export."""
        links = list(obj.share_links.select_related("created_by", "revoked_by")[:20])
        return {
            "pending_revision": obj.pending_revision if obj.has_pending_changes else None,
            "revision_count": obj.revisions.count(),
            "revisions_url": reverse("admin:articles_article_revisions", args=[obj.pk]),
            "compare_url": reverse("admin:articles_article_compare", args=[obj.pk]),
            "editing_now": list(EditingPresence.others(obj, request.user)),
            "share_links": links,
            "share_form": ShareLinkForm() if self.may_share(request, obj) else None,
            "share_url": reverse("admin:articles_article_share", args=[obj.pk]),
            "now": timezone.now(),
            "export_url": (
                reverse("admin:articles_article_export", args=[obj.pk])
                if request.user.has_perm("articles.export_audit")
                else None
            ),
        }

    def change_view(self, request, object_id, form_url="", extra_context=None):
        obj = self.get_object(request, unquote(object_id))
        context = {}
        if obj is not None and self.has_view_permission(request, obj):
            if request.method == "GET" and self.has_change_permission(request, obj):
                EditingPresence.note(obj, request.user)
            context = {
                **self.workflow_context(request, obj),
                **self.revisions_context(request, obj),
            }
        context.update(extra_context or {})
        return super().change_view(request, object_id, form_url, context)

    def workflow_view(self, request, object_id, action):
        """
        One transition from the change form's panel. A refusal changes nothing: 403 when
        the person may not take it, 400 with the reason when the state, input or page is
        wrong.
        """
        transition = workflow.TRANSITIONS.get(action)
        obj = self.get_object(request, unquote(object_id))
        if transition is None or obj is None or not self.has_view_permission(request, obj):
            raise Http404
        form = TransitionForm(
            transition,
            request.POST if request.method == "POST" else None,
            prefix=action,
            initial=self.transition_initial(obj, transition),
            article=obj,
        )
        try:
            transition.check(obj, request.user)
        except WorkflowError as error:
            if error.code == WorkflowError.FORBIDDEN:
                return self.render_workflow(request, obj, form, 403, refusal=error.message)
            if request.method != "POST":
                return self.render_workflow(request, obj, form, 200, refusal=error.message)
        status = 200
        label = transition.label_for(obj)  # before the transition: it may apply the changes
        if request.method == "POST":
            status = 400
            if form.is_valid():
                try:
                    with workflow.expecting(obj, form.cleaned_data["token"]):
                        getattr(obj, action)(request.user, **form.arguments())
                except WorkflowError as error:
                    if error.code == WorkflowError.FORBIDDEN:
                        return self.render_workflow(request, obj, form, 403, refusal=error.message)
                    form.add_error(None, error.message)
                else:
                    messages.success(
                        request,
                        gettext("“%(title)s”: %(action)s done. It is now %(status)s.")
                        % {
                            "title": obj.title,
                            "action": label,
                            "status": obj.workflow_label(),
                        },
                    )
                    return HttpResponseRedirect(
                        reverse("admin:articles_article_change", args=[obj.pk])
                    )
        return self.render_workflow(request, obj, form, status)

    def render_workflow(self, request, obj, form, status, refusal=""):
        changes = []
        if obj.has_pending_changes:
            # The approval screen: what changed since the live version.
            changes = revisions.compare(
                revisions.live_snapshot(obj.pk), obj.pending_revision.snapshot
            )
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "original": obj,
            "title": form.transition.label_for(obj),
            "transition": form.transition,
            "changes": changes,
            "pending_revision": obj.pending_revision if obj.has_pending_changes else None,
            "form": form,
            "refusal": refusal,
            "workflow_label": obj.workflow_label(),
            "change_url": reverse("admin:articles_article_change", args=[obj.pk]),
            "action_url": self.workflow_url(obj, form.transition.name),
            "has_view_permission": True,
        }
        return TemplateResponse(
            request, "admin/articles/article/workflow_action.html", context, status=status
        )

    def preview_view(self, request, object_id):
        """
        The article's current text in the public templates, marked as a preview. Not
        wrapped in admin_view: anyone who may not view the article gets a 404, not a login
        page that confirms the article exists.
        """
        user = request.user
        if not (user.is_active and user.is_staff):
            raise Http404
        obj = self.get_object(request, unquote(object_id))
        if obj is None or not self.has_view_permission(request, obj):
            raise Http404
        response = TemplateResponse(
            request, "articles/article_preview.html", {"article": obj, "object": obj}
        )
        response["X-Robots-Tag"] = "noindex, nofollow"
        add_never_cache_headers(response)
        patch_cache_control(response, private=True)
        return response

    # Revisions: the list, comparing any two, restoring one as a new draft.

    def _article_or_404(self, request, object_id):
        obj = self.get_object(request, unquote(object_id))
        if obj is None or not self.has_view_permission(request, obj):
            raise Http404
        return obj

    def _page(self, request, obj, template, title, **context):
        return TemplateResponse(
            request,
            f"admin/articles/article/{template}",
            {
                **self.admin_site.each_context(request),
                "opts": self.opts,
                "original": obj,
                "title": title,
                "change_url": reverse("admin:articles_article_change", args=[obj.pk]),
                "revisions_url": reverse("admin:articles_article_revisions", args=[obj.pk]),
                "compare_url": reverse("admin:articles_article_compare", args=[obj.pk]),
                "has_view_permission": True,
                "zone_label": zone_label(),
                **context,
            },
        )

    def revisions_view(self, request, object_id):
        """Every revision of the article, newest first, to compare or restore."""
        obj = self._article_or_404(request, object_id)
        live = revisions.live_snapshot(obj.pk)
        items = list(
            obj.revisions.select_related("created_by", "restored_from").order_by("-number")
        )
        live_number = next((r.number for r in items if r.snapshot == live), None)
        return self._page(
            request,
            obj,
            "revisions.html",
            gettext("Revisions of “%(title)s”") % {"title": obj.title},
            revisions=items,
            live_number=live_number if obj.has_been_public() or obj.is_live() else None,
            pending_number=obj.pending_revision.number if obj.has_pending_changes else None,
            may_restore=self.has_change_permission(request, obj),
            token=obj.workflow_token(),
        )

    def _side(self, obj, value):
        """A side of a comparison: ``live``, or a revision number. Returns (label, snapshot)."""
        if value == "live":
            return gettext("the live version"), revisions.live_snapshot(obj.pk)
        try:
            revision = obj.revisions.get(number=int(value))
        except (TypeError, ValueError, Revision.DoesNotExist):
            return None
        return gettext("revision %(number)s") % {"number": revision.number}, revision.snapshot

    def compare_view(self, request, object_id):
        """
        Two versions side by side as a list of changed fields: ``?a=&b=`` (revision numbers
        or ``live``), ``?since=<version>`` (what changed after a form of that version was
        made), or, by default, the pending draft against the live version.
        """
        obj = self._article_or_404(request, object_id)
        newest = obj.revisions.order_by("-number").first()
        if "since" in request.GET:
            try:
                base = revisions.revision_at(obj, int(request.GET["since"]))
            except ValueError:
                base = None
            a = str(base.number) if base else "live"
            b = str(newest.number) if newest else "live"
        elif "a" in request.GET or "b" in request.GET:
            a, b = request.GET.get("a", "live"), request.GET.get("b", "live")
        elif obj.has_pending_changes:
            a, b = "live", str(obj.pending_revision.number)
        else:
            a = "live"
            b = str(newest.number) if newest else "live"
        old, new = self._side(obj, a), self._side(obj, b)
        if old is None or new is None:
            return HttpResponseBadRequest(gettext("No such revision."))
        return self._page(
            request,
            obj,
            "revision_compare.html",
            gettext("Changes in “%(title)s”") % {"title": obj.title},
            old_label=old[0],
            new_label=new[0],
            changes=revisions.compare(old[1], new[1]),
            a=a,
            b=b,
            choices=[("live", gettext("the live version"))]
            + [
                (str(number), gettext("revision %(number)s") % {"number": number})
                for number in obj.revisions.order_by("-number").values_list("number", flat=True)
            ],
        )

    def restore_view(self, request, object_id, number):
        """POST: make revision ``number``'s content the current draft, as a new revision."""
        obj = self._article_or_404(request, object_id)
        revision = obj.revisions.filter(number=number).first()
        if revision is None:
            raise Http404
        if request.method != "POST":
            return HttpResponseRedirect(reverse("admin:articles_article_revisions", args=[obj.pk]))
        if not self.has_change_permission(request, obj):
            raise PermissionDenied
        try:
            new = revisions.restore(obj, revision, request.user, request.POST.get("token"))
        except WorkflowError as error:
            if error.code == WorkflowError.FORBIDDEN:
                raise PermissionDenied from None
            self.message_user(request, error.message, messages.ERROR)
            return HttpResponseRedirect(reverse("admin:articles_article_revisions", args=[obj.pk]))
        fresh = Article.objects.get(pk=obj.pk)
        self.message_user(
            request,
            gettext("Revision %(old)s restored as revision %(new)s.")
            % {"old": revision.number, "new": new.number}
            + (
                " " + gettext("Readers still see the live version until it is approved.")
                if fresh.is_live()
                else ""
            ),
            messages.SUCCESS,
        )
        return HttpResponseRedirect(reverse("admin:articles_article_change", args=[obj.pk]))

    # Preview links for people without an account.

    def may_share(self, request, obj):
        return obj.status != Article.Status.REMOVED and self.has_change_permission(request)

    def share_view(self, request, object_id):
        """POST: make a preview link and show it once (only its hash is kept)."""
        obj = self._article_or_404(request, object_id)
        if request.method != "POST":
            return HttpResponseRedirect(reverse("admin:articles_article_change", args=[obj.pk]))
        if not self.may_share(request, obj):
            raise PermissionDenied
        form = ShareLinkForm(request.POST)
        if not form.is_valid():
            self.message_user(
                request, gettext("Choose how long the link stays valid."), messages.ERROR
            )
            return HttpResponseRedirect(reverse("admin:articles_article_change", args=[obj.pk]))
        with transaction.atomic():
            link, token = ShareLink.create(obj, request.user, days=form.cleaned_data["days"])
            ArticleEvent.objects.create(
                article=obj,
                actor=request.user,
                action=ArticleEvent.Action.SHARE_LINK_CREATED,
                from_status=obj.status,
                to_status=obj.status,
                comment=gettext("Link %(id)s, valid until %(time)s.")
                % {"id": link.pk, "time": format_local(link.expires_at)},
            )
        url = request.build_absolute_uri(reverse("articles:share_preview", args=[token]))
        response = self._page(
            request,
            obj,
            "share_link_created.html",
            gettext("Preview link created"),
            link=link,
            link_url=url,
        )
        add_never_cache_headers(response)
        return response

    def revoke_share_view(self, request, object_id, link_id):
        """POST: revoke a preview link (its creator, or an editor)."""
        obj = self._article_or_404(request, object_id)
        link = obj.share_links.filter(pk=link_id).first()
        if link is None:
            raise Http404
        if request.method != "POST":
            return HttpResponseRedirect(reverse("admin:articles_article_change", args=[obj.pk]))
        if not (
            link.created_by_id == request.user.pk
            or request.user.has_perm("articles.edit_any_article")
        ):
            raise PermissionDenied
        if link.revoked_at is None:
            with transaction.atomic():
                link.revoked_at, link.revoked_by = timezone.now(), request.user
                link.save(update_fields=["revoked_at", "revoked_by"])
                ArticleEvent.objects.create(
                    article=obj,
                    actor=request.user,
                    action=ArticleEvent.Action.SHARE_LINK_REVOKED,
                    from_status=obj.status,
                    to_status=obj.status,
                    comment=gettext("Link %(id)s.") % {"id": link.pk},
                )
            self.message_user(request, gettext("The preview link was revoked."), messages.SUCCESS)
        return HttpResponseRedirect(
            reverse("admin:articles_article_change", args=[obj.pk]) + "#share-links"
        )

    def export_view(self, request, object_id):
        """The article's full history as CSV (administrators: ``articles.export_audit``)."""
        if not request.user.has_perm("articles.export_audit"):
            raise PermissionDenied
        obj = self._article_or_404(request, object_id)
        return audit.csv_response(f"article-{obj.pk}-history.csv", audit.rows(article=obj))

    # Bulk actions call the transitions one article at a time and report what they skipped.

    def _bulk(self, request, queryset, name, **arguments):
        done, skipped = [], []
        for article in queryset.order_by("pk"):
            try:
                getattr(article, name)(request.user, **arguments)
            except WorkflowError as error:
                skipped.append((article, error.message))
            else:
                done.append(article)
        label = workflow.TRANSITIONS[name].label
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
        self._bulk(request, queryset, "approve")

    @admin.action(description=_("Unschedule selected articles"), permissions=["unschedule"])
    def unschedule_selected(self, request, queryset):
        self._bulk(request, queryset, "unschedule")

    @admin.action(description=_("Confirm selected urgent publications"), permissions=["approve"])
    def confirm_selected(self, request, queryset):
        self._bulk(request, queryset, "confirm_urgent")


@admin.register(ArticleEvent)
class ArticleEventAdmin(CheckedDateHierarchyMixin, admin.ModelAdmin):
    """The audit trail, read-only for everyone, superusers included."""

    list_display = ["when", "article", "action", "actor", "from_status", "to_status", "comment"]
    list_filter = ["action"]
    list_select_related = ["article", "actor"]
    search_fields = ["article__title", "comment", "actor__username"]
    date_hierarchy = "at"
    fields = [
        "article",
        "when",
        "actor",
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
