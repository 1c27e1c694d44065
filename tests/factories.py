"""Plain builders for test data. Each takes keyword overrides."""

import itertools
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.utils import timezone

from articles import roles
from articles.models import Article, District, Source

_seq = itertools.count(1)


def make_user(role=None, **overrides):
    """A user; with ``role`` ("writer", "editor", "administrator"), a staff member in that group."""
    n = next(_seq)
    fields = {"username": f"{role or 'user'}{n}", "email": f"{role or 'user'}{n}@example.invalid"}
    fields.update(overrides)
    password = fields.pop("password", "correct-horse-battery-staple")
    user = get_user_model().objects.create_user(password=password, **fields)
    if role:
        roles.assign_role(user, role)
    return user


def make_superuser(**overrides):
    return make_user(is_staff=True, is_superuser=True, **overrides)


def make_district(**overrides):
    n = next(_seq)
    fields = {"name": f"District {n}", "slug": f"district-{n}"}
    fields.update(overrides)
    return District.objects.create(**fields)


def make_source(**overrides):
    n = next(_seq)
    fields = {"name": f"Source {n}", "slug": f"source-{n}"}
    fields.update(overrides)
    return Source.objects.create(**fields)


def make_article(districts=(), **overrides):
    """A published article (an hour old) unless ``status``/``published_at`` say otherwise."""
    n = next(_seq)
    fields = {
        "title": f"Story number {n}",
        "summary": f"Summary of story {n}.",
        "body": f"<p>Body of story {n}.</p>",
        "status": Article.Status.PUBLISHED,
    }
    fields.update(overrides)
    if "source" not in fields:
        fields["source"] = make_source()
    if "author" not in fields:
        fields["author"] = make_user()
    if "published_at" not in fields and fields["status"] in {
        Article.Status.PUBLISHED,
        Article.Status.WITHDRAWN,
        Article.Status.REMOVED,
    }:
        fields["published_at"] = timezone.now() - timedelta(hours=1)
    if fields["status"] == Article.Status.WITHDRAWN:
        fields.setdefault("withdrawn_at", timezone.now() - timedelta(minutes=5))
        fields.setdefault("withdrawal_explanation", "Superseded by a newer announcement.")
    article = Article.objects.create(**fields)
    if districts:
        article.districts.set(districts)
    return article
