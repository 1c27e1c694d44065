import io
from datetime import UTC, datetime, timedelta

import html5lib
import pytest
from django.core.management import call_command
from django.db import connection
from django.template.loader import render_to_string
from django.utils import timezone

from articles import editorial, search
from articles.models import Article
from articles.search import (
    MAX_QUERY_LENGTH,
    ParsedQuery,
    cjk_vector_literal,
    clean_query,
    highlight,
    html_to_text,
    snippet,
)
from tests.factories import make_article, make_district, make_superuser
from tests.querycounts import assert_constant_queries

postgres_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="PostgreSQL full-text search; SQLite has substrings"
)

HIDDEN_STATES = [
    {"status": Article.Status.DRAFT},
    {"status": Article.Status.IN_REVIEW},
    {"status": Article.Status.PUBLISHED, "published_at": timezone.now() + timedelta(days=1)},
    {"status": Article.Status.WITHDRAWN, "published_at": timezone.now() - timedelta(days=1)},
    {"status": Article.Status.REMOVED, "published_at": timezone.now() - timedelta(days=1)},
]

ODD_QUERIES = [
    "",
    " ",
    "a" * 10_000,
    "武清" * 5_000,
    "!!!",
    "?*&|!():<->'\"\\",
    "\x00",
    "wuqing\x00district",
    "\x01\x02\x1b[31m",
    "😀🎉",
    "投资😀",
    "' OR 1=1; --",
    "'; DROP TABLE articles_article; --",
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "&amp; &lt;",
    '"unclosed phrase',
    "-",
    "or",
    "the",
    "invest:*",
]


def get_search(client, **params):
    response = client.get("/search/", params)
    assert response.status_code == 200
    return response


def titles(response):
    return [article.title for article in response.context["page_obj"].object_list]


def assert_valid_html5(content):
    html5lib.HTMLParser(strict=True, namespaceHTMLElements=False).parse(content)


# --- Pure functions ---------------------------------------------------------------------------


def test_clean_query_drops_control_characters_and_cuts_long_queries():
    """NUL and other control characters become spaces; a query is at most 200 characters."""
    assert clean_query("  wu\x00qing \x1b  district\t") == "wu qing district"
    assert clean_query("x" * 10_000) == "x" * MAX_QUERY_LENGTH
    assert clean_query(None) == ""
    assert clean_query("\ud800") == ""


def test_cjk_runs_are_indexed_as_positioned_bigrams():
    """武清区 gives the bigrams 武清 and 清区 and its last character, at consecutive positions."""
    assert cjk_vector_literal("武清区", "A") == "'武清':1A '清区':2A '区':3A"
    # Latin text and punctuation end a run; the next run starts after a gap.
    assert cjk_vector_literal("武清 Wuqing，区", "C") == "'武清':1C '清':2C '区':4C"
    assert cjk_vector_literal("Wuqing only", "B") == ""


def test_parsed_query_separates_chinese_from_other_words():
    """A query is split into CJK runs (matched as phrases) and other words (stemmed)."""
    parsed = ParsedQuery("Wuqing 武清区 investment, 投资")
    assert parsed.cjk_runs == ["武清区", "投资"]
    assert parsed.words == ["Wuqing", "investment"]
    assert parsed.cjk_query_literal() == "('武清' <-> '清区') & ('投资')"
    assert ParsedQuery("区").cjk_query_literal() == "'区':*"
    assert not ParsedQuery("!!! \x00 ...")


def marked(segments):
    """Segments as the search results write them (``includes/marked_text.html``)."""
    return render_to_string("includes/marked_text.html", {"segments": segments})


def test_highlight_escapes_text_and_marks_matches():
    """Only the <mark> elements are markup: everything else in the text is escaped."""
    parsed = ParsedQuery("invest 武清")
    segments = highlight('<b>New investment</b> in 武清区 & "more"', parsed)
    assert segments == (
        ("<b>New ", False),
        ("investment", True),
        ("</b> in ", False),
        ("武清", True),
        ('区 & "more"', False),
    )
    assert marked(segments) == (
        "&lt;b&gt;New <mark>investment</mark>&lt;/b&gt; in <mark>武清</mark>区 "
        "&amp; &quot;more&quot;"
    )


def test_highlight_marks_every_stemmed_form():
    """Words sharing the query's English stem are marked, others are not."""
    html = marked(highlight("Investing, invested, investor, invests.", ParsedQuery("investment")))
    assert html == "<mark>Investing</mark>, <mark>invested</mark>, investor, <mark>invests</mark>."


def test_snippet_is_cut_around_a_late_match():
    """A match far into the text gives an excerpt around it, with ellipses where it was cut."""
    text = "Opening words. " + "filler " * 100 + "the heating season starts " + "tail " * 100
    html = marked(snippet(text, ParsedQuery("heating")))
    assert html.startswith("… ") and html.endswith(" …")
    assert "<mark>heating</mark>" in html
    assert len(html) < 320


def test_html_to_text_keeps_words_apart():
    """Tags become spaces, so words in adjacent paragraphs stay separate; entities decode."""
    assert html_to_text("<p>one</p><p>two &amp; three</p>") == "one two & three"


# --- The page, on every database ----------------------------------------------------------


@pytest.mark.django_db
def test_search_finds_title_summary_and_body(client):
    """A word found in the title, the summary or the body finds the story."""
    make_article(title="Heating season begins")
    make_article(summary="The heating comes on today.")
    make_article(body="<p>Call the hotline if the heating fails.</p>")
    make_article(title="Libraries stay open later")
    response = get_search(client, q="heating")
    assert len(titles(response)) == 3
    assert "Libraries stay open later" not in titles(response)


@pytest.mark.django_db
def test_search_shows_only_published_stories(client):
    """Drafts, stories in review, scheduled, withdrawn and removed stories are never found."""
    make_article(title="Public heating notice")
    for i, state in enumerate(HIDDEN_STATES):
        make_article(title=f"Hidden heating notice {i}", **state)
    response = get_search(client, q="heating notice")
    assert titles(response) == ["Public heating notice"]
    assert "Hidden" not in response.content.decode()


@pytest.mark.django_db
def test_chinese_two_character_query_finds_longer_words(client):
    """武清 finds a story about 武清区, and 投资 one about 投资项目; 北京 finds neither."""
    wuqing = make_article(title="武清区签约一批项目", summary="区政府表示，工作将于年内完成。")
    invest = make_article(title="招商引资", body="<p>新增社会投资项目百余个。</p>")
    assert titles(get_search(client, q="武清")) == [wuqing.title]
    assert titles(get_search(client, q="投资")) == [invest.title]
    assert titles(get_search(client, q="武清区")) == [wuqing.title]
    assert titles(get_search(client, q="北京")) == []


@pytest.mark.django_db
def test_every_word_must_match(client):
    """Several words narrow the search: each must be found in the story."""
    both = make_article(title="Wuqing heating plant", summary="The 武清 heating plant.")
    make_article(title="Wuqing library")
    assert titles(get_search(client, q="wuqing heating")) == [both.title]
    assert titles(get_search(client, q="heating 武清")) == [both.title]


@pytest.mark.django_db
def test_search_filters_by_district_and_dates(client):
    """The district and the date range narrow the results; they combine."""
    wuqing = make_district(name="Wuqing", slug="wuqing")
    now = timezone.now()
    recent = make_article(title="Recent Wuqing budget", districts=[wuqing])
    old = make_article(
        title="Old Wuqing budget", districts=[wuqing], published_at=now - timedelta(days=40)
    )
    make_article(title="Recent city budget")
    assert set(titles(get_search(client, q="budget", district="wuqing"))) == {
        recent.title,
        old.title,
    }
    since = (now - timedelta(days=10)).date().isoformat()
    until = (now - timedelta(days=30)).date().isoformat()
    assert titles(get_search(client, q="budget", district="wuqing", date_from=since)) == [
        recent.title
    ]
    assert titles(get_search(client, q="budget", date_to=until)) == [old.title]


@pytest.mark.django_db
@pytest.mark.parametrize(
    "params",
    [
        {"district": "no-such-district"},
        {"date_from": "yesterday"},
        {"date_from": "0001-01-01"},
        {"date_to": "9999-12-31"},
        {"date_from": "2024-05-01", "date_to": "2024-01-01"},
        {"page": "-1"},
        {"page": "abc"},
        {"page": "9" * 30},
    ],
)
def test_bad_filters_are_ignored_with_a_message(client, params):
    """A bad filter or page gives a normal page: the search runs without it."""
    make_article(title="Heating season begins")
    response = get_search(client, q="heating", **params)
    assert titles(response) == ["Heating season begins"]
    if "page" not in params:
        assert "This filter is ignored." in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("query", ODD_QUERIES)
def test_odd_queries_give_a_normal_page(client, query):
    """Empty, huge, punctuation, NUL, emoji, SQL and HTML queries give a valid page, no error."""
    make_article(title="Heating season begins", body="<p>&lt;script&gt; is text here.</p>")
    response = get_search(client, q=query)
    content = response.content.decode()
    assert_valid_html5(content)
    assert "<script>alert" not in content
    assert "<img src=x" not in content


@pytest.mark.django_db
def test_undecodable_query_string_gives_a_normal_page(client):
    """Bytes that are not UTF-8 (a lone surrogate, 0xFF) and a NUL give a normal page."""
    make_article(title="Heating season begins")
    response = client.get("/search/?q=%ED%A0%80%FF%00heating")
    assert response.status_code == 200
    assert_valid_html5(response.content.decode())


@pytest.mark.django_db
def test_snippets_are_escaped_and_highlighted(client):
    """Text that looks like HTML is shown as text; the match is marked."""
    make_article(
        title="<b>Bold</b> heating plan",
        summary="",
        body="<p>Residents wrote &lt;script&gt;alert(1)&lt;/script&gt; about heating.</p>",
    )
    content = get_search(client, q="heating").content.decode()
    assert "&lt;b&gt;Bold&lt;/b&gt; <mark>heating</mark> plan" in content
    assert "&lt;script&gt;alert(1)&lt;/script&gt; about <mark>heating</mark>" in content
    assert "<script>alert(1)" not in content


@pytest.mark.django_db
def test_results_are_paginated_keeping_the_query(client):
    """Twenty results a page; the next-page link keeps the query and filters."""
    for n in range(23):
        make_article(title=f"Heating notice {n}")
    first = get_search(client, q="heating")
    assert len(titles(first)) == 20
    assert first.context["page_obj"].paginator.count == 23
    assert 'href="?q=heating&amp;page=2"' in first.content.decode()
    assert len(titles(get_search(client, q="heating", page=2))) == 3


@pytest.mark.django_db
def test_results_are_capped_at_the_newest(client, monkeypatch):
    """Past the cap the page says there were more and pages through the newest ones only."""
    monkeypatch.setattr(search.query, "MAX_RESULTS", 3)
    now = timezone.now()
    for n in range(5):
        make_article(title=f"Heating notice {n}", published_at=now - timedelta(days=n))
    response = get_search(client, q="heating")
    assert response.context["page_obj"].paginator.count == 3
    assert titles(response) == ["Heating notice 0", "Heating notice 1", "Heating notice 2"]
    assert "More than 3 stories found for “heating”: here are the newest 3, best first." in (
        response.content.decode()
    )
    make_article(title="Library hours")
    exact = get_search(client, q="library")
    assert "1 story found for “library”." in exact.content.decode()


@pytest.mark.django_db
def test_search_runs_a_fixed_number_of_queries(client, django_assert_num_queries):
    """The search page runs the same queries for 2 matches as for 40."""
    district = make_district()

    def grow():
        for n in range(38):
            make_article(title=f"Heating notice {n}", districts=[district])

    make_article(title="Heating notice a", districts=[district])
    make_article(title="Heating notice b")
    assert_constant_queries(
        django_assert_num_queries,
        lambda: get_search(client, q="heating", district=district.slug),
        grow,
        most=5,
    )


@pytest.mark.django_db
def test_empty_search_runs_no_article_query(client, django_assert_num_queries):
    """Without a query the page shows the form only, and its district list is memoised."""
    make_article()
    get_search(client)  # site settings, banners and the district list are cached from then on
    with django_assert_num_queries(0):
        get_search(client)


@pytest.mark.django_db
def test_header_has_a_search_form(client):
    """Every page's header has a labelled search box sending to /search/."""
    content = client.get("/").content.decode()
    assert 'action="/search/"' in content
    assert '<label class="visually-hidden" for="site-search-q">' in content


# --- PostgreSQL full-text search ---------------------------------------------------------------


@postgres_only
@pytest.mark.django_db
def test_english_words_match_by_stem(client):
    """investment, invest and investing find each other (English stemming)."""
    article = make_article(title="New investment in Wuqing")
    for query in ("investment", "invest", "investing", "INVESTMENTS"):
        assert titles(get_search(client, q=query)) == [article.title], query


@postgres_only
@pytest.mark.django_db
def test_title_matches_rank_above_body_matches(client):
    """A title match ranks first, even when a body match is newer."""
    now = timezone.now()
    in_body = make_article(title="Council news", body="<p>About the harbour.</p>", published_at=now)
    in_title = make_article(title="Harbour works", published_at=now - timedelta(days=30))
    in_summary = make_article(
        title="Works", summary="Harbour closed.", published_at=now - timedelta(days=10)
    )
    assert titles(get_search(client, q="harbour")) == [
        in_title.title,
        in_summary.title,
        in_body.title,
    ]


@postgres_only
@pytest.mark.django_db
def test_only_the_newest_matches_are_ranked(client, monkeypatch):
    """Of the newest matches (one past the cap), the best come first; older ones are left out."""
    monkeypatch.setattr(search.query, "MAX_RESULTS", 2)
    now = timezone.now()
    make_article(title="Harbour works", published_at=now - timedelta(days=30))
    newest = make_article(title="News", body="<p>The harbour.</p>", published_at=now)
    newer = make_article(title="More", body="<p>A harbour.</p>", published_at=now - timedelta(1))
    best = make_article(title="Harbour closed", published_at=now - timedelta(days=2))
    response = get_search(client, q="harbour")
    assert titles(response) == [best.title, newest.title]
    assert response.context["page_obj"].paginator.more
    assert newer.title not in titles(response)


@pytest.mark.django_db
def test_search_results_change_with_the_content(client):
    """Results are memoised, yet an approval or a withdrawal shows in the next search."""
    editor = make_superuser()
    article = make_article(title="Heating plan", status=Article.Status.IN_REVIEW)
    assert titles(get_search(client, q="heating")) == []
    editorial.approve(article, by=editor)
    assert titles(get_search(client, q="heating")) == ["Heating plan"]
    editorial.withdraw(article, by=editor, explanation="Published in error.")
    assert titles(get_search(client, q="heating")) == []


@pytest.mark.django_db
def test_a_repeated_search_is_not_run_again(client, django_assert_num_queries):
    """The ranked matches are memoised: the same search again only loads the page's stories."""
    make_article(title="Heating plan", districts=[make_district()])
    first = titles(get_search(client, q="heating"))
    with django_assert_num_queries(2):  # the page's stories, their districts
        assert titles(get_search(client, q="heating")) == first
    with django_assert_num_queries(3):  # another query: its matches as well
        get_search(client, q="plan")


@postgres_only
@pytest.mark.django_db
def test_chinese_phrase_needs_adjacent_characters(client):
    """武清区 is not found in a story that has 武清 and 清区 apart."""
    apart = make_article(title="武清，清区")
    together = make_article(title="武清区")
    assert titles(get_search(client, q="武清区")) == [together.title]
    assert set(titles(get_search(client, q="清区"))) == {apart.title, together.title}


@postgres_only
@pytest.mark.django_db
def test_one_chinese_character_finds_it_anywhere(client):
    """A one-character query finds the character at the start, middle or end of a word."""
    found = [make_article(title=t).title for t in ("区政府", "小区改造", "武清区")]
    make_article(title="武清")
    assert set(titles(get_search(client, q="区"))) == set(found)


@postgres_only
@pytest.mark.django_db
def test_web_search_syntax_for_english(client):
    """Quoted phrases and -exclusions work for English words."""
    plant = make_article(title="Heating plant repairs")
    make_article(title="Plant heating schedule")
    assert titles(get_search(client, q='"heating plant"')) == [plant.title]
    assert titles(get_search(client, q="heating -schedule")) == [plant.title]


@postgres_only
@pytest.mark.django_db
def test_search_vector_follows_edits(client):
    """Editing the title updates the index: the new words are found, the old ones are not."""
    article = make_article(title="Harbour works")
    article.title = "Canal works"
    article.save()
    assert titles(get_search(client, q="canal")) == ["Canal works"]
    assert titles(get_search(client, q="harbour")) == []
    article.summary = "Lock gates replaced."
    article.save(update_fields=["summary"])
    assert titles(get_search(client, q="gates")) == ["Canal works"]


@postgres_only
@pytest.mark.django_db
def test_generated_stories_are_searchable(settings, client):
    """seed_demo_data's bulk inserts fill the search index column too."""
    settings.DEBUG = True
    call_command("seed_demo_data", articles=50, seed=1, stdout=io.StringIO())
    generated = Article.objects.filter(slug__startswith="generated-")
    assert not generated.filter(search_vector__isnull=True).exists()
    assert get_search(client, q="hotline").context["page_obj"].paginator.count > 0


@postgres_only
@pytest.mark.django_db
def test_rebuild_fills_missing_vectors(client):
    """rebuild_search_vectors() recomputes rows written without save() (raw imports)."""
    article = make_article(title="Harbour works")
    Article.objects.filter(pk=article.pk).update(search_vector=None)
    assert titles(get_search(client, q="harbour")) == []
    assert Article.objects.rebuild_search_vectors() == 1
    assert titles(get_search(client, q="harbour")) == [article.title]


@postgres_only
@pytest.mark.django_db
@pytest.mark.parametrize("query", ["investment", "武清", "区", "wuqing 投资项目"])
def test_search_query_can_use_the_gin_index(query):
    """
    The search condition is one the GIN index serves. The test table is tiny, so sequential
    scans are switched off and the condition is planned alone (with published() the planner
    may prefer the status index here; at scale, see README "Search").
    """
    make_article(title="武清区投资项目 investment")
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        plan = Article.objects.search(query).explain()
    assert "article_search_vector_gin" in plan, plan


@pytest.mark.django_db
def test_a_result_shows_its_date_source_and_districts(client):
    """Each result: its link, highlighted title, local date, source, districts and snippet."""
    heping, hexi = make_district(name="Heping"), make_district(name="Hexi")
    published = datetime(2026, 3, 1, 23, 30, tzinfo=UTC)
    article = make_article(
        title="Heating <b>plan</b>",
        summary="Radiators on from <Monday>.",
        published_at=published,
        districts=[hexi, heping],
    )
    content = get_search(client, q="heating").content.decode()
    result = content.split('<article class="card search-result" lang="en">', 1)[1]
    result = result.split("</article>")[0]
    assert f'<a href="{article.get_absolute_url()}"><mark>Heating</mark> &lt;b&gt;plan' in result
    # 23:30 UTC is the next morning in Asia/Shanghai.
    assert '<time datetime="2026-03-02T07:30:00+08:00">2026-03-02</time>' in result
    assert f"· {article.source.name} · Heping, Hexi" in result
    assert '<p class="card__summary">Radiators on from &lt;Monday&gt;.</p>' in result
