from django.urls import path, register_converter

from . import views


class UnicodeSlugConverter:
    """Slugs as ``slugify(allow_unicode=True)`` makes them: letters of any script."""

    regex = r"[-\w]+"

    def to_python(self, value):
        return value

    def to_url(self, value):
        return value


register_converter(UnicodeSlugConverter, "uslug")

app_name = "articles"
urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("articles/", views.ArticleListView.as_view(), name="list"),
    path("articles/<uslug:slug>/", views.ArticleDetailView.as_view(), name="detail"),
    path("districts/", views.DistrictIndexView.as_view(), name="districts"),
    path("districts/<slug:slug>/", views.DistrictArticleListView.as_view(), name="district"),
    path("sources/<slug:slug>/", views.SourceArticleListView.as_view(), name="source"),
]
