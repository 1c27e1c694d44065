"""
The article form: the address follows the title until first publication, a title too long
is refused rather than cut, and a story one may not edit shows its body as readers see it.
"""

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from articles.models import Article, Revision, slug_from_title
from tests.factories import article_admin_form, make_article, make_superuser, make_user
from tests.htmlcheck import parse

pytestmark = pytest.mark.django_db

Status = Article.Status


@pytest.fixture
def editor(client):
    person = make_superuser()
    client.force_login(person)
    return person


def add(client, **fields):
    article = make_article(status=Status.DRAFT)  # only for its source
    data = article_admin_form(article, **fields)
    del data["version"]
    response = client.post("/admin/articles/article/add/", data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    return Article.objects.order_by("-pk").first()


def save(client, article, **changes):
    article.refresh_from_db()
    response = client.post(
        f"/admin/articles/article/{article.pk}/change/", article_admin_form(article, **changes)
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    article.refresh_from_db()
    return article


def slug_input(client, article=None):
    url = (
        f"/admin/articles/article/{article.pk}/change/"
        if article
        else "/admin/articles/article/add/"
    )
    document = parse(client.get(url).content)
    return next(i for i in document.iter("input") if i.get("name") == "slug")


# The address follows the title until the story is first published.


def test_a_drafts_address_follows_its_title_even_without_script(client, editor):
    """The slug made from the old title, sent back untouched, is made again from the new one."""
    article = add(client, title="Hexi opens a greenway", slug="")
    assert article.slug == "hexi-opens-a-greenway"
    article = save(client, article, title="Hexi opens a riverside greenway")
    assert article.slug == "hexi-opens-a-riverside-greenway"


def test_a_drafts_address_follows_its_title_as_the_script_fills_it_in(client, editor):
    """The form's script sends what the title makes: the server takes it, numbered if taken."""
    make_article(slug="hexi-opens-a-riverside-greenway")
    article = add(client, title="Hexi opens a greenway", slug="hexi-opens-a-greenway")
    article = save(
        client,
        article,
        title="Hexi opens a riverside greenway",
        slug=slug_from_title("Hexi opens a riverside greenway"),
    )
    assert article.slug == "hexi-opens-a-riverside-greenway-2"


def test_an_address_someone_chose_is_kept(client, editor):
    """A slug typed by hand stays when the title changes."""
    article = add(client, title="Hexi opens a greenway", slug="hexi-greenway")
    article = save(client, article, title="Hexi opens a riverside greenway")
    assert article.slug == "hexi-greenway"
    assert "data-follows-title" not in slug_input(client, article).attrib


def test_a_published_storys_address_is_kept(client, editor):
    """Once published, a new title changes nothing in the address: readers have links to it."""
    for published_at in [timezone.now() - timedelta(hours=1), timezone.now() + timedelta(days=1)]:
        article = make_article(title="Hexi opens a greenway", published_at=published_at)
        slug = article.slug
        save(client, article, title="Hexi opens a riverside greenway")
        assert article.slug == slug
        assert article.pending_revision.snapshot["slug"] == slug
        assert "data-follows-title" not in slug_input(client, article).attrib


def test_an_unscheduled_story_follows_its_title_again(client, editor):
    """Unscheduled, it was never public: its address may follow its title again."""
    from articles import editorial

    article = make_article(
        title="Hexi opens a greenway", published_at=timezone.now() + timedelta(1)
    )
    editorial.unschedule(article, by=editor)
    article = save(client, article, title="Hexi opens a riverside greenway")
    assert article.slug == "hexi-opens-a-riverside-greenway"


def test_saving_a_numbered_draft_unchanged_changes_nothing(client, editor):
    """A draft at "…-2" keeps it: no new address, no new revision."""
    make_article(slug="hexi-opens-a-greenway")
    article = add(client, title="Hexi opens a greenway", slug="")
    assert article.slug == "hexi-opens-a-greenway-2"
    revisions = Revision.objects.filter(article=article).count()
    article = save(client, article, slug="hexi-opens-a-greenway")  # as the script fills it in
    assert article.slug == "hexi-opens-a-greenway-2"
    assert Revision.objects.filter(article=article).count() == revisions


def test_the_form_tells_its_script_when_the_slug_follows_the_title(client, editor):
    """New stories and drafts with a made slug: the script may follow; the server's length."""
    new = slug_input(client)
    assert new.get("data-follows-title") == "id_title"
    assert new.get("data-slug-length") == "192"
    draft = add(client, title="Hexi opens a greenway", slug="")
    assert slug_input(client, draft).get("data-follows-title") == "id_title"
    assert "maxlength" not in new.attrib


def test_django_prepopulation_is_not_used(client, editor):
    """Only one script makes slugs, the one that makes them as the server does."""
    content = client.get("/admin/articles/article/add/").content.decode()
    assert 'data-prepopulated-fields="[]"' in content
    assert "js/article-form" in content


# A title longer than allowed is refused with a message, never cut short.


def test_a_title_too_long_is_refused_with_a_message_and_kept(client, editor):
    """Nothing is saved; the form says how long it is and keeps all of it to shorten."""
    article = make_article(status=Status.DRAFT)
    title = "Hexi opens a riverside greenway." * 8  # 256 characters
    data = article_admin_form(article, title=title)
    del data["version"]
    response = client.post("/admin/articles/article/add/", data)
    assert response.status_code == 200
    content = response.content.decode()
    assert "Ensure this value has at most 200 characters (it has 256)." in content
    field = next(i for i in parse(response.content).iter("input") if i.get("name") == "title")
    assert field.get("value") == title
    assert Article.objects.count() == 1


def test_the_title_counts_instead_of_cutting(client, editor):
    """No maxlength (a browser cuts pasted text to it silently): a counter, translated."""
    content = client.get("/admin/articles/article/add/", HTTP_ACCEPT_LANGUAGE="zh-hans")
    field = next(i for i in parse(content.content).iter("input") if i.get("name") == "title")
    assert "maxlength" not in field.attrib
    assert field.get("data-max-chars") == "200"
    assert "%(count)s" in field.get("data-count-text") and "字符" in field.get("data-count-text")
    assert "%(over)s" in field.get("data-over-text")


def test_a_slug_too_long_is_refused_not_cut(client, editor):
    """A slug typed longer than the column is an error, not an address cut short."""
    article = make_article(status=Status.DRAFT)
    response = client.post(
        f"/admin/articles/article/{article.pk}/change/",
        article_admin_form(article, slug="a" * 201),
    )
    assert response.status_code == 200
    assert "Ensure this value has at most 200 characters (it has 201)." in (
        response.content.decode()
    )


def test_the_longest_title_makes_a_slug_with_room_for_a_number(client, editor):
    """A 200-character title saves, its slug cut where the script cuts it, leaving room."""
    title = ("Weijin Road resurfacing, week " * 7)[:200]
    make_article(slug=slug_from_title(title))
    article = add(client, title=title, slug=slug_from_title(title))
    assert len(article.title) == 200
    assert article.slug == slug_from_title(title) + "-2"
    assert len(article.slug) <= 200


@pytest.mark.parametrize(
    ("title", "slug"),
    [
        ("Hexi opens a riverside greenway", "hexi-opens-a-riverside-greenway"),
        ("北辰区举办秋季招聘会", "北辰区举办秋季招聘会"),
        ("２０２４年　天津马拉松", "2024年-天津马拉松"),
        ("- Café opens –", "café-opens"),
        ("2020", "story-2020"),
        ("!!!", "story"),
    ],
)
def test_slug_from_title(title, slug):
    """Django's slugify with Chinese kept; never empty, never digits only."""
    assert slug_from_title(title) == slug


# A story one may not edit shows its body as readers see it.

BODY = (
    "<h2>What changes</h2><p>Buses 8 and 31 take a <strong>diversion</strong>.</p>"
    "<ul><li>Weijin Road</li></ul>"
)


@pytest.mark.parametrize("state", ["in_review", "withdrawn"])
def test_a_story_one_may_not_edit_shows_its_body_formatted(client, state):
    """In review (to its writer) or withdrawn (to everyone): formatted text, not HTML source."""
    writer = make_user(role="writer")
    article = make_article(author=writer, status=state, body=BODY)
    client.force_login(writer if state == "in_review" else make_user(role="editor"))
    response = client.get(f"/admin/articles/article/{article.pk}/change/")
    assert response.status_code == 200
    content = response.content.decode()
    assert "&lt;h2&gt;" not in content and "&lt;p&gt;" not in content
    assert re.search(
        r'<div class="readonly"><h2>What changes</h2><p>Buses 8 and 31 take a '
        r"<strong>diversion</strong>.</p>",
        content,
    )
    assert 'name="body"' not in content


def test_the_read_only_body_goes_through_the_public_filter(client):
    """Sanitised on the way out, pictures in the public page's markup: what readers get."""
    writer = make_user(role="writer")
    article = make_article(author=writer, status=Status.IN_REVIEW)
    # A row written around save() and the querysets, as a raw import could: still cleaned.
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {Article._meta.db_table} SET body = %s WHERE id = %s",
            [
                '<p onclick="steal()">Hello</p><script>alert(1)</script>'
                '<img src="/media/editor/2026/01/bus.jpg" alt="A route 8 bus">',
                article.pk,
            ],
        )
    client.force_login(writer)
    content = client.get(f"/admin/articles/article/{article.pk}/change/").content.decode()
    assert "<p>Hello</p>" in content
    assert "steal()" not in content and "alert(1)" not in content
    assert re.search(r'<img [^>]*alt="A route 8 bus" loading="lazy" decoding="async"', content)


def test_an_editable_story_still_edits_its_source(client, editor):
    """Whoever may edit gets the editor, not the formatted text."""
    article = make_article(status=Status.DRAFT, body=BODY)
    content = client.get(f"/admin/articles/article/{article.pk}/change/").content.decode()
    assert 'name="body"' in content and "field-body_formatted" not in content


# Every picture in a body is described or marked decorative; the lead image shows itself.


def test_a_body_picture_without_alternative_text_is_refused_by_name(client, editor):
    """Not shipped silently: the form names each undescribed picture and saves nothing."""
    article = make_article(status=Status.DRAFT, body="<p>Before.</p>")
    body = (
        '<p><img src="/media/editor/2026/01/river.jpg" alt="The river at dawn">'
        '<img src="/media/editor/2026/01/4b3d38.jpg"></p>'
        '<img src="/media/editor/2026/01/line.png" alt="" role="presentation">'
        '<img src="/media/editor/2026/01/9fe1c0.png" alt="">'
    )
    response = client.post(
        f"/admin/articles/article/{article.pk}/change/", article_admin_form(article, body=body)
    )
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors["body"]
    assert errors == [
        "Describe every picture for readers who cannot see it: picture 2 (4b3d38.jpg), "
        "picture 4 (9fe1c0.png) have no alternative text. Double-click each in the editor and "
        "describe it, or tick “Decorative” if it adds nothing a reader would miss."
    ]
    assert Article.objects.get(pk=article.pk).body == "<p>Before.</p>"


def test_described_and_decorative_pictures_are_saved_and_read_as_marked(client, editor):
    """A description is read; a decorative picture reaches readers with an empty alt."""
    article = make_article(status=Status.DRAFT)
    body = (
        '<p><img src="/media/editor/2026/01/river.jpg" alt="The river at dawn">'
        '<img src="/media/editor/2026/01/line.png" alt="" role="presentation"></p>'
    )
    save(client, article, body=body)
    assert article.body == body
    Article.objects.filter(pk=article.pk).update(
        status=Status.PUBLISHED, published_at=timezone.now()
    )
    page = client.get(article.get_absolute_url()).content.decode()
    images = re.findall(r"<img [^>]*>", page.split('class="story__body"', 1)[1])
    assert [re.search(r'alt="([^"]*)"', image).group(1) for image in images] == [
        "The river at dawn",
        "",
    ]


def test_a_body_picture_refusal_is_translated(client, editor):
    """The refusal names the picture in Chinese too."""
    article = make_article(status=Status.DRAFT)
    response = client.post(
        f"/admin/articles/article/{article.pk}/change/",
        article_admin_form(article, body='<img src="/media/editor/x.jpg">'),
        HTTP_ACCEPT_LANGUAGE="zh-hans",
    )
    assert "第 1 张图片（x.jpg）没有替代文本" in response.content.decode()


def test_the_editor_keeps_the_decorative_mark_and_finishes_pasted_uploads(client, editor):
    """Its filter allows what the sanitiser keeps, and the attribute an upload widget needs."""
    content = client.get("/admin/articles/article/add/").content.decode()
    config = re.search(r'data-config="([^"]+)"', content).group(1).replace("&quot;", '"')
    assert "img[!src,alt,width,height,role]" in config
    assert '"extraAllowedContent": "img[data-widget]"' in config
    assert "js/editor-alt-text" in content


def test_the_lead_image_field_shows_the_current_picture(client, editor, media_storage):
    """A thumbnail of the picture (its smallest rendition), linked to the full size."""
    from django.core.files.base import ContentFile

    from tests.factories import make_image_bytes

    article = make_article(status=Status.DRAFT, lead_image_alt="Cyclists on the path")
    article.lead_image.save("path.jpg", ContentFile(make_image_bytes(size=(1200, 800))))
    document = parse(client.get(f"/admin/articles/article/{article.pk}/change/").content)
    field = next(d for d in document.iter("div") if "field-lead_image" in d.get("class", ""))
    [link] = [a for a in field.iter("a") if a.get("class") == "image-input__thumbnail"]
    assert link.get("href") == article.lead_image.url
    [thumbnail] = list(link.iter("img"))
    assert re.fullmatch(r"/media/renditions/lead-images/.+-w960\.jpg", thumbnail.get("src"))
    assert "-w480.jpg 480w" in thumbnail.get("srcset")  # the browser takes the smallest
    assert thumbnail.get("alt") == "The current picture, full size"
    assert (thumbnail.get("width"), thumbnail.get("height")) == ("1200", "800")
    assert any(
        i.get("type") == "file" and i.get("name") == "lead_image" for i in field.iter("input")
    )
    assert any(i.get("name") == "lead_image-clear" for i in field.iter("input"))


def test_a_new_article_has_no_thumbnail(client, editor):
    content = client.get("/admin/articles/article/add/").content.decode()
    assert "image-input__thumbnail" not in content
    assert 'type="file" name="lead_image"' in content
