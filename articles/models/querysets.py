"""
How stories are asked for: ``ArticleQuerySet``, whose ``published()`` is the only definition of
"the public may see this", and the staff-facing and listing queries built beside it.

Every public path (views, feeds, sitemaps, search, the API, template tags) starts from
``Article.objects.published()``; staff queries have their own names (``visible_to(user)``,
``awaiting_review()``), so a reader sees which audience a view serves.
"""

from datetime import datetime

from django.db import models
from django.db.models import Q
from django.utils import timezone

from articles.search.index import rebuild_search_vectors
from articles.search.query import search_queryset
from richtext.sanitize import sanitize_html

from .base import ContentQuerySet, bulk_written
from .taxonomy import District

# Stories that lead the home page: the featured ones, topped up with the newest.
FEATURED_SLOTS = 3


class ArticleQuerySet(ContentQuerySet):
    # Bulk writes skip Article.save(), so they sanitise bodies themselves: no write path
    # stores HTML that has not been through the allow-list.
    def update(self, **kwargs):
        if isinstance(kwargs.get("body"), str):
            kwargs["body"] = sanitize_html(kwargs["body"])
        return super().update(**kwargs)

    def bulk_create(self, objs, *args, **kwargs):
        objs = list(objs)
        for obj in objs:
            obj.body = sanitize_html(obj.body)
        return super().bulk_create(objs, *args, **kwargs)

    def bulk_update(self, objs, fields, *args, **kwargs):
        objs = list(objs)
        if "body" in fields:
            for obj in objs:
                obj.body = sanitize_html(obj.body)
        return super().bulk_update(objs, fields, *args, **kwargs)

    def published(self):
        """
        What the public may see: status published and a publication time that has come.

        The only definition of "public". A future ``published_at`` means scheduled, decided
        here at query time, so no job has to run when the time arrives.
        """
        return self.filter(status=self.model.Status.PUBLISHED, published_at__lte=timezone.now())

    def scheduled(self):
        """Approved for publication at a time still in the future."""
        return self.filter(status=self.model.Status.PUBLISHED, published_at__gt=timezone.now())

    def on_public_record(self):
        """
        What answers at its public URL: ``published()`` plus withdrawn articles, which keep
        their page with a withdrawal notice.

        Only the detail page uses this. Lists, feeds, the sitemap and search start from
        ``published()``, so a withdrawn article leaves them.
        """
        return self.filter(
            Q(status=self.model.Status.PUBLISHED) | Q(status=self.model.Status.WITHDRAWN),
            published_at__lte=timezone.now(),
        )

    def removed(self):
        """Taken down after publication: the URL answers 410 Gone or redirects."""
        return self.filter(status=self.model.Status.REMOVED)

    def visible_to(self, user):
        """The articles a staff member may open in the admin: every one for editors, own for writers."""
        if user.has_perm("articles.edit_any_article") and user.has_perm("articles.view_article"):
            return self.all()
        if user.has_perm("articles.view_article"):
            return self.filter(author=user)
        return self.none()

    def awaiting_review(self):
        """New articles in review, and changes to live articles in review."""
        return self.filter(
            Q(status=self.model.Status.IN_REVIEW)
            | Q(pending_status=self.model.PendingStatus.IN_REVIEW)
        )

    def with_pending_changes(self):
        """Live articles with an edit that readers do not see yet (articles/editorial/revisions.py)."""
        return self.filter(pending_revision__isnull=False)

    def due_changes(self, now=None):
        """Approved changes to live articles whose go-live time has come but are not applied."""
        return self.filter(
            pending_status=self.model.PendingStatus.SCHEDULED,
            pending_go_live_at__lte=now or timezone.now(),
        )

    def next_go_live(self):
        """The publication time of the next scheduled story, or None: a clock of public content."""
        return (
            self.scheduled().order_by("published_at").values_list("published_at", flat=True).first()
        )

    def next_due_change(self):
        """The earliest go-live time of an approved, scheduled change, or None."""
        return (
            self.filter(pending_status=self.model.PendingStatus.SCHEDULED)
            .order_by("pending_go_live_at")
            .values_list("pending_go_live_at", flat=True)
            .first()
        )

    def urgent_unconfirmed(self):
        """Published urgently, without a second person, and not yet confirmed by another editor."""
        return self.filter(status=self.model.Status.PUBLISHED, urgent_unconfirmed=True)

    def newest_first(self):
        return self.order_by("-published_at", "-id")

    def search(self, query):
        """
        Articles matching the reader's ``query``, best match first (``articles/search/``);
        on PostgreSQL, the newest ``MAX_RESULTS`` + 1 matches only, ranked.

        Narrows whatever it is called on: public search starts from ``published()``.
        """
        return search_queryset(self, query)

    def rebuild_search_vectors(self, batch_size=500):
        """
        Recompute the search vector of every row (PostgreSQL; rows written without ``save()``,
        as a raw import does), and say that content changed, so no memoised search result
        outlives the old vectors. Returns how many rows were written.
        """
        done = rebuild_search_vectors(self, batch_size=batch_size)
        if done:
            bulk_written.send(sender=self.model, fields=frozenset({"search_vector"}))
        return done

    def in_month(self, year, month=None):
        """Published in ``year`` (and ``month``) of the site's time zone: an index-friendly range."""
        start = timezone.make_aware(datetime(year, month or 1, 1))
        if month is None or month == 12:
            end = timezone.make_aware(datetime(year + 1, 1, 1))
        else:
            end = timezone.make_aware(datetime(year, month + 1, 1))
        return self.filter(published_at__gte=start, published_at__lt=end)

    def front_page(self, latest=10):
        """
        The home page's stories as ``(featured, latest)``, in three queries.

        ``featured`` holds up to ``FEATURED_SLOTS`` stories marked featured, newest first,
        topped up with the newest unmarked ones; ``latest`` holds the next ``latest`` newest
        stories that are not in ``featured``.
        """
        stories = self.for_listing().prefetch_related(None)
        marked = list(stories.filter(featured=True)[:FEATURED_SLOTS])
        newest = list(stories[: FEATURED_SLOTS + latest])
        marked_ids = {article.pk for article in marked}
        rest = [article for article in newest if article.pk not in marked_ids]
        fill = FEATURED_SLOTS - len(marked)
        featured, others = marked + rest[:fill], rest[fill:][:latest]
        models.prefetch_related_objects(featured + others, districts_prefetch())
        return featured, others

    def for_listing(self):
        """Published, newest first, with what a story card shows loaded in fixed queries."""
        return (
            self.published().newest_first().select_related("source").with_districts().defer("body")
        )

    def with_districts(self):
        """Each article's ``district_list`` loaded for the whole result in one query."""
        return self.prefetch_related(districts_prefetch())


def districts_prefetch():
    # Into a plain list (to_attr): Django's default prefetch builds a related manager and a
    # filtered queryset per article to hold the same rows, which cost more than the query.
    return models.Prefetch(
        "districts", queryset=District.objects.order_by("name"), to_attr="_prefetched_districts"
    )


class ArticleManager(models.Manager.from_queryset(ArticleQuerySet)):
    def get_queryset(self):
        # The search vector is read by the database only: never loaded into Python by default.
        return super().get_queryset().defer("search_vector")
