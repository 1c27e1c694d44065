"""export_content / import_content: the public content as JSON, and back."""

import json
import re
import shutil
from datetime import timedelta
from io import StringIO

import pytest
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import CommandError, call_command
from django.utils import timezone

from articles.exchange import SPECS, VERSION, serialize
from articles.models import (
    AlertBanner,
    Article,
    ChangeNote,
    District,
    SiteSettings,
    SlugRedirect,
    Source,
)
from pagecache import current_generation
from tests.factories import make_article, make_district, make_image_bytes, make_source, make_user

pytestmark = pytest.mark.django_db

GREENWAY = "河西区绿道开放"


def build_site():
    """
    A site with every kind of public content, and some that is not public: drafts, a
    scheduled and a removed story, a change note not live yet, banners ended or to come.
    """
    now = timezone.now()
    hexi = make_district(
        name="Hexi", name_zh="河西区", slug="hexi", description="South of the centre."
    )
    heping = make_district(name="Heping", slug="heping")
    make_district(name="Wuqing", slug="wuqing")  # no stories: still exported
    source = make_source(
        name="exploringtianjin.com", slug="exploringtianjin", url="https://example.org"
    )
    daily = make_source(name="Tianjin Daily", name_zh="天津日报", slug="tianjin-daily")
    author = make_user(username="newsdesk")
    SiteSettings.objects.create(
        site_name="Tianjin Updates",
        tagline="Official news of the city",
        organisation_name="Tianjin Municipal People's Government",
        copyright="Copyright © Tianjin. All rights reserved.",
        icp_filing="津ICP备12345678号-1",
        psb_filing="津公网安备 12010102000001号",
        government_site_code="1200000001",
        contact_address="No. 1 Example Road, Hexi District",
        contact_phone="+86 22 2345 6789",
        contact_email="news@example.gov.cn",
    )
    AlertBanner.objects.create(
        message="Heavy rain: some bus lines are diverted.",
        severity=AlertBanner.Severity.WARNING,
        link_url="https://example.org/buses",
        link_text="Diverted lines",
        starts_at=now - timedelta(hours=3),
        ends_at=now + timedelta(days=1),
    )
    AlertBanner.objects.create(
        message="The old site closed.", starts_at=now - timedelta(days=9), ends_at=now - timedelta(days=2)
    )  # fmt: skip
    AlertBanner.objects.create(message="Maintenance on Sunday.", starts_at=now + timedelta(days=2))
    inline = default_storage.save(
        "editor/2025/01/route-map.png", ContentFile(make_image_bytes("PNG", size=(800, 600)))
    )
    greenway = make_article(
        title=GREENWAY, slug=GREENWAY, language="zh-hans", featured=True,
        source=source, author=author, districts=[hexi, heping],
        summary="六公里步道沿河开放。",
        body=f'<p>六公里<strong>步道</strong>。</p><figure><img src="/media/{inline}" alt="路线图">'
             "<figcaption>路线</figcaption></figure>",
        source_url="https://example.org/story",
        published_at=now - timedelta(days=3), public_updated_at=now - timedelta(days=1),
        lead_image_alt="清晨的绿道", lead_image_caption="步道沿河而行。",
        lead_image_credit="河西区政府",
    )  # fmt: skip
    greenway.lead_image.save("dawn.jpg", ContentFile(make_image_bytes(size=(2000, 1500))))
    ChangeNote.objects.create(
        article=greenway,
        kind=ChangeNote.Kind.CORRECTION,
        note="步道长度更正为六公里。",
        public_at=now - timedelta(days=1),
    )
    # The note of a change scheduled for tomorrow: not public yet.
    ChangeNote.objects.create(
        article=greenway, kind="update", note="Opening hours extended.", public_at=now + timedelta(days=1)
    )  # fmt: skip
    SlugRedirect.objects.create(old_slug="hexi-greenway", article=greenway)
    notice = make_article(
        title="City-wide notice", slug="city-wide-notice", source=daily, author=author,
        body="<p>Water supply is interrupted on Tuesday.</p>",
        published_at=now - timedelta(days=2), public_updated_at=now - timedelta(days=2),
    )  # fmt: skip
    ChangeNote.objects.create(
        article=notice, kind="clarification", note="The interruption is in Hexi only.",
        public_at=now - timedelta(days=1, hours=12),
    )  # fmt: skip
    make_article(
        title="Ferry timetable", slug="ferry-timetable", source=source, author=author,
        status=Article.Status.WITHDRAWN, published_at=now - timedelta(days=5),
        withdrawn_at=now - timedelta(days=4), withdrawal_explanation="The timetable changed.",
        districts=[heping],
    )  # fmt: skip
    make_article(title="Draft story", status=Article.Status.DRAFT, source=source, author=author)
    make_article(title="Embargoed story", source=source, author=author,
                 published_at=now + timedelta(days=1))  # fmt: skip
    make_article(title="Removed story", status=Article.Status.REMOVED, source=source, author=author)
    return {"published": [greenway, notice], "author": author, "inline": inline}


@pytest.fixture
def site():
    return build_site()


def snapshot():
    """Everything the export carries, as plain data, for before/after comparisons."""
    return {spec.section: [serialize(spec, row) for row in spec.rows()] for spec in SPECS}


def export(tmp_path, name="content.json"):
    path = tmp_path / name
    call_command("export_content", "--output", str(path), stdout=StringIO(), stderr=StringIO())
    return path


def read(path):
    return json.loads(path.read_text(encoding="utf-8"))


def write(tmp_path, data, name="edited.json"):
    path = tmp_path / name
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path


def import_(path, *args, stderr=None):
    out = StringIO()
    call_command("import_content", str(path), *args, stdout=out, stderr=stderr or StringIO())
    return out.getvalue()


def article_item(data, slug):
    return next(item for item in data["articles"] if item["slug"] == slug)


def index_of(data, slug):
    return next(n for n, item in enumerate(data["articles"]) if item["slug"] == slug)


def empty_the_site():
    """Delete every row the file can hold (users stay: the file does not carry them)."""
    ChangeNote.objects.all().delete()
    SlugRedirect.objects.all().delete()
    Article.objects.all().delete()
    District.objects.all().delete()
    Source.objects.all().delete()
    AlertBanner.objects.all().delete()
    SiteSettings.objects.all().delete()
    cache.clear()


def test_export_holds_public_content_only(tmp_path, site):
    """The file has the districts, sources, site settings and what the public can read."""
    data = read(export(tmp_path))
    assert data["format"] == "newsroom-content" and data["version"] == VERSION
    assert data["media_url"] == "/media/"
    assert [d["slug"] for d in data["districts"]] == ["heping", "hexi", "wuqing"]
    assert data["districts"][1]["description"] == "South of the centre."
    assert [d["name_zh"] for d in data["districts"]] == ["", "河西区", ""]
    assert {s["slug"]: s["name_zh"] for s in data["sources"]} == {
        "exploringtianjin": "",
        "tianjin-daily": "天津日报",
    }
    assert {s["slug"]: s["url"] for s in data["sources"]} == {
        "exploringtianjin": "https://example.org",
        "tianjin-daily": "",
    }
    assert {a["slug"] for a in data["articles"]} == {
        GREENWAY,
        "city-wide-notice",
        "ferry-timetable",
    }
    assert data["site_settings"]["icp_filing"] == "津ICP备12345678号-1"
    assert data["site_settings"]["contact_email"] == "news@example.gov.cn"
    # Only the banner showing now: not the ended one, not the one to come.
    assert [b["message"] for b in data["alert_banners"]] == [
        "Heavy rain: some bus lines are diverted."
    ]
    assert data["alert_banners"][0]["severity"] == "warning"

    story = article_item(data, GREENWAY)
    assert story["language"] == "zh-hans" and story["featured"] is True
    assert story["districts"] == ["heping", "hexi"]
    assert story["source"] == "exploringtianjin" and story["author"] == "newsdesk"
    assert story["body"].startswith("<p>六公里<strong>步道</strong>。</p>")
    assert re.fullmatch(r"lead-images/\d{4}/\d{2}/[0-9a-f]{32}\.jpg", story["lead_image"])
    assert (story["lead_image_alt"], story["lead_image_caption"], story["lead_image_credit"]) == (
        "清晨的绿道", "步道沿河而行。", "河西区政府",
    )  # fmt: skip
    assert story["lead_image_decorative"] is False
    assert story["old_slugs"] == ["hexi-greenway"]
    # The public correction; the note of the change due tomorrow is not public yet.
    assert [(n["kind"], n["note"]) for n in story["change_notes"]] == [
        ("correction", "步道长度更正为六公里。")
    ]
    assert story["published_at"] < story["public_updated_at"]
    withdrawn = article_item(data, "ferry-timetable")
    assert withdrawn["status"] == "withdrawn"
    assert withdrawn["withdrawal_explanation"] == "The timetable changed."
    # The files the articles use, with their size, for checking the media backup.
    assert data["media"] == [
        {"path": site["inline"], "width": 800, "height": 600},
        {"path": story["lead_image"], "width": 2000, "height": 1500},
    ]


def test_export_to_stdout_is_the_same_json(tmp_path, site):
    """Without --output the JSON goes to standard output."""
    out = StringIO()
    call_command("export_content", stdout=out)
    assert json.loads(out.getvalue())["articles"] == read(export(tmp_path))["articles"]


def public_pages(client, slugs):
    """What readers get: each story page, the home page, a district page and the API."""
    pages = {}
    for url in [*(f"/articles/{slug}/" for slug in slugs), "/", "/districts/hexi/",
                f"/api/articles/{GREENWAY}/", "/articles/"]:  # fmt: skip
        response = client.get(url)
        assert response.status_code == 200, url
        pages[url] = response.content.decode()
    return pages


@pytest.mark.django_db(transaction=True)
def test_round_trip_through_an_empty_database(tmp_path, client):
    """
    Exported, the database flushed, imported: a second export is the same document, and
    every public page renders exactly as before.
    """
    site = build_site()
    slugs = [GREENWAY, "city-wide-notice", "ferry-timetable"]
    before = public_pages(client, slugs)
    first = export(tmp_path, "first.json")

    call_command("flush", interactive=False, verbosity=0)
    cache.clear()  # a new site starts with an empty cache too
    assert not Article.objects.exists() and not SiteSettings.objects.exists()
    make_user(username="newsdesk")  # accounts are not in the file
    output = import_(first)
    assert "articles: 3 created" in output and "alert_banners: 1 created" in output

    second = export(tmp_path, "second.json")
    first_data, second_data = read(first), read(second)
    first_data.pop("exported_at"), second_data.pop("exported_at")
    assert second_data == first_data
    assert public_pages(client, slugs) == before

    # The pages compared are the real thing, not two empty answers.
    story = before[f"/articles/{GREENWAY}/"]
    assert f'<h1 class="story__title">{GREENWAY}</h1>' in story
    assert '<article class="story" lang="zh-Hans">' in story
    assert 'alt="清晨的绿道"' in story and "步道沿河而行。" in story and "河西区政府" in story
    assert re.search(r'<div class="story__body">.*<picture>.*alt="路线图"', story, re.S)
    assert '<a href="/districts/hexi/">Hexi</a>' in story
    assert "<strong>Correction:</strong> 步道长度更正为六公里。" in story
    assert "Opening hours extended." not in story
    assert "Heavy rain: some bus lines are diverted." in story
    assert "津ICP备12345678号-1" in story
    assert "The timetable changed." in before["/articles/ferry-timetable/"]
    assert "Draft story" not in before["/articles/"]
    assert set(Article.objects.values_list("slug", flat=True)) == set(slugs)
    # Old links keep working.
    moved = client.get("/articles/hexi-greenway/")
    assert moved.status_code == 301
    assert moved["Location"] == Article.objects.get(slug=GREENWAY).get_absolute_url()
    assert second_data["media"][0] == {"path": site["inline"], "width": 800, "height": 600}


def test_round_trip_into_an_emptied_site(tmp_path, site):
    """Exported, emptied, imported: the public content is exactly as it was."""
    before = snapshot()
    path = export(tmp_path)
    empty_the_site()
    output = import_(path)
    assert "articles: 3 created" in output
    assert snapshot() == before
    assert SiteSettings.load().psb_filing == "津公网安备 12010102000001号"
    assert not Article.objects.filter(title__in=["Draft story", "Embargoed story"]).exists()
    assert {article.status for article in Article.objects.all()} == {"published", "withdrawn"}
    assert all(a.has_been_public() for a in Article.objects.all())


def test_importing_twice_changes_nothing(tmp_path, site):
    """The second import of the same file finds everything unchanged and saves nothing."""
    path = export(tmp_path)
    empty_the_site()
    import_(path)
    saved_at = dict(Article.objects.values_list("slug", "updated_at"))
    versions = dict(Article.objects.values_list("slug", "version"))
    notes, redirects = ChangeNote.objects.count(), SlugRedirect.objects.count()
    output = import_(path)
    assert "districts: 0 created, 0 updated, 3 unchanged" in output
    assert "articles: 0 created, 0 updated, 3 unchanged" in output
    assert "site_settings: 0 created, 0 updated, 1 unchanged" in output
    assert "alert_banners: 0 created, 0 updated, 1 unchanged" in output
    assert dict(Article.objects.values_list("slug", "updated_at")) == saved_at
    assert dict(Article.objects.values_list("slug", "version")) == versions
    assert (ChangeNote.objects.count(), SlugRedirect.objects.count()) == (notes, redirects)


def test_import_updates_what_changed_by_slug(tmp_path, site):
    """
    An existing article with the same slug is brought in line with the file, its version moves
    on (a form opened before is refused), and cached pages are dropped.
    """
    path = export(tmp_path)
    story = site["published"][0]
    Article.objects.filter(pk=story.pk).update(title="Edited meanwhile", featured=False)
    story.districts.clear()
    version = Article.objects.get(pk=story.pk).version
    generation = current_generation()
    output = import_(path)
    assert "articles: 0 created, 1 updated, 2 unchanged" in output
    story.refresh_from_db()
    assert story.title == GREENWAY and story.featured
    assert sorted(d.slug for d in story.districts.all()) == ["heping", "hexi"]
    assert story.version == version + 1
    assert current_generation() > generation


def test_import_adds_notes_and_addresses_and_keeps_the_sites_own(tmp_path, site):
    """Change notes and former addresses missing on the site are added; its others stay."""
    path = export(tmp_path)
    story = site["published"][0]
    story.change_notes.filter(kind="correction").delete()
    SlugRedirect.objects.filter(article=story).delete()
    own_note = ChangeNote.objects.create(
        article=story, kind="update", note="Added here.", public_at=timezone.now()
    )
    SlugRedirect.objects.create(old_slug="greenway-here", article=story)
    output = import_(path)
    assert "articles: 0 created, 1 updated, 2 unchanged" in output
    notes = set(story.change_notes.values_list("note", flat=True))
    assert notes == {"步道长度更正为六公里。", "Added here.", "Opening hours extended."}
    assert ChangeNote.objects.filter(pk=own_note.pk).exists()
    assert set(story.slug_redirects.values_list("old_slug", flat=True)) == {
        "hexi-greenway",
        "greenway-here",
    }


def test_a_renamed_article_is_found_by_its_former_address(tmp_path, site):
    """A story renamed since the last import updates the same article, not a second one."""
    story = site["published"][0]
    first = export(tmp_path, "first.json")
    SlugRedirect.objects.create(old_slug=story.slug, article=story)
    Article.objects.filter(pk=story.pk).update(slug="hexi-greenway-opens")
    second = export(tmp_path, "second.json")
    empty_the_site()
    import_(first)
    output = import_(second)
    assert "articles: 0 created, 1 updated, 2 unchanged" in output
    moved = Article.objects.get(slug="hexi-greenway-opens")
    assert Article.objects.count() == 3
    assert set(moved.slug_redirects.values_list("old_slug", flat=True)) == {
        "hexi-greenway",
        GREENWAY,
    }


def test_addresses_of_other_articles_are_refused(tmp_path, site):
    """A former address that is another article's, now or before, is an error, not a theft."""
    data = read(export(tmp_path))
    other = make_article(slug="taken-elsewhere", author=site["author"])
    SlugRedirect.objects.create(old_slug="retired-elsewhere", article=other)
    article_item(data, "city-wide-notice")["old_slugs"] = ["taken-elsewhere", "retired-elsewhere"]
    article_item(data, "ferry-timetable")["slug"] = "retired-elsewhere"
    before = snapshot()
    with pytest.raises(CommandError) as error:
        import_(write(tmp_path, data))
    message = str(error.value)
    n = index_of(data, "city-wide-notice")
    assert (
        f"articles[{n}] (city-wide-notice): old_slugs: 'taken-elsewhere' is another article's address"
        in message
    )
    assert "old_slugs: 'retired-elsewhere' is a former address of another article" in message
    assert (
        "(retired-elsewhere): slug: 'retired-elsewhere' is a former address of another article"
        in message
    )
    assert snapshot() == before


def test_site_settings_and_banners_of_a_site_with_its_own_are_kept(tmp_path, site):
    """
    A site that saved its own settings keeps them and its banners unless --site-settings
    is given; a new site takes the file's.
    """
    path = export(tmp_path)
    empty_the_site()
    SiteSettings.objects.create(site_name="Binhai Updates", icp_filing="津ICP备87654321号")
    output = import_(path)
    assert "site_settings: 0 created, 0 updated, 0 unchanged, 1 kept as this site's own" in output
    assert "alert_banners: 0 created, 0 updated, 0 unchanged, 1 kept" in output
    assert "--site-settings takes them" in output
    assert SiteSettings.objects.get().site_name == "Binhai Updates"
    assert not AlertBanner.objects.exists()
    assert Article.objects.count() == 3

    output = import_(path, "--site-settings")
    assert "site_settings: 0 created, 1 updated" in output
    assert SiteSettings.objects.get().icp_filing == "津ICP备12345678号-1"
    assert AlertBanner.objects.get().link_text == "Diverted lines"


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
    """One broken item stops the whole import; the message says where and what."""
    data = read(export(tmp_path))
    empty_the_site()
    notice, greenway, ferry = (
        index_of(data, s) for s in ("city-wide-notice", GREENWAY, "ferry-timetable")
    )
    data["articles"][greenway]["source"] = "no-such-source"
    data["articles"][greenway]["lead_image_alt"] = ""
    data["articles"][greenway]["change_notes"][0]["kind"] = "rumour"
    data["articles"][notice]["published_at"] = "next Tuesday"
    data["articles"][notice]["title"] = "x" * 300
    data["articles"][notice]["lead_image"] = "../../etc/passwd"
    data["articles"][ferry]["status"] = "draft"
    data["districts"].append({"slug": "Not A Slug!", "name": "Bad"})
    data["site_settings"]["icp_filing"] = "ICP 1"
    data["alert_banners"][0]["severity"] = "emergency"
    data["alert_banners"][0]["dismissible"] = True
    data["alert_banners"].append({"message": "No start time."})
    with pytest.raises(CommandError) as error:
        import_(write(tmp_path, data, "bad.json"))
    message = str(error.value)
    assert "nothing was imported" in message
    assert "districts[3] (Not A Slug!): slug:" in message
    assert f"articles[{greenway}] ({GREENWAY}): source: no source 'no-such-source'" in message
    assert f"articles[{greenway}] ({GREENWAY}): lead_image_alt: describe the picture" in message
    assert "change_notes[0].kind: Value 'rumour' is not a valid choice." in message
    where = f"articles[{notice}] (city-wide-notice)"
    assert f"{where}: published_at: “next Tuesday” value has an invalid" in message
    assert f"{where}: title: Ensure this value has at most 200 characters" in message
    assert f"{where}: lead_image: '../../etc/passwd' is not the name of a file" in message
    assert f"articles[{ferry}] (ferry-timetable): status: 'draft' is not public content" in message
    assert 'site_settings: icp_filing: Use the form "津ICP备12345678号-1".' in message
    assert "alert_banners[0]: dismissible: An emergency banner cannot be dismissible." in message
    assert "alert_banners[1]: starts_at: missing" in message
    assert not District.objects.exists() and not Article.objects.exists()
    assert not SiteSettings.objects.exists() and not AlertBanner.objects.exists()


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ("{not json", "not valid JSON"),
        ('{"format": "something-else", "version": 1}', "not a Newsroom content file"),
        ("[]", "not a Newsroom content file"),
        ('{"format": "newsroom-content", "version": 99}', "made by a newer Newsroom"),
        ('{"format": "newsroom-content", "version": 0}', "unknown format version 0"),
        ('{"format": "newsroom-content", "version": "1"}', '"version" must be a whole number'),
        ('{"format": "newsroom-content", "version": 1, "articles": {}}', '"articles" must be a list'),
        ('{"format": "newsroom-content", "version": 1, "districts": [{"name": "x"}]}',
         'districts[0]: "slug" is missing'),
        ('{"format": "newsroom-content", "version": 1, "sources": [{"slug": "a", "name": "A"},'
         ' {"slug": "a", "name": "B"}]}', "\"slug\" 'a' appears twice"),
        ('{"format": "newsroom-content", "version": 1, "articles": ["x"]}',
         "articles[0]: must be an object"),
        ('{"format": "newsroom-content", "version": 2, "site_settings": []}',
         '"site_settings" must be an object or null'),
        ('{"format": "newsroom-content", "version": 2, "alert_banners": {}}',
         '"alert_banners" must be a list'),
        ('{"format": "newsroom-content", "version": 2, "media": [{"width": 5}]}',
         'media[0]: "path" is missing'),
        ('{"format": "newsroom-content", "version": 2, "media_url": 5}',
         '"media_url" must be text'),
    ],
)  # fmt: skip
def test_malformed_files_are_refused_with_a_clear_message(tmp_path, content, expected):
    """A file that is not a content file is refused, naming what is wrong; nothing changes."""
    district = make_district(name="Hexi", slug="hexi", description="Kept as it is.")
    path = tmp_path / "in.json"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(CommandError, match=r"nothing was imported: .*" + re.escape(expected)):
        import_(path)
    assert list(District.objects.values_list("pk", "name", "description")) == [
        (district.pk, "Hexi", "Kept as it is.")
    ]


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
    assert "Dry run, nothing changed" in output and "articles: 3 created" in output
    assert not Article.objects.exists() and not District.objects.exists()
    assert not SiteSettings.objects.exists() and not ChangeNote.objects.exists()


def test_imported_bodies_are_sanitised_and_unknown_fields_reported(tmp_path, site):
    """A hand-edited file cannot smuggle script in, and fields this version lacks are named."""
    data = read(export(tmp_path))
    empty_the_site()
    data["articles"][0]["body"] = '<p onclick="steal()">Hi<script>steal()</script></p>'
    data["articles"][0]["rating"] = 5
    data["comments"] = []
    err = StringIO()
    import_(write(tmp_path, data), stderr=err)
    assert Article.objects.get(slug=data["articles"][0]["slug"]).body == "<p>Hi</p>"
    assert "ignored unknown field(s) rating" in err.getvalue()
    assert "ignored unknown section(s) comments" in err.getvalue()


def test_missing_media_files_are_reported(tmp_path, site, media_storage):
    """
    Media files are not in the file: the export says which are missing, and an import into a
    site whose media was not copied back says its pictures will not show.
    """
    path = export(tmp_path)
    empty_the_site()
    shutil.rmtree(media_storage)
    err = StringIO()
    import_(path, stderr=err)
    assert "2 media file(s) the articles use are not in this site's media storage" in err.getvalue()
    assert Article.objects.count() == 3

    err = StringIO()
    call_command("export_content", "--output", str(tmp_path / "again.json"), stderr=err)
    assert "Warning: 2 media file(s) the articles use are missing" in err.getvalue()
    assert read(tmp_path / "again.json")["media"][0]["width"] is None


def test_media_files_that_differ_are_reported(tmp_path, site):
    """A media folder copied back from elsewhere is checked against the sizes in the file."""
    path = export(tmp_path)
    lead = article_item(read(path), GREENWAY)["lead_image"]
    empty_the_site()
    for name, content in [(lead, make_image_bytes(size=(640, 480))), (site["inline"], b"text")]:
        default_storage.delete(name)
        default_storage.save(name, ContentFile(content))
    err = StringIO()
    import_(path, stderr=err)
    assert f"media[1] ({lead}): the file is 640×480 pixels here, 2000×1500 in the file" in (
        err.getvalue()
    )
    assert f"media[0] ({site['inline']}): not a readable image here" in err.getvalue()
    assert "not in this site's media storage" not in err.getvalue()


def test_pictures_in_bodies_follow_the_media_url(tmp_path, site, settings):
    """On a site serving media from elsewhere, body pictures point there instead of vanishing."""
    path = export(tmp_path)
    empty_the_site()
    settings.MEDIA_URL = "https://media.example.org/newsroom/"
    import_(path)
    body = Article.objects.get(slug=GREENWAY).body
    assert f'<img src="https://media.example.org/newsroom/{site["inline"]}" alt="路线图">' in body


def test_a_version_1_file_still_imports(tmp_path):
    """Files written before format version 2 (no lead images, notes or settings) still load."""
    make_user(username="newsdesk")
    data = {
        "format": "newsroom-content",
        "version": 1,
        "exported_at": "2025-01-31T10:00:00+08:00",
        "districts": [{"slug": "hexi", "name": "Hexi", "description": ""}],
        "sources": [{"slug": "daily", "name": "Tianjin Daily", "url": ""}],
        "articles": [
            {"slug": "old-story", "title": "Old story", "summary": "", "body": "<p>Old.</p>",
             "source_url": "", "status": "published",
             "published_at": "2025-01-30T09:00:00+08:00", "public_updated_at": None,
             "source": "daily", "districts": ["hexi"], "author": "newsdesk"},
        ],
    }  # fmt: skip
    import_(write(tmp_path, data))
    article = Article.objects.get(slug="old-story")
    assert article.is_published() and article.public_updated_at == article.published_at
    assert [d.slug for d in article.districts.all()] == ["hexi"]
    assert District.objects.get(slug="hexi").name_zh == ""


def test_a_file_without_chinese_names_keeps_the_sites(tmp_path, site):
    """A file from before Chinese names updates a district and leaves its Chinese name."""
    data = read(export(tmp_path))
    for district in data["districts"]:
        del district["name_zh"]
        district["description"] = "Updated."
    import_(write(tmp_path, data))
    hexi = District.objects.get(slug="hexi")
    assert (hexi.name_zh, hexi.description) == ("河西区", "Updated.")


def test_long_runs_show_a_progress_bar(tmp_path, site, monkeypatch):
    """Above the threshold both commands draw a progress bar; never into exported JSON."""
    monkeypatch.setattr("articles.management.commands.export_content.PROGRESS_THRESHOLD", 5)
    monkeypatch.setattr("articles.management.commands.import_content.PROGRESS_THRESHOLD", 5)
    out = StringIO()
    path = tmp_path / "content.json"
    call_command("export_content", "--output", str(path), stdout=out, stderr=StringIO())
    assert out.getvalue().splitlines()[-1].startswith("Exporting: 100%|##########|")
    stdout = StringIO()
    call_command("export_content", stdout=stdout)
    assert json.loads(stdout.getvalue())["version"] == VERSION
    empty_the_site()
    assert "\nImporting: 100%|##########|" in import_(path)
