from django.conf import settings
from django.http import Http404, HttpResponsePermanentRedirect
from django.shortcuts import get_object_or_404, render
from django.template.response import TemplateResponse
from django.views.decorators.http import require_safe
from django.views.generic import DetailView, ListView

from .models import Article, District, Source
from .search import SearchForm, SearchPaginator, add_highlights


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


class ArticleDetailView(PublishedArticleMixin, DetailView):
    def get_queryset(self):
        # Published or withdrawn: a withdrawn story keeps its page under a notice.
        return (
            Article.objects.on_public_record()
            .select_related("source")
            .prefetch_related("districts")
        )

    def get(self, request, *args, **kwargs):
        try:
            return super().get(request, *args, **kwargs)
        except Http404:
            return gone_or_404(request, kwargs["slug"])


def gone_or_404(request, slug):
    """A removed article's address: a permanent redirect to its replacement, or 410 Gone."""
    removed = Article.objects.removed().filter(slug=slug).first()
    if removed is None:
        raise Http404
    if removed.replacement_url:
        return HttpResponsePermanentRedirect(removed.replacement_url)
    return TemplateResponse(request, "410.html", status=410)


class DistrictIndexView(ListView):
    model = District
    template_name = "articles/district_index.html"


class _FilteredArticleListView(PublishedArticleMixin, ListView):
    """Published stories of one district or source, found by the slug in the URL."""

    paginate_by = 20
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


SEARCH_RESULTS_PER_PAGE = 20


@require_safe
def search(request):
    """Search published stories (``articles/search.py``); any query gives a normal page."""
    form = SearchForm(request.GET)
    results = form.results(
        Article.objects.published().select_related("source").prefetch_related("districts")
    )
    page = SearchPaginator(results, SEARCH_RESULTS_PER_PAGE).get_page(request.GET.get("page"))
    parsed = form.parsed_query()
    page.object_list = add_highlights(list(page.object_list), parsed)
    return render(
        request,
        "articles/search.html",
        {"form": form, "query": parsed.text, "page_obj": page, "object_list": page.object_list},
    )
