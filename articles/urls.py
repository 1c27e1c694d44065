from django.urls import path, register_converter

from . import api, feeds, views


class UnicodeSlugConverter:
    """Slugs as ``slugify(allow_unicode=True)`` makes them: letters of any script."""

    regex = r"[-\w]+"

    def to_python(self, value):
        return value

    def to_url(self, value):
        return value


class YearConverter:
    regex = r"[0-9]{4}"

    def to_python(self, value):
        return int(value)

    def to_url(self, value):
        return f"{int(value):04d}"


class MonthConverter:
    regex = r"[0-9]{2}"

    def to_python(self, value):
        return int(value)

    def to_url(self, value):
        return f"{int(value):02d}"


register_converter(UnicodeSlugConverter, "uslug")
register_converter(YearConverter, "yyyy")
register_converter(MonthConverter, "mm")

app_name = "articles"
urlpatterns = [
    path("", views.home, name="home"),
    path("articles/", views.ArticleListView.as_view(), name="list"),
    # Before the story pages: a slug of digits only is refused, so a year is never a story.
    path("articles/<yyyy:year>/", views.ArticleYearArchiveView.as_view(), name="archive_year"),
    path(
        "articles/<yyyy:year>/<mm:month>/",
        views.ArticleMonthArchiveView.as_view(),
        name="archive_month",
    ),
    path("articles/<uslug:slug>/", views.ArticleDetailView.as_view(), name="detail"),
    path("districts/", views.DistrictIndexView.as_view(), name="districts"),
    path("districts/<slug:slug>/", views.DistrictArticleListView.as_view(), name="district"),
    path("sources/", views.SourceIndexView.as_view(), name="sources"),
    path("sources/<slug:slug>/", views.SourceArticleListView.as_view(), name="source"),
    # A draft shared with someone outside the CMS (ShareLink): no account needed.
    path("preview/<str:token>/", views.share_preview, name="share_preview"),
]

# Search, feeds and the open-data API.
urlpatterns += [
    path("search/", views.search, name="search"),
    path("feeds/rss/", feeds.LatestArticlesFeed(), name="feed"),
    path("feeds/atom/", feeds.LatestArticlesAtomFeed(), name="feed_atom"),
    path("districts/<slug:slug>/rss/", feeds.DistrictFeed(), name="district_feed"),
    path("districts/<slug:slug>/atom/", feeds.DistrictAtomFeed(), name="district_feed_atom"),
    path("sources/<slug:slug>/rss/", feeds.SourceFeed(), name="source_feed"),
    path("sources/<slug:slug>/atom/", feeds.SourceAtomFeed(), name="source_feed_atom"),
    path("api/", api.index, name="api_index"),
    path("api/articles/", api.article_list, name="api_articles"),
    # Any segment: the API answers a slug that cannot exist with its JSON 404 too.
    path("api/articles/<str:slug>/", api.article_detail, name="api_article"),
    path("api/districts/", api.district_list, name="api_districts"),
    path("api/sources/", api.source_list, name="api_sources"),
    path("api/schema/", api.schema, name="api_schema"),
]
