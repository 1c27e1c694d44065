from django.conf import settings
from django.shortcuts import get_object_or_404
from django.views.generic import DetailView, ListView

from .models import Article, District, Source
from .pagination import NewsroomPaginator


class PublishedArticleMixin:
    """Every public article view starts from ``Article.objects.published()``."""

    def get_queryset(self):
        return Article.objects.for_listing()


class HomeView(PublishedArticleMixin, ListView):
    template_name = "articles/home.html"

    def get_queryset(self):
        return super().get_queryset()[: settings.NEWSROOM_HOME_STORIES]


class ArticleListView(PublishedArticleMixin, ListView):
    paginate_by = 20
    paginator_class = NewsroomPaginator


class ArticleDetailView(PublishedArticleMixin, DetailView):
    def get_queryset(self):
        return Article.objects.published().select_related("source").prefetch_related("districts")


class DistrictIndexView(ListView):
    model = District
    template_name = "articles/district_index.html"


class _FilteredArticleListView(PublishedArticleMixin, ListView):
    """Published stories of one district or source, found by the slug in the URL."""

    paginate_by = 20
    paginator_class = NewsroomPaginator
    filter_model = None
    filter_field = None

    def get(self, request, *args, **kwargs):
        self.subject = get_object_or_404(self.filter_model, slug=kwargs["slug"])
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        return super().get_queryset().filter(**{self.filter_field: self.subject})

    def get_context_data(self, **kwargs):
        return super().get_context_data(subject=self.subject, **kwargs)


class DistrictArticleListView(_FilteredArticleListView):
    filter_model = District
    filter_field = "districts"
    template_name = "articles/district_detail.html"


class SourceArticleListView(_FilteredArticleListView):
    filter_model = Source
    filter_field = "source"
    template_name = "articles/source_detail.html"
