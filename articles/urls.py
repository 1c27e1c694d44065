from django.urls import path, register_converter

from . import views


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
    path("articles/<yyyy:year>/", views.ArticleListView.as_view(), name="archive_year"),
    path(
        "articles/<yyyy:year>/<mm:month>/",
        views.ArticleListView.as_view(),
        name="archive_month",
    ),
    path("articles/<uslug:slug>/", views.ArticleDetailView.as_view(), name="detail"),
    path("districts/", views.DistrictIndexView.as_view(), name="districts"),
    path("districts/<slug:slug>/", views.DistrictArticleListView.as_view(), name="district"),
    path("sources/", views.SourceIndexView.as_view(), name="sources"),
    path("sources/<slug:slug>/", views.SourceArticleListView.as_view(), name="source"),
]
