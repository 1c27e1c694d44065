"""Plain builders for test data. Each takes keyword overrides."""

import itertools
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.utils import timezone

from articles.models import Article, District, Source

_seq = itertools.count(1)


def make_user(**overrides):
    n = next(_seq)
    fields = {"username": f"user{n}", "email": f"user{n}@example.invalid"}
    fields.update(overrides)
    password = fields.pop("password", "correct-horse-battery-staple")
    return get_user_model().objects.create_user(password=password, **fields)


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
    if "published_at" not in fields and fields["status"] == Article.Status.PUBLISHED:
        fields["published_at"] = timezone.now() - timedelta(hours=1)
    article = Article.objects.create(**fields)
    if districts:
        article.districts.set(districts)
    return article


def article_admin_form(article, **changes):
    """The admin change form's POST data for ``article``, with ``changes`` applied."""
    values = {
        "title": article.title,
        "slug": article.slug,
        "summary": article.summary,
        "body": article.body,
        "districts": [district.pk for district in article.districts.all()],
        "source": article.source_id,
        "source_url": article.source_url,
        "status": article.status,
        "published_at": article.published_at,
        "public_updated_at": article.public_updated_at,
    }
    values.update(changes)
    data = {k: v for k, v in values.items() if k not in ("published_at", "public_updated_at")}
    for name in ("published_at", "public_updated_at"):
        moment = values[name] and timezone.localtime(values[name])
        data[f"{name}_0"] = moment.strftime("%Y-%m-%d") if moment else ""
        data[f"{name}_1"] = moment.strftime("%H:%M:%S") if moment else ""
    return data
