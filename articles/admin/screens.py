"""
The article admin's own screens, one view class each: a workflow transition, the preview, the
revisions and their comparison, restoring a revision, preview links, the history as CSV.

Each is made by ``ArticleAdmin.get_urls()`` with ``as_view(model_admin=...)`` and finds its
article through the ModelAdmin, so an article a person may not view answers 404 here exactly as
on the change form. The screens hold no rules: they call the editorial package and show what
it says.
"""

from django.contrib import messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse, HttpResponseBadRequest, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers, patch_cache_control
from django.utils.translation import gettext
from django.views import View

from articles.editorial import (
    WorkflowError,
    audit,
    catalogue,
    diff,
    revisions,
    sharing,
    transitions,
)
from articles.models import Article, ArticleEvent, EditingPresence, Revision
from articles.times import format_local, zone_label

from .forms import ShareLinkForm, TransitionForm

# The transitions of a reviewer, whose page shows what changed since changes were requested.
REVIEWING = {"approve", "request_changes", "publish_urgently"}


def change_url(article):
    return reverse("admin:articles_article_change", args=[article.pk])


def transition_initial(article, transition):
    """What a transition's form starts from: the page's version, and a kept go-live time."""
    initial = {"token": article.workflow_token()}
    if transition.name == "approve" and article.has_pending_changes and article.is_scheduled():
        # Changes to a scheduled article: keep its go-live time unless changed.
        initial["at"] = article.published_at
    return initial


def stored_version_label(article):
    """
    The name of what the article's row holds, compared as ``live``: the approved version of
    a scheduled story, which no reader has seen yet, is not called live.
    """
    if article.is_scheduled():
        return gettext("the approved version")
    return gettext("the live version")


def may_share(model_admin, request, article):
    return article.status != Article.Status.REMOVED and model_admin.has_change_permission(request)


def change_form_context(model_admin, request, article):
    """The change form's panels: workflow buttons, history, revisions, presence, links."""
    actions = [
        {
            "transition": transition,
            "label": transition.label_for(article),
            "form": TransitionForm(
                transition,
                initial=transition_initial(article, transition),
                prefix=transition.name,
                article=article,
            ),
            "url": reverse("admin:articles_article_workflow", args=[article.pk, transition.name]),
        }
        for transition in catalogue.available(article, request.user)
    ]
    events = list(article.events.select_related("actor", "revision"))
    last_request = next(
        (e for e in reversed(events) if e.action == ArticleEvent.Action.CHANGES_REQUESTED),
        None,
    )
    links = list(article.share_links.select_related("created_by", "revoked_by")[:20])
    return {
        "workflow_actions": actions,
        "workflow_events": events,
        "workflow_label": article.workflow_label(),
        "workflow_changes_requested": (
            last_request if article.status == Article.Status.DRAFT else None
        ),
        "preview_url": reverse("admin:articles_article_preview", args=[article.pk]),
        "zone_label": zone_label(),
        "pending_revision": article.pending_revision if article.has_pending_changes else None,
        "revision_count": article.revisions.count(),
        "revisions_url": reverse("admin:articles_article_revisions", args=[article.pk]),
        "compare_url": reverse("admin:articles_article_compare", args=[article.pk]),
        # Only on the form itself: read-only pages neither count nor name anyone.
        "editing_now": (
            list(EditingPresence.others(article, request.user))
            if model_admin.has_change_permission(request, article)
            else []
        ),
        "presence_url": reverse("admin:articles_article_presence", args=[article.pk]),
        "presence_beat": int(EditingPresence.BEAT.total_seconds()),
        "share_links": links,
        "share_form": ShareLinkForm() if may_share(model_admin, request, article) else None,
        "share_url": reverse("admin:articles_article_share", args=[article.pk]),
        "now": timezone.now(),
        "export_url": (
            reverse("admin:articles_article_export", args=[article.pk])
            if request.user.has_perm("articles.export_audit")
            else None
        ),
    }


class ArticleScreen(View):
    """A screen about one article, which whoever opens it may view (else 404)."""

    model_admin = None
    template_name = None

    def get_article(self, object_id):
        article = self.model_admin.get_object(self.request, unquote(object_id))
        if article is None or not self.model_admin.has_view_permission(self.request, article):
            raise Http404
        return article

    def render(self, article, title, status=200, **context):
        admin_site = self.model_admin.admin_site
        return TemplateResponse(
            self.request,
            f"admin/articles/article/{self.template_name}",
            {
                **admin_site.each_context(self.request),
                "opts": self.model_admin.opts,
                "original": article,
                "title": title,
                "change_url": change_url(article),
                "revisions_url": reverse("admin:articles_article_revisions", args=[article.pk]),
                "compare_url": reverse("admin:articles_article_compare", args=[article.pk]),
                "has_view_permission": True,
                "zone_label": zone_label(),
                **context,
            },
            status=status,
        )


class WorkflowScreen(ArticleScreen):
    """
    One transition from the change form's panel: its form, then the transition. A refusal
    changes nothing: 403 when the person may not take it, 400 with the reason when the state,
    input or page is wrong.
    """

    template_name = "workflow_action.html"

    def dispatch(self, request, object_id, action):
        transition = catalogue.TRANSITIONS.get(action)
        article = self.get_article(object_id)
        if transition is None:
            raise Http404
        form = TransitionForm(
            transition,
            request.POST if request.method == "POST" else None,
            prefix=action,
            initial=transition_initial(article, transition),
            article=article,
        )
        try:
            transition.check(article, request.user)
        except WorkflowError as error:
            if error.code == WorkflowError.FORBIDDEN:
                return self.show(article, form, 403, refusal=error.message)
            if request.method != "POST":
                return self.show(article, form, 200, refusal=error.message)
        if request.method != "POST":
            return self.show(article, form, 200)
        label = transition.label_for(article)  # before the transition: it may apply the changes
        if form.is_valid():
            take = getattr(transitions, action)
            try:
                with transitions.expecting(article, form.cleaned_data["token"]):
                    take(article, by=request.user, **form.arguments())
            except WorkflowError as error:
                if error.code == WorkflowError.FORBIDDEN:
                    return self.show(article, form, 403, refusal=error.message)
                form.add_error(None, error.message)
            else:
                messages.success(
                    request,
                    gettext("“%(title)s”: %(action)s done. It is now %(status)s.")
                    % {"title": article.title, "action": label, "status": article.workflow_label()},
                )
                return HttpResponseRedirect(change_url(article))
        return self.show(article, form, 400)

    def show(self, article, form, status, refusal=""):
        changes = []
        if article.has_pending_changes:
            # The approval screen: what changed since the live version.
            changes = diff.compare(
                revisions.live_snapshot(article.pk), article.pending_revision.snapshot
            )
        review = {}
        found = revisions.since_changes_requested(article)
        if found and form.transition.name in REVIEWING:
            # A resubmission: the comment left last time, and what changed since.
            request, revision = found
            review = {"last_request": request, "last_request_time": format_local(request.at)}
            if revision is not None:
                now = revisions.draft_snapshot(article.pk)
                review["since_request"] = diff.compare(revision.snapshot, now)
                review["since_known"] = True
        return self.render(
            article,
            form.transition.label_for(article),
            status,
            transition=form.transition,
            changes=changes,
            pending_revision=article.pending_revision if article.has_pending_changes else None,
            form=form,
            refusal=refusal,
            workflow_label=article.workflow_label(),
            action_url=reverse(
                "admin:articles_article_workflow", args=[article.pk, form.transition.name]
            ),
            preview_url=reverse("admin:articles_article_preview", args=[article.pk]),
            **review,
        )


class PreviewScreen(ArticleScreen):
    """
    The article's current text in the public templates, marked as a preview. Not wrapped in
    ``admin_view``: anyone who may not view the article gets a 404, not a login page that
    confirms the article exists.
    """

    def get(self, request, object_id):
        user = request.user
        if not (user.is_active and user.is_staff):
            raise Http404
        article = self.get_article(object_id)
        response = TemplateResponse(
            request, "articles/article_preview.html", {"article": article, "object": article}
        )
        response["X-Robots-Tag"] = "noindex, nofollow"
        add_never_cache_headers(response)
        patch_cache_control(response, private=True)
        return response


class RevisionsScreen(ArticleScreen):
    """Every revision of the article, newest first, to compare or restore."""

    template_name = "revisions.html"

    def get(self, request, object_id):
        article = self.get_article(object_id)
        live = revisions.live_snapshot(article.pk)
        items = list(
            article.revisions.select_related("created_by", "restored_from").order_by("-number")
        )
        live_number = next((r.number for r in items if r.snapshot == live), None)
        shown_live = article.has_been_public() or article.is_live()
        return self.render(
            article,
            gettext("Revisions of “%(title)s”") % {"title": article.title},
            revisions=items,
            live_number=live_number if shown_live else None,
            pending_number=(
                article.pending_revision.number if article.has_pending_changes else None
            ),
            may_restore=self.model_admin.has_change_permission(request, article),
            token=article.workflow_token(),
        )


class CompareScreen(ArticleScreen):
    """
    Two versions side by side as a list of changed fields: ``?a=&b=`` (revision numbers or
    ``live``), ``?since=<version>`` (what changed after a form of that version was made), or,
    by default, the pending draft against the live version.
    """

    template_name = "revision_compare.html"

    def get(self, request, object_id):
        article = self.get_article(object_id)
        a, b = self.sides(article)
        old, new = self.side(article, a), self.side(article, b)
        if old is None or new is None:
            return HttpResponseBadRequest(gettext("No such revision."))
        numbers = article.revisions.order_by("-number").values_list("number", flat=True)
        return self.render(
            article,
            gettext("Changes in “%(title)s”") % {"title": article.title},
            old_label=old[0],
            new_label=new[0],
            changes=diff.compare(old[1], new[1]),
            a=a,
            b=b,
            choices=[("live", stored_version_label(article))]
            + [
                (str(number), gettext("revision %(number)s") % {"number": number})
                for number in numbers
            ],
        )

    def sides(self, article):
        query = self.request.GET
        newest = article.revisions.order_by("-number").first()
        if "since" in query:
            try:
                base = revisions.revision_at(article, int(query["since"]))
            except ValueError:
                base = None
            return (str(base.number) if base else "live"), (
                str(newest.number) if newest else "live"
            )
        if "a" in query or "b" in query:
            return query.get("a", "live"), query.get("b", "live")
        if article.has_pending_changes:
            return "live", str(article.pending_revision.number)
        return "live", (str(newest.number) if newest else "live")

    @staticmethod
    def side(article, value):
        """A side of a comparison: ``live``, or a revision number. Returns (label, snapshot)."""
        if value == "live":
            return stored_version_label(article), revisions.live_snapshot(article.pk)
        try:
            revision = article.revisions.get(number=int(value))
        except (TypeError, ValueError, Revision.DoesNotExist):
            return None
        return gettext("revision %(number)s") % {"number": revision.number}, revision.snapshot


class RestoreScreen(ArticleScreen):
    """POST: make revision ``number``'s content the current draft, as a new revision."""

    def dispatch(self, request, object_id, number):
        article = self.get_article(object_id)
        revision = article.revisions.filter(number=number).first()
        if revision is None:
            raise Http404
        back = HttpResponseRedirect(reverse("admin:articles_article_revisions", args=[article.pk]))
        if request.method != "POST":
            return back
        if not self.model_admin.has_change_permission(request, article):
            raise PermissionDenied
        try:
            new = revisions.restore(article, revision, request.user, request.POST.get("token"))
        except WorkflowError as error:
            if error.code == WorkflowError.FORBIDDEN:
                raise PermissionDenied from None
            messages.error(request, error.message)
            return back
        message = gettext("Revision %(old)s restored as revision %(new)s.") % {
            "old": revision.number,
            "new": new.number,
        }
        current = Article.objects.get(pk=article.pk)
        if current.is_scheduled():
            message += " " + gettext(
                "The approved version goes public at its time unless this one is approved first."
            )
        elif current.is_live():
            message += " " + gettext("Readers still see the live version until it is approved.")
        messages.success(request, message)
        return HttpResponseRedirect(change_url(article))


class ShareScreen(ArticleScreen):
    """POST: make a preview link and show it once (only its hash is kept)."""

    template_name = "share_link_created.html"

    def dispatch(self, request, object_id):
        article = self.get_article(object_id)
        if request.method != "POST":
            return HttpResponseRedirect(change_url(article))
        if not may_share(self.model_admin, request, article):
            raise PermissionDenied
        form = ShareLinkForm(request.POST)
        if not form.is_valid():
            messages.error(request, gettext("Choose how long the link stays valid."))
            return HttpResponseRedirect(change_url(article))
        link, token = sharing.create_link(article, by=request.user, days=form.cleaned_data["days"])
        url = request.build_absolute_uri(reverse("articles:share_preview", args=[token]))
        response = self.render(article, gettext("Preview link created"), link=link, link_url=url)
        add_never_cache_headers(response)
        return response


class RevokeShareScreen(ArticleScreen):
    """POST: revoke a preview link (its creator, or an editor)."""

    def dispatch(self, request, object_id, link_id):
        article = self.get_article(object_id)
        link = article.share_links.filter(pk=link_id).first()
        if link is None:
            raise Http404
        if request.method != "POST":
            return HttpResponseRedirect(change_url(article))
        if not (
            link.created_by_id == request.user.pk
            or request.user.has_perm("articles.edit_any_article")
        ):
            raise PermissionDenied
        if sharing.revoke_link(link, by=request.user):
            messages.success(request, gettext("The preview link was revoked."))
        return HttpResponseRedirect(change_url(article) + "#share-links")


class PresenceScreen(ArticleScreen):
    """
    POST from an open change form (static/js/presence.js): "still here" every beat, or "left"
    when it closes. Only those who may edit the article are counted. Answers 204.
    """

    def post(self, request, object_id):
        article = self.get_article(object_id)
        if self.model_admin.has_change_permission(request, article):
            if request.POST.get("left"):
                EditingPresence.left(article, request.user)
            else:
                EditingPresence.note(article, request.user)
        return HttpResponse(status=204)


class HistoryExportScreen(ArticleScreen):
    """The article's full history as CSV (administrators: ``articles.export_audit``)."""

    def get(self, request, object_id):
        if not request.user.has_perm("articles.export_audit"):
            raise PermissionDenied
        article = self.get_article(object_id)
        return audit.csv_response(f"article-{article.pk}-history.csv", audit.rows(article=article))
