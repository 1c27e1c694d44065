"""export_content / import_content: published content as JSON, and back."""

import json
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from articles.exchange import SPECS, serialize
from articles.models import Article, District, Source
from tests.factories import make_article, make_district, make_source, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def site():
    hexi = make_district(name="Hexi", slug="hexi", description="South of the centre.")
    heping = make_district(name="Heping", slug="heping")
    make_district(name="Wuqing", slug="wuqing")  # no stories: still exported
    source = make_source(
        name="exploringtianjin.com", slug="exploringtianjin", url="https://example.org"
    )
    author = make_user(username="newsdesk")
    published = [
        make_article(title="河西区绿道开放", slug="河西区绿道开放", source=source, author=author,
                     districts=[hexi, heping], body="<p>六公里<strong>步道</strong>。</p>",
                     source_url="https://example.org/story"),
        make_article(title="City-wide notice", source=source, author=author,
                     published_at=timezone.now() - timedelta(days=3),
                     public_updated_at=timezone.now() - timedelta(days=1)),
    ]  # fmt: skip
    make_article(title="Draft story", status=Article.Status.DRAFT, source=source, author=author)
    make_article(title="Embargoed story", source=source, author=author,
                 published_at=timezone.now() + timedelta(days=1))  # fmt: skip
    return {"published": published, "author": author}


def snapshot():
    """Everything the export carries, as plain data, for before/after comparisons."""
    return {spec.section: [serialize(spec, row) for row in spec.rows()] for spec in SPECS}


def export(tmp_path, name="content.json"):
    path = tmp_path / name
    call_command("export_content", "--output", str(path), stderr=StringIO())
    return path


def import_(path, *args):
    out = StringIO()
    call_command("import_content", str(path), *args, stdout=out, stderr=StringIO())
    return out.getvalue()


def empty_the_site():
    Article.objects.all().delete()
    District.objects.all().delete()
    Source.objects.all().delete()


def test_export_holds_published_content_only(tmp_path, site):
    """The file has every district and source, and only the articles the public can see."""
    data = json.loads(export(tmp_path).read_text(encoding="utf-8"))
    assert data["format"] == "newsroom-content" and data["version"] == 1
    assert [d["slug"] for d in data["districts"]] == ["heping", "hexi", "wuqing"]
    assert [s["slug"] for s in data["sources"]] == ["exploringtianjin"]
    titles = {a["title"] for a in data["articles"]}
    assert titles == {"河西区绿道开放", "City-wide notice"}
    story = next(a for a in data["articles"] if a["slug"] == "河西区绿道开放")
    assert story["districts"] == ["heping", "hexi"]
    assert story["source"] == "exploringtianjin"
    assert story["author"] == "newsdesk"
    assert story["body"] == "<p>六公里<strong>步道</strong>。</p>"


def test_export_to_stdout_is_the_same_json(tmp_path, site):
    """Without --output the JSON goes to standard output."""
    out = StringIO()
    call_command("export_content", stdout=out)
    assert (
        json.loads(out.getvalue())["articles"]
        == json.loads(export(tmp_path).read_text(encoding="utf-8"))["articles"]
    )


def test_round_trip_into_an_empty_site(tmp_path, site):
    """Exported, emptied, imported: the published content is exactly as it was."""
    before = snapshot()
    path = export(tmp_path)
    empty_the_site()
    assert Article.objects.count() == 0
    output = import_(path)
    assert "articles: 2 created" in output
    assert snapshot() == before
    assert not Article.objects.filter(title__in=["Draft story", "Embargoed story"]).exists()
    assert all(article.is_published() for article in Article.objects.all())


def test_importing_twice_changes_nothing(tmp_path, site):
    """The second import of the same file finds everything unchanged and saves nothing."""
    path = export(tmp_path)
    empty_the_site()
    import_(path)
    saved_at = dict(Article.objects.values_list("slug", "updated_at"))
    output = import_(path)
    assert "districts: 0 created, 0 updated, 3 unchanged" in output
    assert "articles: 0 created, 0 updated, 2 unchanged" in output
    assert dict(Article.objects.values_list("slug", "updated_at")) == saved_at


def test_import_updates_what_changed_by_slug(tmp_path, site):
    """An existing article with the same slug is brought in line with the file."""
    path = export(tmp_path)
    story = site["published"][0]
    Article.objects.filter(pk=story.pk).update(title="Edited meanwhile")
    story.districts.clear()
    output = import_(path)
    assert "articles: 0 created, 1 updated, 1 unchanged" in output
    story.refresh_from_db()
    assert story.title == "河西区绿道开放"
    assert sorted(d.slug for d in story.districts.all()) == ["heping", "hexi"]


def test_missing_authors_need_author_option(tmp_path, site):
    """On a site without the author's account, --author names who the articles belong to."""
    path = export(tmp_path)
    empty_the_site()
    site["author"].delete()
    with pytest.raises(
        CommandError, match=r"no user 'newsdesk' on this site; create it or pass --author"
    ):
        import_(path)
    assert Article.objects.count() == 0
    make_user(username="editor")
    import_(path, "--author", "editor")
    assert set(Article.objects.values_list("author__username", flat=True)) == {"editor"}


def test_a_bad_item_imports_nothing_and_lists_every_problem(tmp_path, site):
    """One broken article stops the whole import; the message says where and what."""
    data = json.loads(export(tmp_path).read_text(encoding="utf-8"))
    empty_the_site()
    # Articles are written in slug order: city-wide-notice, then 河西区绿道开放.
    data["articles"][1]["source"] = "no-such-source"
    data["articles"][0]["published_at"] = "next Tuesday"
    data["articles"][0]["title"] = "x" * 300
    data["districts"].append({"slug": "Not A Slug!", "name": "Bad"})
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(CommandError) as error:
        import_(path)
    message = str(error.value)
    assert "nothing was imported" in message
    assert "districts[3] (Not A Slug!): slug:" in message
    assert "articles[1] (河西区绿道开放): source: no source 'no-such-source'" in message
    assert (
        "articles[0] (city-wide-notice): published_at: “next Tuesday” value has an invalid"
        in message
    )
    assert (
        "articles[0] (city-wide-notice): title: Ensure this value has at most 200 characters"
        in message
    )
    assert District.objects.count() == 0 and Article.objects.count() == 0


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ("{not json", "not valid JSON"),
        ('{"format": "something-else", "version": 1}', "not a Newsroom content file"),
        ("[]", "not a Newsroom content file"),
        ('{"format": "newsroom-content", "version": 99}', "made by a newer Newsroom"),
        ('{"format": "newsroom-content", "version": "1"}', '"version" must be a whole number'),
        ('{"format": "newsroom-content", "version": 1, "articles": {}}', '"articles" must be a list'),
        ('{"format": "newsroom-content", "version": 1, "districts": [{"name": "x"}]}',
         'districts[0]: "slug" is missing'),
        ('{"format": "newsroom-content", "version": 1, "sources": [{"slug": "a", "name": "A"},'
         ' {"slug": "a", "name": "B"}]}', "\"slug\" 'a' appears twice"),
        ('{"format": "newsroom-content", "version": 1, "articles": ["x"]}',
         "articles[0]: must be an object"),
    ],
)  # fmt: skip
def test_malformed_files_are_refused_with_a_clear_message(tmp_path, content, expected):
    """A file that is not a content file is refused, naming what is wrong; nothing changes."""
    path = tmp_path / "in.json"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(CommandError, match=expected.replace("[", r"\[").replace("]", r"\]")):
        import_(path)


def test_unreadable_files_are_refused_clearly(tmp_path):
    """A missing file or one that is not UTF-8 gets a one-line error, not a traceback."""
    with pytest.raises(CommandError, match="Cannot read"):
        import_(tmp_path / "missing.json")
    binary = tmp_path / "binary.json"
    binary.write_bytes(b"\xff\xfe\x00garbage")
    with pytest.raises(CommandError, match="not UTF-8"):
        import_(binary)


def test_dry_run_reports_and_changes_nothing(tmp_path, site):
    """--dry-run checks the file and says what would happen, leaving the site alone."""
    path = export(tmp_path)
    empty_the_site()
    output = import_(path, "--dry-run")
    assert "Dry run, nothing changed" in output and "articles: 2 created" in output
    assert Article.objects.count() == 0 and District.objects.count() == 0


def test_imported_bodies_are_sanitised_and_unknown_fields_reported(tmp_path, site):
    """A hand-edited file cannot smuggle script in, and fields this version lacks are named."""
    data = json.loads(export(tmp_path).read_text(encoding="utf-8"))
    empty_the_site()
    data["articles"][0]["body"] = '<p onclick="steal()">Hi<script>steal()</script></p>'
    data["articles"][0]["featured"] = True
    path = tmp_path / "edited.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    err = StringIO()
    call_command("import_content", str(path), stdout=StringIO(), stderr=err)
    body = Article.objects.get(slug=data["articles"][0]["slug"]).body
    assert body == "<p>Hi</p>"
    assert "ignored unknown field(s) featured" in err.getvalue()
