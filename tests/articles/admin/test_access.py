"""
Who may do what, over HTTP: every role × every admin page and action, preview, preview link,
upload and API endpoint, one request per test.

``ENDPOINTS`` lists each request once with what every role gets; ``MATRIX`` expands it into
one ``Row`` (one role, one request) per test id, e.g. ``workflow approve [writer]``.
All rows share one newsroom (``build_newsroom``: a writer's articles in every state, with
revisions, history, preview links; the people; districts, sources, settings, a banner), made
once per module and rolled back after each test.

A refused request (a login redirect, 403, 404, 405 or a redirect that does nothing) must
change nothing: articles, revisions, history, preview links and their openings, districts,
sources, settings, banners, users, groups and permissions, admin log, files in the media
folder and email sent are compared before and after, and its answer shows no article's text.
An allowed read changes no content either; an allowed write must change something.
"""

import html
import json
import re
import secrets
from dataclasses import dataclass, field
from datetime import timedelta

import pytest
from django.conf import settings as django_settings
from django.contrib.admin.models import LogEntry
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.core import mail
from django.db import connection, transaction
from django.test import Client
from django.urls import get_resolver, reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlencode, urlsafe_base64_encode

from articles.editorial import revisions, roles
from articles.models import (
    AlertBanner,
    Article,
    ArticleEvent,
    ChangeNote,
    District,
    EditingPresence,
    Revision,
    ShareLink,
    ShareLinkOpen,
    SiteSettings,
    SlugRedirect,
    Source,
)
from tests.factories import (
    make_article,
    make_district,
    make_image_bytes,
    make_pending_changes,
    make_source,
    make_superuser,
    make_upload,
    make_user,
)

pytestmark = pytest.mark.django_db

User = get_user_model()
Status = Article.Status

# The title, slug and text of every article readers may not see (a draft, one in review or
# scheduled, unpublished changes) carry "secret-<its name>". Only the author and the desk,
# who may open every article, and whoever has a preview link ever get an answer showing one.
SECRET = "secret-"
SEES_EVERY_ARTICLE = {"writer", "editor", "administrator", "superuser"}


@dataclass(frozen=True)
class Answer:
    status: int
    name: str
    changes: bool = False  # the request changes stored content
    login: bool = False  # a redirect to the admin's login page

    def __repr__(self):
        return self.name

    @property
    def refused(self):
        return self.status >= 300 and not self.changes


OK = Answer(200, "ok")  # shown; nothing changes
DONE = Answer(302, "done", changes=True)  # done, then redirected
MADE = Answer(200, "made", changes=True)  # done, answered with a page or JSON
BOUNCED = Answer(302, "bounced")  # redirected elsewhere, nothing done
HEARD = Answer(204, "heard")  # noted (an open form's beat), nothing stored changes
LOGIN = Answer(302, "login", login=True)
DENIED = Answer(403, "denied")
NOT_FOUND = Answer(404, "not-found")
NOT_ALLOWED = Answer(405, "not-allowed")
BAD_REQUEST = Answer(400, "bad-request")

ROLES = [
    "anonymous",
    "reader_account",  # an account without staff status
    "staff_without_permissions",
    "writer",  # the writer who wrote every article of the newsroom
    "other_writer",  # another writer, guessing the first one's article ids
    "editor",
    "administrator",
    "superuser",
]
# Shorthands for several roles at once; a role named on its own wins.
GROUPS = {
    "everyone": ROLES,
    "signed_out": ["anonymous", "reader_account"],
    "writers": ["writer", "other_writer"],
    "desk": ["editor", "administrator", "superuser"],
}


@dataclass
class Endpoint:
    """One request, and what each role gets from it."""

    label: str
    method: str
    url: str  # a URL name
    args: tuple = ()  # "{name}" is the newsroom object's pk (or token), "{name.attr}" its attr
    data: object = None  # newsroom -> POST data
    query: dict = field(default_factory=dict)
    settings: dict = field(default_factory=dict)
    # Text no role's answer may contain (besides SECRET, for roles outside SEES_EVERY_ARTICLE).
    hidden: tuple = ()
    link_holder_sees_draft: bool = False  # a preview link shows its draft to whoever has it
    answers: dict = field(default_factory=dict)


def endpoint(label, method, url, args=(), data=None, query=None, settings=None, hidden=(),
             link_holder_sees_draft=False, **answers):  # fmt: skip
    """``answers``: role or shorthand -> Answer. Signed-out visitors default to the login page."""
    expanded = dict.fromkeys(GROUPS["signed_out"], LOGIN)
    for name in ["everyone", "signed_out", "writers", "desk"]:
        if name in answers:
            expanded.update(dict.fromkeys(GROUPS[name], answers.pop(name)))
    expanded.update(answers)
    assert set(expanded) == set(ROLES), f"{label}: no answer for {set(ROLES) - set(expanded)}"
    return Endpoint(label, method, url, args, data, query or {}, settings or {}, hidden,
                    link_holder_sees_draft, expanded)  # fmt: skip


@dataclass
class Row:
    role: str
    endpoint: Endpoint
    expected: Answer

    @property
    def id(self):
        return f"{self.endpoint.label} [{self.role}]"


# Form data, built from the newsroom at request time.


def article_form(n, article=None, **changes):
    """The article form as posted: a new article, or ``article``'s current draft changed."""
    if article is None:
        data = {"title": "Added by the request", "slug": "", "summary": "", "body": "<p>x</p>",
                "language": "en", "source_url": ""}  # fmt: skip
        data.update(source=n["source"].pk, districts=[n["district"].pk])
    else:
        draft = revisions.draft_snapshot(article.pk)
        data = {key: draft[key] for key in ["title", "slug", "summary", "body", "language",
                                            "source_url"]}  # fmt: skip
        data.update(
            source=draft["source"]["id"],
            districts=[item["id"] for item in draft["districts"]],
            version=article.version,
        )
    data.update(changes)
    return data


def transition(name, **fields):
    """What a workflow button posts: the page's token and the text its transition asks for."""

    def data(n, article):
        values = {"token": article.workflow_token(), "comment": "Name the source.",
                  "reason": "The road closes within the hour.",
                  "explanation": "Superseded by the announcement of 3 May.", "at": "",
                  "replacement_url": "", "to": "withdrawn", "confirm": "on",
                  **fields}  # fmt: skip
        return {f"{name}-{key}": value for key, value in values.items()}

    return data


def on(article_name, build):
    return lambda n: build(n, n[article_name])


def bulk(action, *names):
    # "confirmed": the answer to the page that asks before articles go public at once.
    return lambda n: {
        "action": action,
        "_selected_action": [n[name].pk for name in names],
        "confirmed": "yes",
    }


def user_form(user, **changes):
    data = {"username": user.username, "first_name": user.first_name or "Given",
            "last_name": user.last_name, "email": user.email,
            "role": roles.role_of(user) or "", "is_active": "on"}  # fmt: skip
    data.update(changes)
    return {key: value for key, value in data.items() if value != ""}


def workflow(action, article, label="", data=None, **answers):
    """
    A workflow button posted on ``article``: a 404 for whoever may not see the article, a 403
    for the writer (unless ``answers`` say otherwise), done by the desk.
    """
    answers = {"staff_without_permissions": NOT_FOUND, "other_writer": NOT_FOUND,
               "writer": DENIED, "desk": DONE, **answers}  # fmt: skip
    return endpoint(
        f"workflow {label or action.replace('_', ' ')}", "POST",
        "admin:articles_article_workflow", (f"{{{article}}}", action),
        data=data or on(article, transition(action)), **answers,
    )  # fmt: skip


def two_days_ahead():
    return timezone.localtime(timezone.now() + timedelta(days=2)).strftime("%Y-%m-%dT%H:%M:%S")


def banner_form(n):
    start = timezone.localtime()
    return {"message": "Roads closed", "severity": "info", "link_url": "", "link_text": "",
            "starts_at_0": start.strftime("%Y-%m-%d"), "starts_at_1": start.strftime("%H:%M:%S"),
            "ends_at_0": "", "ends_at_1": ""}  # fmt: skip


def image(n):
    return {"upload": make_upload(make_image_bytes(size=(40, 30)))}


ENDPOINTS = [
    # The admin's own pages.
    endpoint("admin index", "GET", "admin:index",
             staff_without_permissions=OK, writers=OK, desk=OK),
    # Another writer's list shows none of the first writer's articles (SEES_EVERY_ARTICLE).
    endpoint("article list", "GET", "admin:articles_article_changelist",
             staff_without_permissions=DENIED, writers=OK, desk=OK),
    endpoint("article list, searched", "GET", "admin:articles_article_changelist",
             query={"q": "secret"}, staff_without_permissions=DENIED, writers=OK, desk=OK),
    endpoint("article add form", "GET", "admin:articles_article_add",
             staff_without_permissions=DENIED, writers=OK, desk=OK),
    endpoint("article add", "POST", "admin:articles_article_add", data=article_form,
             staff_without_permissions=DENIED, writers=DONE, desk=DONE),
    endpoint("article change form (draft)", "GET", "admin:articles_article_change", ("{draft}",),
             staff_without_permissions=DENIED, writer=OK, other_writer=BOUNCED, desk=OK),
    endpoint("article change form (live, with changes)", "GET", "admin:articles_article_change",
             ("{live}",), staff_without_permissions=DENIED, writer=OK, other_writer=BOUNCED,
             desk=OK),
    endpoint("article change (draft)", "POST", "admin:articles_article_change", ("{draft}",),
             data=on("draft", lambda n, a: article_form(n, a, title="Changed")),
             staff_without_permissions=DENIED, writer=DONE, other_writer=BOUNCED, desk=DONE),
    # A writer's article in review is read-only to them; a withdrawn one, to everyone.
    endpoint("article change (in review)", "POST", "admin:articles_article_change",
             ("{in_review}",), data=on("in_review", lambda n, a: article_form(n, a, title="C")),
             staff_without_permissions=DENIED, writer=DENIED, other_writer=BOUNCED, desk=DONE),
    endpoint("article change (live: pending draft)", "POST", "admin:articles_article_change",
             ("{live}",), data=on("live", lambda n, a: article_form(n, a, title="Changed")),
             staff_without_permissions=DENIED, writer=DONE, other_writer=BOUNCED, desk=DONE),
    endpoint("article change (withdrawn)", "POST", "admin:articles_article_change",
             ("{withdrawn}",), data=on("withdrawn", lambda n, a: article_form(n, a, title="C")),
             staff_without_permissions=DENIED, writer=DENIED, other_writer=BOUNCED,
             desk=DENIED),
    endpoint("article history", "GET", "admin:articles_article_history", ("{draft}",),
             staff_without_permissions=BOUNCED, writer=OK, other_writer=BOUNCED, desk=OK),
    # Articles are never deleted, not even by a superuser: they are removed through the workflow.
    endpoint("article delete form", "GET", "admin:articles_article_delete", ("{draft}",),
             staff_without_permissions=DENIED, writers=DENIED, desk=DENIED),
    endpoint("article delete", "POST", "admin:articles_article_delete", ("{draft}",),
             data=lambda n: {"post": "yes"},
             staff_without_permissions=DENIED, writers=DENIED, desk=DENIED),
    # Bulk actions: one not offered to a role sends it back to the list with nothing done.
    endpoint("bulk delete", "POST", "admin:articles_article_changelist",
             data=lambda n: {**bulk("delete_selected", "draft")(n), "post": "yes"},
             staff_without_permissions=DENIED, writers=BOUNCED, desk=BOUNCED),
    endpoint("bulk submit", "POST", "admin:articles_article_changelist",
             data=bulk("submit_selected", "draft"),
             staff_without_permissions=DENIED, writer=DONE, other_writer=BOUNCED, desk=DONE),
    # A selection that cannot be ids is refused, before any lookup.
    endpoint("bulk submit, an id that is not a number", "POST",
             "admin:articles_article_changelist",
             data=lambda n: {"action": "submit_selected", "_selected_action": ["x"]},
             staff_without_permissions=DENIED, writers=BAD_REQUEST, desk=BAD_REQUEST),
    endpoint("bulk submit, an id out of range", "POST", "admin:articles_article_changelist",
             data=lambda n: {"action": "submit_selected", "_selected_action": ["9" * 25]},
             staff_without_permissions=DENIED, writers=BAD_REQUEST, desk=BAD_REQUEST),
    endpoint("bulk approve", "POST", "admin:articles_article_changelist",
             data=bulk("approve_selected", "in_review"),
             staff_without_permissions=DENIED, writers=BOUNCED, desk=DONE),
    endpoint("bulk unschedule", "POST", "admin:articles_article_changelist",
             data=bulk("unschedule_selected", "scheduled"),
             staff_without_permissions=DENIED, writers=BOUNCED, desk=DONE),
    endpoint("bulk confirm urgent", "POST", "admin:articles_article_changelist",
             data=bulk("confirm_selected", "urgent"),
             staff_without_permissions=DENIED, writers=BOUNCED, desk=DONE),
    # The workflow buttons: 404 for an article the person may not see, 403 for a transition
    # their role may not take.
    endpoint("workflow submit form", "GET", "admin:articles_article_workflow",
             ("{draft}", "submit"),
             staff_without_permissions=NOT_FOUND, writer=OK, other_writer=NOT_FOUND, desk=OK),
    workflow("submit", "draft", writer=DONE),
    workflow("request_changes", "in_review"),
    endpoint("workflow approve form", "GET", "admin:articles_article_workflow",
             ("{in_review}", "approve"),
             staff_without_permissions=NOT_FOUND, writer=DENIED, other_writer=NOT_FOUND, desk=OK),
    workflow("approve", "in_review"),
    workflow("approve", "in_review", label="schedule",
             data=lambda n: transition("approve", at=two_days_ahead())(n, n["in_review"])),
    workflow("publish_urgently", "draft"),
    workflow("confirm_urgent", "urgent"),
    workflow("unschedule", "scheduled"),
    workflow("withdraw", "live"),
    workflow("remove", "live"),
    # The author may drop their own unpublished changes to a live article.
    workflow("discard_changes", "live", writer=DONE),
    workflow("delete", "draft", label="unknown action", writer=NOT_FOUND, desk=NOT_FOUND),
    # Revisions: the list, diffs, restoring one.
    # An open change form's beat: counted for whoever may edit (a trace, not content).
    endpoint("presence beat", "POST", "admin:articles_article_presence", ("{draft}",),
             staff_without_permissions=NOT_FOUND, writer=HEARD, other_writer=NOT_FOUND,
             desk=HEARD),
    # Refused before the article is looked up: the same 405 for any id, so it reveals none.
    endpoint("presence beat, by GET", "GET", "admin:articles_article_presence", ("{draft}",),
             staff_without_permissions=NOT_ALLOWED, writers=NOT_ALLOWED, desk=NOT_ALLOWED),
    endpoint("revisions", "GET", "admin:articles_article_revisions", ("{draft}",),
             staff_without_permissions=NOT_FOUND, writer=OK, other_writer=NOT_FOUND, desk=OK),
    endpoint("diff of two revisions", "GET", "admin:articles_article_compare", ("{draft}",),
             query={"a": "1", "b": "2"},
             staff_without_permissions=NOT_FOUND, writer=OK, other_writer=NOT_FOUND, desk=OK),
    endpoint("diff of the pending changes", "GET", "admin:articles_article_compare", ("{live}",),
             staff_without_permissions=NOT_FOUND, writer=OK, other_writer=NOT_FOUND, desk=OK),
    endpoint("restore a revision", "POST", "admin:articles_article_restore", ("{draft}", "1"),
             data=on("draft", lambda n, a: {"token": a.workflow_token()}),
             staff_without_permissions=NOT_FOUND, writer=DONE, other_writer=NOT_FOUND, desk=DONE),
    endpoint("restore a revision (in review)", "POST", "admin:articles_article_restore",
             ("{in_review}", "1"), data=on("in_review", lambda n, a: {"token": a.workflow_token()}),
             staff_without_permissions=NOT_FOUND, writer=DENIED, other_writer=NOT_FOUND,
             desk=DONE),
    endpoint("restore a revision, by GET", "GET", "admin:articles_article_restore",
             ("{draft}", "1"),
             staff_without_permissions=NOT_FOUND, writer=BOUNCED, other_writer=NOT_FOUND,
             desk=BOUNCED),
    # Preview links: made by whoever may edit the article's kind, revoked by their maker or
    # an editor.
    endpoint("preview link create", "POST", "admin:articles_article_share", ("{draft}",),
             data=lambda n: {"days": "7"},
             staff_without_permissions=NOT_FOUND, writer=MADE, other_writer=NOT_FOUND, desk=MADE),
    endpoint("preview link create, by GET", "GET", "admin:articles_article_share", ("{draft}",),
             staff_without_permissions=NOT_FOUND, writer=BOUNCED, other_writer=NOT_FOUND,
             desk=BOUNCED),
    endpoint("preview link revoke (own)", "POST", "admin:articles_article_revoke_share",
             ("{draft}", "{writer_link}"),
             staff_without_permissions=NOT_FOUND, writer=DONE, other_writer=NOT_FOUND, desk=DONE),
    endpoint("preview link revoke (an editor's)", "POST", "admin:articles_article_revoke_share",
             ("{draft}", "{editor_link}"),
             staff_without_permissions=NOT_FOUND, writer=DENIED, other_writer=NOT_FOUND,
             desk=DONE),
    # "View on site": only to what the person may see in the admin and is on the site.
    endpoint("view on site (draft)", "GET", "admin:view_on_site", ("{article_type}", "{draft}"),
             staff_without_permissions=NOT_FOUND, writers=NOT_FOUND, desk=NOT_FOUND),
    endpoint("view on site (live)", "GET", "admin:view_on_site", ("{article_type}", "{live}"),
             staff_without_permissions=NOT_FOUND, writer=BOUNCED, other_writer=NOT_FOUND,
             desk=BOUNCED),
    endpoint("view on site (district)", "GET", "admin:view_on_site",
             ("{district_type}", "{district}"),
             staff_without_permissions=NOT_FOUND, writers=BOUNCED, desk=BOUNCED),
    # The autocomplete behind the article form's district and source pickers.
    endpoint("district picker", "GET", "admin:autocomplete",
             query={"app_label": "articles", "model_name": "article", "field_name": "districts",
                    "term": "hexi"},
             staff_without_permissions=DENIED, writers=OK, desk=OK),
    endpoint("source picker", "GET", "admin:autocomplete",
             query={"app_label": "articles", "model_name": "article", "field_name": "source"},
             staff_without_permissions=DENIED, writers=OK, desk=OK),
    # The article's preview in the public templates: a 404, never a login page, for anyone
    # who may not see the article.
    endpoint("preview (draft)", "GET", "admin:articles_article_preview", ("{draft}",),
             signed_out=NOT_FOUND, staff_without_permissions=NOT_FOUND, writer=OK,
             other_writer=NOT_FOUND, desk=OK),
    endpoint("preview (live, with changes)", "GET", "admin:articles_article_preview", ("{live}",),
             signed_out=NOT_FOUND, staff_without_permissions=NOT_FOUND, writer=OK,
             other_writer=NOT_FOUND, desk=OK),
    # A preview link opens for anyone who has it.
    endpoint("preview link open", "GET", "articles:share_preview", ("{writer_token}",),
             everyone=OK, link_holder_sees_draft=True),
    endpoint("preview link open, by POST", "POST", "articles:share_preview", ("{writer_token}",),
             everyone=NOT_ALLOWED),
    # History and the audit log: editors read them, administrators also export them.
    endpoint("history entries", "GET", "admin:articles_articleevent_changelist",
             staff_without_permissions=DENIED, writers=DENIED, desk=OK),
    endpoint("history entry", "GET", "admin:articles_articleevent_change", ("{draft_event}",),
             staff_without_permissions=DENIED, writers=DENIED, desk=OK),
    endpoint("history entry's own history", "GET", "admin:articles_articleevent_history",
             ("{draft_event}",), staff_without_permissions=DENIED, writers=DENIED, desk=OK),
    # The history is read-only for everyone, superusers included.
    endpoint("history entry add", "POST", "admin:articles_articleevent_add",
             data=lambda n: {"article": n["draft"].pk, "action": "edited"},
             staff_without_permissions=DENIED, writers=DENIED, desk=DENIED),
    endpoint("history entry delete", "POST", "admin:articles_articleevent_delete",
             ("{draft_event}",), data=lambda n: {"post": "yes"},
             staff_without_permissions=DENIED, writers=DENIED, desk=DENIED),
    endpoint("article history CSV", "GET", "admin:articles_article_export", ("{draft}",),
             staff_without_permissions=DENIED, writers=DENIED, editor=DENIED,
             administrator=OK, superuser=OK),
    endpoint("audit export form", "GET", "admin:articles_articleevent_export",
             staff_without_permissions=DENIED, writers=DENIED, editor=DENIED,
             administrator=OK, superuser=OK),
    endpoint("audit export CSV", "GET", "admin:articles_articleevent_export",
             query={"start": "2000-01-01", "end": "2100-01-01"},
             staff_without_permissions=DENIED, writers=DENIED, editor=DENIED,
             administrator=OK, superuser=OK),
    # The editor's image uploads (paste, drop, the image dialog and the "Upload image" button
    # all post to editor_image_upload): JSON, never a login page.
    endpoint("editor upload", "POST", "editor_image_upload", data=image,
             signed_out=DENIED, staff_without_permissions=DENIED, writers=MADE, desk=MADE),
    endpoint("editor upload, by GET", "GET", "editor_image_upload", everyone=NOT_ALLOWED),
    endpoint("editor file browser (off)", "GET", "editor_image_browser", everyone=NOT_FOUND),
    endpoint("editor file browser (on)", "GET", "editor_image_browser",
             settings={"NEWSROOM_EDITOR_FILE_BROWSER": True},
             signed_out=DENIED, staff_without_permissions=DENIED, writers=OK, desk=OK),
    # Districts and sources: writers pick them, editors manage them.
    endpoint("district list", "GET", "admin:articles_district_changelist",
             staff_without_permissions=DENIED, writers=OK, desk=OK),
    endpoint("district change form", "GET", "admin:articles_district_change", ("{district}",),
             staff_without_permissions=DENIED, writers=OK, desk=OK),
    endpoint("district history", "GET", "admin:articles_district_history", ("{district}",),
             staff_without_permissions=DENIED, writers=OK, desk=OK),
    endpoint("district add", "POST", "admin:articles_district_add",
             data=lambda n: {"name": "New district", "slug": "new-district"},
             staff_without_permissions=DENIED, writers=DENIED, desk=DONE),
    endpoint("district change", "POST", "admin:articles_district_change", ("{district}",),
             data=lambda n: {"name": "Renamed", "slug": n["district"].slug},
             staff_without_permissions=DENIED, writers=DENIED, desk=DONE),
    endpoint("district delete", "POST", "admin:articles_district_delete", ("{district}",),
             data=lambda n: {"post": "yes"},
             staff_without_permissions=DENIED, writers=DENIED, desk=DONE),
    endpoint("source list", "GET", "admin:articles_source_changelist",
             staff_without_permissions=DENIED, writers=OK, desk=OK),
    endpoint("source history", "GET", "admin:articles_source_history", ("{source}",),
             staff_without_permissions=DENIED, writers=OK, desk=OK),
    endpoint("source add", "POST", "admin:articles_source_add",
             data=lambda n: {"name": "New source", "slug": "new-source", "url": ""},
             staff_without_permissions=DENIED, writers=DENIED, desk=DONE),
    endpoint("source change", "POST", "admin:articles_source_change", ("{source}",),
             data=lambda n: {"name": "Renamed", "slug": n["source"].slug, "url": ""},
             staff_without_permissions=DENIED, writers=DENIED, desk=DONE),
    endpoint("source delete", "POST", "admin:articles_source_delete", ("{spare_source}",),
             data=lambda n: {"post": "yes"},
             staff_without_permissions=DENIED, writers=DENIED, desk=DONE),
    # Site settings: administrators only.
    endpoint("site settings", "GET", "admin:articles_sitesettings_changelist",
             staff_without_permissions=DENIED, writers=DENIED, editor=DENIED,
             administrator=BOUNCED, superuser=BOUNCED),
    endpoint("site settings form", "GET", "admin:articles_sitesettings_change", ("{settings}",),
             staff_without_permissions=DENIED, writers=DENIED, editor=DENIED,
             administrator=OK, superuser=OK),
    endpoint("site settings history", "GET", "admin:articles_sitesettings_history",
             ("{settings}",), staff_without_permissions=DENIED, writers=DENIED, editor=DENIED,
             administrator=OK, superuser=OK),
    endpoint("site settings change", "POST", "admin:articles_sitesettings_change",
             ("{settings}",), data=lambda n: {"site_name": "Renamed Updates"},
             staff_without_permissions=DENIED, writers=DENIED, editor=DENIED,
             administrator=DONE, superuser=DONE),
    endpoint("site settings add", "POST", "admin:articles_sitesettings_add",
             data=lambda n: {"site_name": "Second site"},
             staff_without_permissions=DENIED, writers=DENIED, desk=DENIED),
    endpoint("site settings delete", "POST", "admin:articles_sitesettings_delete",
             ("{settings}",), data=lambda n: {"post": "yes"},
             staff_without_permissions=DENIED, writers=DENIED, desk=DENIED),
    # The alert banner: editors.
    endpoint("alert banners", "GET", "admin:articles_alertbanner_changelist",
             staff_without_permissions=DENIED, writers=DENIED, desk=OK),
    endpoint("alert banner add", "POST", "admin:articles_alertbanner_add", data=banner_form,
             staff_without_permissions=DENIED, writers=DENIED, desk=DONE),
    endpoint("alert banner change", "POST", "admin:articles_alertbanner_change", ("{banner}",),
             data=lambda n: {**banner_form(n), "message": "Roads open again"},
             staff_without_permissions=DENIED, writers=DENIED, desk=DONE),
    endpoint("alert banner history", "GET", "admin:articles_alertbanner_history", ("{banner}",),
             staff_without_permissions=DENIED, writers=DENIED, desk=OK),
    # Banners are ended, not deleted (a superuser still may).
    endpoint("alert banner delete", "POST", "admin:articles_alertbanner_delete", ("{banner}",),
             data=lambda n: {"post": "yes"},
             staff_without_permissions=DENIED, writers=DENIED, editor=DENIED,
             administrator=DENIED, superuser=DONE),
    endpoint("alert banner end now", "POST", "admin:articles_alertbanner_changelist",
             data=bulk("end_now", "banner"),
             staff_without_permissions=DENIED, writers=DENIED, desk=DONE),
    # People: administrators invite, change roles, deactivate; only a superuser manages a
    # superuser, types a password or changes a group's permissions.
    endpoint("users", "GET", "admin:auth_user_changelist",
             staff_without_permissions=DENIED, writers=DENIED, editor=DENIED,
             administrator=OK, superuser=OK),
    endpoint("invitation form", "GET", "admin:auth_user_add",
             staff_without_permissions=DENIED, writers=DENIED, editor=DENIED,
             administrator=OK, superuser=OK),
    endpoint("invitation", "POST", "admin:auth_user_add",
             data=lambda n: {"first_name": "In", "last_name": "Vited", "role": "editor",
                             "email": "invited@example.invalid"},
             staff_without_permissions=DENIED, writers=DENIED, editor=DENIED,
             administrator=DONE, superuser=DONE),
    endpoint("user change (role)", "POST", "admin:auth_user_change", ("{writer}",),
             data=lambda n: user_form(n["writer"], role="editor"),
             staff_without_permissions=DENIED, writers=DENIED, editor=DENIED,
             administrator=DONE, superuser=DONE),
    endpoint("user history", "GET", "admin:auth_user_history", ("{writer}",),
             staff_without_permissions=DENIED, writers=DENIED, editor=DENIED,
             administrator=OK, superuser=OK),
    endpoint("user change (a superuser)", "POST", "admin:auth_user_change", ("{superuser}",),
             data=lambda n: user_form(n["superuser"], first_name="Changed"),
             staff_without_permissions=DENIED, writers=DENIED, editor=DENIED,
             administrator=DENIED, superuser=DONE),
    endpoint("user password", "POST", "admin:auth_user_password_change", ("{writer}",),
             data=lambda n: {"password1": "river-lantern-orchid-42",
                             "password2": "river-lantern-orchid-42", "usable_password": "true"},
             staff_without_permissions=DENIED, writers=DENIED, editor=DENIED,
             administrator=DENIED, superuser=DONE),
    endpoint("user delete (a mistaken invitation)", "POST", "admin:auth_user_delete",
             ("{invitee}",), data=lambda n: {"post": "yes"},
             staff_without_permissions=DENIED, writers=DENIED, editor=DENIED,
             administrator=DONE, superuser=DONE),
    endpoint("user delete (someone on record)", "POST", "admin:auth_user_delete", ("{writer}",),
             data=lambda n: {"post": "yes"},
             staff_without_permissions=DENIED, writers=DENIED, desk=DENIED),
    endpoint("user delete (a superuser)", "POST", "admin:auth_user_delete", ("{superuser}",),
             data=lambda n: {"post": "yes"},
             staff_without_permissions=DENIED, writers=DENIED, desk=DENIED),
    endpoint("users deactivate", "POST", "admin:auth_user_changelist",
             data=bulk("deactivate_selected", "invitee"),
             staff_without_permissions=DENIED, writers=DENIED, editor=DENIED,
             administrator=DONE, superuser=DONE),
    endpoint("users deactivate, an id out of range", "POST", "admin:auth_user_changelist",
             data=lambda n: {"action": "deactivate_selected", "_selected_action": ["9" * 25]},
             staff_without_permissions=DENIED, writers=DENIED, editor=DENIED,
             administrator=BAD_REQUEST, superuser=BAD_REQUEST),
    endpoint("users deactivate (a superuser)", "POST", "admin:auth_user_changelist",
             data=bulk("deactivate_selected", "superuser"),
             staff_without_permissions=DENIED, writers=DENIED, editor=DENIED,
             administrator=BOUNCED, superuser=BOUNCED),
    endpoint("users send a set-password link", "POST", "admin:auth_user_changelist",
             data=bulk("send_set_password_link", "invitee"),
             staff_without_permissions=DENIED, writers=DENIED, editor=DENIED,
             administrator=DONE, superuser=DONE),
    endpoint("users send a set-password link (a superuser)", "POST",
             "admin:auth_user_changelist", data=bulk("send_set_password_link", "superuser"),
             staff_without_permissions=DENIED, writers=DENIED, editor=DENIED,
             administrator=BOUNCED, superuser=DONE),
    endpoint("groups", "GET", "admin:auth_group_changelist",
             staff_without_permissions=DENIED, writers=DENIED, editor=DENIED,
             administrator=DENIED, superuser=OK),
    endpoint("group permissions change", "POST", "admin:auth_group_change", ("{writers_group}",),
             data=lambda n: {"name": "Writers",
                             "permissions": list(Permission.objects.values_list("pk", flat=True))},
             staff_without_permissions=DENIED, writers=DENIED, editor=DENIED,
             administrator=DENIED, superuser=DONE),
    endpoint("login lockouts", "GET", "admin:axes_accessattempt_changelist",
             staff_without_permissions=DENIED, writers=DENIED, editor=DENIED,
             administrator=DENIED, superuser=OK),
    # The public site: the same for everyone, signed in or not; nothing unpublished shows.
    endpoint("home", "GET", "articles:home", everyone=OK, hidden=(SECRET,)),
    endpoint("story list", "GET", "articles:list", everyone=OK, hidden=(SECRET,)),
    endpoint("story (live)", "GET", "articles:detail", ("{live.slug}",), everyone=OK,
             hidden=(SECRET,)),
    endpoint("story (draft)", "GET", "articles:detail", ("{draft.slug}",), everyone=NOT_FOUND),
    endpoint("story (scheduled)", "GET", "articles:detail", ("{scheduled.slug}",),
             everyone=NOT_FOUND),
    endpoint("search", "GET", "articles:search", query={"q": "secret"}, everyone=OK,
             hidden=(SECRET,)),
    endpoint("district page", "GET", "articles:district", ("{district.slug}",), everyone=OK,
             hidden=(SECRET,)),
    endpoint("RSS feed", "GET", "articles:feed", everyone=OK, hidden=(SECRET,)),
    endpoint("article sitemap", "GET", "sitemap-section", ("articles",), everyone=OK,
             hidden=(SECRET,)),
    endpoint("news sitemap", "GET", "sitemap-news", everyone=OK, hidden=(SECRET,)),
    endpoint("health check", "GET", "healthz", everyone=OK),
    # A forged set-password link sets nothing, for anyone.
    endpoint("set password, forged link", "POST", "password_reset_confirm",
             ("{writer_uid}", "set-password"),
             data=lambda n: {"new_password1": "river-lantern-orchid-42",
                             "new_password2": "river-lantern-orchid-42"},
             everyone=OK),
    # The open-data API: read-only, published articles only, no matter who asks.
    endpoint("API index", "GET", "articles:api_index", everyone=OK),
    endpoint("API articles", "GET", "articles:api_articles", everyone=OK, hidden=(SECRET,)),
    endpoint("API article (live)", "GET", "articles:api_article", ("{live.slug}",), everyone=OK,
             hidden=(SECRET,)),
    endpoint("API article (draft)", "GET", "articles:api_article", ("{draft.slug}",),
             everyone=NOT_FOUND),
    endpoint("API article (scheduled)", "GET", "articles:api_article", ("{scheduled.slug}",),
             everyone=NOT_FOUND),
    endpoint("API districts", "GET", "articles:api_districts", everyone=OK),
    endpoint("API sources", "GET", "articles:api_sources", everyone=OK),
    endpoint("API schema", "GET", "articles:api_schema", everyone=OK),
    endpoint("API articles, by POST", "POST", "articles:api_articles", data=lambda n: {},
             everyone=NOT_ALLOWED),
    endpoint("API article, by DELETE", "DELETE", "articles:api_article", ("{live.slug}",),
             everyone=NOT_ALLOWED),
]  # fmt: skip

MATRIX = [Row(role, item, item.answers[role]) for item in ENDPOINTS for role in ROLES]


# The newsroom every row acts on.


def build_newsroom():
    """
    A writer's articles in every state (with revisions, history and preview links), another
    writer, the desk, accounts without roles, districts, sources, settings and a banner.
    Returns names -> (model, pk) or plain values.
    """
    writer = make_user(role="writer", first_name="Wang", last_name="Fang")
    people = {
        "writer": writer,
        "other_writer": make_user(role="writer"),
        "editor": make_user(role="editor"),
        "administrator": make_user(role="administrator"),
        "superuser": make_superuser(),
        "reader_account": make_user(),
        "staff_without_permissions": make_user(is_staff=True),
        "invitee": make_user(role="writer", first_name="Not", last_name="Started"),
    }
    district, source = make_district(slug="hexi"), make_source(slug="tianjin-daily")

    def article(name, marker=SECRET, **fields):
        return make_article(
            title=f"Story {marker}{name}", slug=f"{marker}{name.replace('_', '-')}",
            summary=f"Summary {marker}{name}.", body=f"<p>Body {marker}{name}.</p>",
            author=writer, source=source, districts=[district], **fields,
        )  # fmt: skip

    now = timezone.now()
    articles = {
        "draft": article("draft", status=Status.DRAFT),
        "in_review": article("in_review", status=Status.IN_REVIEW),
        "scheduled": article("scheduled", published_at=now + timedelta(days=1)),
        "live": article("live", "public-"),
        "urgent": article("urgent", "public-", urgent_unconfirmed=True),
        "withdrawn": article("withdrawn", "public-", status=Status.WITHDRAWN),
    }
    # Revisions 1 and 2 of the draft; revision 1 of the article in review.
    draft = articles["draft"]
    before = revisions.snapshot(draft)
    draft.title = "Story secret-draft, second version"
    draft.save()
    revisions.record_saved_edit(draft, writer, before)
    revisions.ensure_baseline(articles["in_review"], revisions.snapshot(articles["in_review"]))
    make_pending_changes(
        articles["live"], by=writer, title="Story secret-pending", body="<p>secret-pending</p>"
    )
    ArticleEvent.objects.create(
        article=articles["urgent"], actor=make_user(role="editor"),
        action=ArticleEvent.Action.PUBLISHED_URGENTLY, from_status=Status.IN_REVIEW,
        to_status=Status.PUBLISHED, comment="Could not wait.",
    )  # fmt: skip
    writer_link, writer_token = ShareLink.create(draft, writer)
    editor_link, _ = ShareLink.create(draft, people["editor"])
    SiteSettings(site_name="Hexi Updates").save()
    banner = AlertBanner.objects.create(message="Roads closed", starts_at=now - timedelta(hours=1))
    objects = {
        **people, **articles, "district": district, "source": source,
        "spare_source": make_source(), "writer_link": writer_link, "editor_link": editor_link,
        "draft_event": draft.events.first(), "settings": SiteSettings.objects.get(),
        "banner": banner, "writers_group": Group.objects.get(name="Writers"),
    }  # fmt: skip
    names = {name: (type(obj), obj.pk) for name, obj in objects.items()}
    return {**names, "writer_token": writer_token,
            "writer_uid": urlsafe_base64_encode(force_bytes(writer.pk)),
            "article_type": ContentType.objects.get_for_model(Article).pk,
            "district_type": ContentType.objects.get_for_model(District).pk}  # fmt: skip


@pytest.fixture(scope="module")
def newsroom_ids(django_db_setup, django_db_blocker, tmp_path_factory):
    """
    The newsroom, made once for the module, with what it holds: each test's own transaction
    rolls back inside this one, so every test starts from exactly this content.
    """
    with django_db_blocker.unblock(), transaction.atomic():
        ids = build_newsroom()
        # Everyone signs in once, here: each test sends the session cookie.
        sessions = {}
        for role in ROLES[1:]:
            client = Client()
            client.force_login(ids[role][0].objects.get(pk=ids[role][1]))
            sessions[role] = client.cookies[django_settings.SESSION_COOKIE_NAME].value
        mail.outbox.clear()
        empty_media = tmp_path_factory.mktemp("no-media")
        yield {**ids, "sessions": sessions, "content at start": content(empty_media),
               "traces at start": traces()}  # fmt: skip
        transaction.set_rollback(True)


class Newsroom:
    """The newsroom's objects by name, fetched fresh from the database in each test."""

    def __init__(self, ids):
        self.ids, self.cache = ids, {}
        self.content_at_start = ids["content at start"]
        self.traces_at_start = ids["traces at start"]

    def __getitem__(self, name):
        value = self.ids[name]
        if not isinstance(value, tuple):
            return value
        if name not in self.cache:
            model, pk = value
            self.cache[name] = model.objects.get(pk=pk)
        return self.cache[name]

    def resolve(self, arg):
        """``{name}``: the object's pk (or the plain value); ``{name.attr}``: its attribute."""
        if not (arg.startswith("{") and arg.endswith("}")):
            return arg
        name, _, attr = arg[1:-1].partition(".")
        if attr:
            return getattr(self[name], attr)
        value = self.ids[name]
        return value[1] if isinstance(value, tuple) else value


@pytest.fixture
def newsroom(newsroom_ids, db):
    return Newsroom(newsroom_ids)


# What a request could change, by table (plain SQL: this runs once or twice a test).
CONTENT_TABLES = [
    Article, Article.districts.through, Revision, ArticleEvent, ChangeNote, SlugRedirect,
    ShareLink, District, Source, SiteSettings, AlertBanner, User, User.groups.through,
    User.user_permissions.through, Group, Group.permissions.through, LogEntry,
]  # fmt: skip
# Columns that reading changes: signing in, opening a preview link.
READ_TRACES = {"last_login", "open_count", "last_opened_at"}
TRACE_TABLES = [EditingPresence, ShareLinkOpen]


def table_rows(model, leave_out=()):
    table, pk = model._meta.db_table, model._meta.pk.column
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {table} ORDER BY {pk}")  # noqa: S608
        names = [column[0] for column in cursor.description]
        return [
            {name: value for name, value in zip(names, row, strict=True) if name not in leave_out}
            for row in cursor.fetchall()
        ]


def content(media_root):
    """Everything a request could change, to prove a refused one changed nothing."""
    files = sorted(str(p.relative_to(media_root)) for p in media_root.rglob("*"))
    return {
        **{model._meta.db_table: table_rows(model, READ_TRACES) for model in CONTENT_TABLES},
        "media files": files,
        "emails": [(message.subject, message.to) for message in mail.outbox],
    }


def traces():
    """What reading leaves behind: who has an article open, preview link openings."""
    return {
        **{model._meta.db_table: table_rows(model) for model in TRACE_TABLES},
        "link openings": [row["open_count"] for row in table_rows(ShareLink)],
    }


def url_of(item, newsroom):
    url = reverse(item.url, args=[newsroom.resolve(arg) for arg in item.args])
    if item.query:
        url = f"{url}?{urlencode(item.query)}"
    return url


def client_for(role, newsroom, **options):
    """A browser signed in as ``role`` (with the session made for the newsroom)."""
    client = Client(**options)
    if role != "anonymous":
        client.cookies[django_settings.SESSION_COOKIE_NAME] = newsroom["sessions"][role]
    return client


def send(client, method, url, data):
    if method == "GET":
        return client.get(url)
    if method == "DELETE":
        return client.delete(url)
    return client.post(url, data)


@pytest.mark.parametrize("row", MATRIX, ids=lambda row: row.id)
def test_access_matrix(row, newsroom, settings, media_storage):
    """Each role gets exactly what its row says; a refused request changes nothing."""
    item, expected = row.endpoint, row.expected
    for name, value in item.settings.items():
        setattr(settings, name, value)
    client = client_for(row.role, newsroom)
    url = url_of(item, newsroom)
    response = send(client, item.method, url, item.data(newsroom) if item.data else {})

    assert response.status_code == expected.status, (url, response.status_code)
    location = response.get("Location", "")
    assert location.startswith(reverse("admin:login")) == expected.login, location
    before, after = newsroom.content_at_start, content(media_storage)
    if expected.changes:
        assert after != before, f"{url} answered {response.status_code} but changed nothing"
    else:
        changed = [part for part in before if before[part] != after[part]]
        assert not changed, f"{row.role} changed {changed} with {item.method} {url}"
    if expected.refused:
        assert traces() == newsroom.traces_at_start, f"{row.role} left traces at {url}"
    # What the answer shows, beyond the address that was asked for.
    body = "" if response.streaming else response.content.decode().replace(url, "URL")
    if row.role not in SEES_EVERY_ARTICLE and not item.link_holder_sees_draft:
        assert SECRET not in body, f"{url} shows unpublished text to {row.role}"
    for text in item.hidden:
        assert text not in body, f"{url} shows {text!r} to {row.role}"


def test_every_page_and_action_is_in_the_matrix():
    """
    A new admin page or action for articles, districts, sources, history, settings, banners
    or users, and a new preview, upload or API address, needs rows above.
    """
    resolver = get_resolver()
    admin_names = resolver.namespace_dict["admin"][1].reverse_dict
    app_names = resolver.namespace_dict["articles"][1].reverse_dict
    names = (
        {f"admin:{name}" for name in admin_names if isinstance(name, str)
         and name.startswith(("articles_", "auth_user_"))}
        | {f"articles:{name}" for name in app_names if isinstance(name, str)
           and name.startswith(("api_", "share_preview"))}
        | {name for name in resolver.reverse_dict if isinstance(name, str)
           and name.startswith("editor_image_")}
        | {"admin:view_on_site"}
    )  # fmt: skip
    assert len(names) > 50
    assert names - {item.url for item in ENDPOINTS} == set()


# Object-level checks: guessing another writer's article ids.

GUESSES = [
    ("GET", "admin:articles_article_change", ("{draft}",), None),
    ("POST", "admin:articles_article_change", ("{draft}",),
     on("draft", lambda n, a: article_form(n, a, title="Taken over"))),
    ("GET", "admin:articles_article_history", ("{draft}",), None),
    ("GET", "admin:articles_article_preview", ("{draft}",), None),
    ("GET", "admin:articles_article_revisions", ("{draft}",), None),
    ("GET", "admin:articles_article_compare", ("{draft}",), None),
    ("POST", "admin:articles_article_restore", ("{draft}", "1"),
     on("draft", lambda n, a: {"token": a.workflow_token()})),
    ("POST", "admin:articles_article_share", ("{draft}",), lambda n: {"days": "30"}),
    ("POST", "admin:articles_article_revoke_share", ("{draft}", "{writer_link}"), None),
    ("GET", "admin:articles_article_workflow", ("{draft}", "submit"), None),
    ("GET", "admin:view_on_site", ("{article_type}", "{draft}"), None),
    ("POST", "admin:articles_article_workflow", ("{draft}", "submit"),
     on("draft", transition("submit"))),
]  # fmt: skip


@pytest.mark.parametrize("role", ["other_writer", "staff_without_permissions"])
@pytest.mark.parametrize(
    "method, url_name, args, data", GUESSES, ids=[f"{g[0]}-{g[1]}" for g in GUESSES]
)
def test_another_writers_article_answers_like_one_that_does_not_exist(
    role, method, url_name, args, data, newsroom, media_storage
):
    """
    Someone who tries another writer's article id gets exactly what a made-up id gets: no
    title, no status, no hint that it exists, and nothing changes.
    """
    client = client_for(role, newsroom)
    missing_id = Article.objects.order_by("-pk").first().pk + 1000
    real = reverse(url_name, args=[newsroom.resolve(arg) for arg in args])
    missing = reverse(url_name, args=[missing_id if arg == "{draft}" else newsroom.resolve(arg)
                                      for arg in args])  # fmt: skip
    payload = data(newsroom) if data else {}
    answers = [send(client, method, url, payload) for url in (real, missing)]
    assert content(media_storage) == newsroom.content_at_start
    assert traces() == newsroom.traces_at_start
    assert answers[0].status_code == answers[1].status_code
    assert answers[0].status_code in {302, 403, 404}
    assert answers[0].get("Location") == answers[1].get("Location")
    bodies = [
        a.content.decode().replace(url, "URL")
        for a, url in zip(answers, [real, missing], strict=True)
    ]
    assert bodies[0] == bodies[1]
    assert SECRET not in bodies[0]


def test_a_deactivated_account_loses_access_at_once(newsroom, media_storage):
    """An editor deactivated while signed in is a stranger on their next request."""
    User.objects.filter(pk=newsroom["editor"].pk).update(is_active=False)
    client = client_for("editor", newsroom)
    n = newsroom
    requests = [
        ("GET", reverse("admin:index"), None, LOGIN),
        ("GET", reverse("admin:articles_article_change", args=[n["draft"].pk]), None, LOGIN),
        ("POST", reverse("admin:articles_article_workflow", args=[n["in_review"].pk, "approve"]),
         transition("approve")(n, n["in_review"]), LOGIN),
        ("GET", reverse("admin:articles_article_preview", args=[n["draft"].pk]), None, NOT_FOUND),
        ("POST", reverse("editor_image_upload"), image(n), DENIED),
    ]  # fmt: skip
    start = content(media_storage)
    for method, url, data, expected in requests:
        response = send(client, method, url, data or {})
        assert response.status_code == expected.status, url
        assert response.get("Location", "").startswith(reverse("admin:login")) == expected.login
        assert SECRET not in response.content.decode()
    assert content(media_storage) == start


# Preview links that do not open reveal nothing.


def broken_tokens(newsroom):
    """A preview link in each state that must not open, as (kind -> token)."""
    token = newsroom["writer_token"]
    revoked_link, revoked = ShareLink.create(newsroom["draft"], newsroom["writer"])
    ShareLink.objects.filter(pk=revoked_link.pk).update(revoked_at=timezone.now())
    expired_link, expired = ShareLink.create(newsroom["draft"], newsroom["writer"])
    ShareLink.objects.filter(pk=expired_link.pk).update(
        expires_at=timezone.now() - timedelta(seconds=1)
    )
    _, removed = ShareLink.create(newsroom["withdrawn"], newsroom["editor"])
    Article.objects.filter(pk=newsroom["withdrawn"].pk).update(status=Status.REMOVED)
    tampered = token[:-1] + ("A" if token[-1] != "A" else "B")
    return {
        "unknown": secrets.token_urlsafe(32),
        "tampered": tampered,
        "truncated": token[:-1],
        "extended": token + "A",
        "revoked": revoked,
        "expired": expired,
        "to a removed article": removed,
        "too long": token * 4,
        "the stored hash": ShareLink.hash_token(token),
    }


@pytest.mark.parametrize("role", ["anonymous", "writer", "editor"])
def test_preview_links_that_do_not_open_reveal_nothing(role, newsroom, media_storage):
    """
    Unknown, tampered, revoked and expired links, links to a removed article and the stored
    hash all answer the same 404 page, without the article's title or text, and are not
    logged as openings.
    """
    tokens = broken_tokens(newsroom)
    client = client_for(role, newsroom)
    before, traces_before = content(media_storage), traces()
    pages = {}
    for kind, token in tokens.items():
        response = client.get(reverse("articles:share_preview", args=[token]))
        assert response.status_code == 404, kind
        pages[kind] = response.content.decode().replace(token, "TOKEN")
        assert SECRET not in pages[kind], kind
    assert content(media_storage) == before and traces() == traces_before
    assert {kind for kind, page in pages.items() if page != pages["unknown"]} == set()
    # The good link still opens, and shows the draft.
    good = client.get(reverse("articles:share_preview", args=[newsroom["writer_token"]]))
    assert good.status_code == 200 and "secret-draft" in good.content.decode()


@pytest.mark.parametrize("role", ["anonymous", "staff_without_permissions", "other_writer"])
def test_admin_previews_answer_404_for_any_id_they_may_not_see(role, newsroom):
    """The admin preview answers a made-up id, a non-number and a real one alike."""
    client = client_for(role, newsroom)
    pages = []
    for object_id in [newsroom["draft"].pk, newsroom["live"].pk, 999999, "x"]:
        url = reverse("admin:articles_article_preview", args=[object_id])
        response = client.get(url)
        assert response.status_code == 404
        pages.append(response.content.decode().replace(url, "URL"))
        assert SECRET not in pages[-1]
    assert all(page == pages[0] for page in pages)


def test_the_upload_button_posts_to_the_checked_upload_view(newsroom):
    """
    Every way the editor uploads (the image dialog, pasting, dropping, the "Upload image"
    button, which reads the same ``imageUploadUrl``) posts to editor_image_upload, whose
    rows are above.
    """
    page = client_for("writer", newsroom).get(reverse("admin:articles_article_add"))
    found = re.search(r'data-config="([^"]*)"', page.content.decode())
    config = json.loads(html.unescape(found.group(1)))
    upload_urls = {key: url for key, url in config.items() if key.lower().endswith("uploadurl")}
    assert "imageUploadUrl" in upload_urls and "newsroomupload" in config["extraPlugins"]
    assert set(upload_urls.values()) == {reverse("editor_image_upload")}


WORKFLOW_FIELDS = ["status", "author_id", "published_at", "public_updated_at",
                   "urgent_unconfirmed", "withdrawn_at", "pending_status", "pending_revision_id"]  # fmt: skip


@pytest.mark.parametrize("article", ["draft", "live"])
def test_a_writer_cannot_publish_or_reassign_through_the_article_form(article, newsroom):
    """
    Workflow fields typed into the article form are ignored: the content is saved, the status,
    times, author and pending state change only through the workflow.
    """
    client = client_for("writer", newsroom)
    story = newsroom[article]
    before = Article.objects.filter(pk=story.pk).values(*WORKFLOW_FIELDS).get()
    forged = {
        "status": "published", "author": newsroom["editor"].pk, "urgent_unconfirmed": "on",
        "published_at_0": "2020-01-01", "published_at_1": "08:00:00",
        "withdrawn_at_0": "2020-01-01", "withdrawn_at_1": "08:00:00",
        "pending_status": "scheduled", "pending_revision": "",
    }  # fmt: skip
    response = client.post(
        reverse("admin:articles_article_change", args=[story.pk]),
        article_form(newsroom, story, title="Retitled by the writer", **forged),
    )
    assert response.status_code == 302
    assert revisions.draft_snapshot(story.pk)["title"] == "Retitled by the writer"
    after = Article.objects.filter(pk=story.pk).values(*WORKFLOW_FIELDS).get()
    if article == "live":  # the edit became the pending draft, still a draft
        assert after.pop("pending_revision_id") != before.pop("pending_revision_id")
    assert after == before
    added = client.post(reverse("admin:articles_article_add"), article_form(newsroom, **forged))
    assert added.status_code == 302
    new = Article.objects.order_by("-pk").values(*WORKFLOW_FIELDS).first()
    assert new["status"] == Status.DRAFT and new["author_id"] == newsroom["writer"].pk
    assert not new["urgent_unconfirmed"] and new["published_at"] is None


def test_forged_posts_without_a_csrf_token_are_refused(newsroom, media_storage):
    """A cross-site POST carrying a signed-in cookie but no CSRF token is refused: 403."""
    posts = [
        ("superuser", "admin:articles_article_add", (), article_form),
        ("superuser", "admin:articles_article_delete", ("{draft}",), lambda n: {"post": "yes"}),
        ("editor", "admin:articles_article_workflow", ("{in_review}", "approve"),
         on("in_review", transition("approve"))),
        ("writer", "admin:articles_article_restore", ("{draft}", "1"),
         on("draft", lambda n, a: {"token": a.workflow_token()})),
        ("writer", "admin:articles_article_share", ("{draft}",), lambda n: {"days": "7"}),
        ("writer", "admin:articles_article_revoke_share", ("{draft}", "{writer_link}"),
         lambda n: {}),
        ("writer", "editor_image_upload", (), image),
        ("administrator", "admin:auth_user_add", (),
         lambda n: {"first_name": "In", "email": "in@example.invalid", "role": "editor"}),
        ("superuser", "admin:logout", (), lambda n: {}),
    ]  # fmt: skip
    before = content(media_storage)
    for role, url_name, args, data in posts:
        client = client_for(role, newsroom, enforce_csrf_checks=True)
        url = url_of(Endpoint("forged", "POST", url_name, args), newsroom)
        response = client.post(url, data(newsroom))
        assert response.status_code == 403, url
        assert content(media_storage) == before, url
