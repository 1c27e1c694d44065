from datetime import timedelta

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse, set_script_prefix
from django.utils import timezone

from articles.models import Article, story_url
from tests.factories import make_article

pytestmark = pytest.mark.django_db

PAST = timedelta(hours=-1)
FUTURE = timedelta(hours=1)

# (status, offset of published_at from now or None, visible to the public?)
VISIBILITY = [
    (Article.Status.DRAFT, None, False),
    (Article.Status.DRAFT, PAST, False),
    (Article.Status.IN_REVIEW, None, False),
    (Article.Status.IN_REVIEW, PAST, False),
    (Article.Status.PUBLISHED, PAST, True),
    (Article.Status.PUBLISHED, FUTURE, False),
    (Article.Status.WITHDRAWN, PAST, False),
    (Article.Status.REMOVED, PAST, False),
]


@pytest.mark.parametrize(("status", "offset", "visible"), VISIBILITY)
def test_published_visibility_matrix(status, offset, visible):
    """published() and is_published() agree on every status and publication time."""
    published_at = None if offset is None else timezone.now() + offset
    article = make_article(status=status, published_at=published_at)
    assert Article.objects.published().filter(pk=article.pk).exists() is visible
    assert article.is_published() is visible


def test_scheduled_article_becomes_public_at_its_time():
    """A scheduled article is hidden until its time, then public without anything running."""
    article = make_article(published_at=timezone.now() + timedelta(seconds=30))
    assert article.is_scheduled()
    assert not Article.objects.published().filter(pk=article.pk).exists()
    assert Article.objects.scheduled().filter(pk=article.pk).exists()
    # Only the clock decides: once the time has passed, the same row is public.
    Article.objects.filter(pk=article.pk).update(published_at=timezone.now() - timedelta(seconds=1))
    assert Article.objects.published().filter(pk=article.pk).exists()


def test_published_without_time_is_refused_by_the_database():
    """The database forbids a published article without a publication time."""
    article = make_article(status=Article.Status.DRAFT)
    with pytest.raises(IntegrityError), transaction.atomic():
        Article.objects.filter(pk=article.pk).update(status=Article.Status.PUBLISHED)


def test_unknown_status_is_refused_by_the_database():
    """Choices alone do not constrain data: the check constraint does."""
    article = make_article(status=Article.Status.DRAFT)
    with pytest.raises(IntegrityError), transaction.atomic():
        Article.objects.filter(pk=article.pk).update(status="live")


def test_slug_is_made_from_title_and_kept_unique():
    """A blank slug comes from the title; a clash gets a numbered suffix."""
    first = make_article(title="Wuqing draws investment")
    second = make_article(title="Wuqing draws investment")
    assert first.slug == "wuqing-draws-investment"
    assert second.slug == "wuqing-draws-investment-2"


def test_chinese_title_gets_a_readable_slug():
    """Chinese titles keep their characters in the slug."""
    article = make_article(title="武清区 吸引京津投资")
    assert article.slug == "武清区-吸引京津投资"
    assert (
        article.get_absolute_url()
        == "/articles/%E6%AD%A6%E6%B8%85%E5%8C%BA-%E5%90%B8%E5%BC%95%E4%BA%AC%E6%B4%A5%E6%8A%95%E8%B5%84/"
    )


def test_title_without_slug_characters_still_gets_a_slug():
    article = make_article(title="!!!")
    assert article.slug == "story"


def test_public_update_time_defaults_to_publication_time():
    """The "Updated:" date starts as the first publication time."""
    article = make_article()
    assert article.public_updated_at == article.published_at
    assert article.updated_on == article.published_at


def test_body_is_sanitised_on_save():
    """Script stored through any save() is gone before it reaches the database."""
    article = make_article(body='<p onclick="x()">Hi<script>alert(1)</script></p>')
    article.refresh_from_db()
    assert article.body == "<p>Hi</p>"


def test_string_and_urls():
    article = make_article(title="Heating season begins")
    assert str(article) == "Heating season begins"
    assert article.get_absolute_url() == f"/articles/{article.slug}/"
    district = article.source
    assert str(district) == district.name


@pytest.mark.parametrize(
    "slug", ["harbour-reopens", "武清区-新闻", "road_works-2", "Ünïcödé-straße"]
)
@pytest.mark.parametrize("prefix", ["/", "/newsroom/"])
def test_story_url_is_what_reverse_gives(slug, prefix):
    """The story address built from one reverse() equals reverse() itself, under any prefix."""
    set_script_prefix(prefix)
    try:
        assert story_url(slug) == reverse("articles:detail", kwargs={"slug": slug})
        assert story_url(slug).startswith(prefix)
    finally:
        set_script_prefix("/")
