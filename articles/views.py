from urllib.parse import urlencode, urlsplit

from django.conf import settings
from django.db.models import Prefetch
from django.http import (
    Http404,
    HttpResponseForbidden,
    HttpResponsePermanentRedirect,
)
from django.shortcuts import render
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers, patch_vary_headers
from django.utils.formats import date_format
from django.utils.functional import cached_property
from django.utils.translation import gettext
from django.views import i18n
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST, require_safe
from django.views.generic import DetailView, ListView, MonthArchiveView, YearArchiveView

from .editorial import revisions
from .editorial.scheduling import apply_scheduled_change
from .forms import ArticleFilterForm, SearchForm
from .memos import browse_options, first_publication_year, related_stories, subject
from .models import Article, ChangeNote, District, ShareLink, SlugRedirect, Source
from .pagination import NewsroomPaginator
from .search import SearchPaginator, add_highlights, in_order


class PublicPageMixin:
    """
    A public page: its language may come from the language cookie, so caches keep one copy
    per cookie as well as per Accept-Language (which LocaleMiddleware adds).
    """

    def dispatch(self, request, *args, **kwargs):
        response = super().dispatch(request, *args, **kwargs)
        patch_vary_headers(response, ["Cookie"])
        return response


class PublishedArticleMixin(PublicPageMixin):
    """Every public article view starts from ``Article.objects.published()``."""

    def get_queryset(self):
        return Article.objects.for_listing()


def home(request):
    featured, latest = Article.objects.front_page(latest=settings.NEWSROOM_HOME_STORIES)
    districts, sources = browse_options()
    response = render(
        request,
        "articles/home.html",
        {
            "lead": featured[0] if featured else None,
            "featured": featured[1:],
            "latest": latest,
            "districts": districts,
            "sources": sources,
        },
    )
    patch_vary_headers(response, ["Cookie"])
    return response


class _StoryListMixin(PublishedArticleMixin):
    """
    The list of all public stories and its archives of a year and a month: 20 a page through
    the count-free paginator, filtered by district and source; a value no filter offers is
    a 404.
    """

    paginate_by = 20
    paginator_class = NewsroomPaginator
    template_name = "articles/article_list.html"
    # The list offers a year and a month among its filters; an archive has them in its address.
    dated_filters = True

    def get(self, request, *args, **kwargs):
        districts, sources = browse_options()
        self.filters = ArticleFilterForm(
            request.GET,
            districts=districts,
            sources=sources,
            years=self.years,
            dated=self.dated_filters,
        )
        if not self.filters.is_valid() and self.filters.is_forged():
            raise Http404("Unknown filter value.")
        return super().get(request, *args, **kwargs)

    @cached_property
    def years(self):
        """The years the archive covers, newest first: this one back to the first story's."""
        first_year = first_publication_year()
        return list(range(timezone.localdate().year, first_year - 1, -1)) if first_year else []

    def get_paginator(self, queryset, per_page, **kwargs):
        # The count and anchors are memoised under what chose the stories: the address's
        # period and the filters.
        period = self.kwargs.get("year"), self.kwargs.get("month")
        key = ("list", *period, tuple(self.filters.active.items()))
        return super().get_paginator(queryset, per_page, key=key, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        query = dict(self.filters.active)
        if context["page_obj"].number > 1:
            query["page"] = context["page_obj"].number
        context.update(
            filters=self.filters,
            canonical_url=self.request.build_absolute_uri(self.request.path)
            + (f"?{urlencode(query)}" if query else ""),
        )
        return context


class ArticleListView(_StoryListMixin, ListView):
    """All public stories, filtered by district, source, year and month."""

    def get_queryset(self):
        return self.filters.filter(super().get_queryset())

    def get_context_data(self, **kwargs):
        return super().get_context_data(heading=gettext("All stories"), **kwargs)


class _ArchiveMixin(_StoryListMixin):
    """
    Django's date-based archive views over the published stories, filtered by district and
    source. A year outside the archive, an impossible month and a period without any story
    are 404s; a period without the stories a filter asks for is a page saying so.
    """

    date_field = "published_at"
    dated_filters = False
    # Django checks for an empty period with queries of its own (exists(), and the nearest
    # stories before and after for the next and previous links); here the paginator's
    # memoised count tells (get_context_data).
    allow_empty = True

    def get(self, request, *args, **kwargs):
        # A year the list's year filter does not offer is a 404 before any query.
        if kwargs["year"] not in self.years:
            raise Http404("No stories in that year.")
        return super().get(request, *args, **kwargs)

    def get_dated_items(self):
        # The period's dates (a year's months) are those of all its stories; the filters
        # narrow the stories listed.
        dates, stories, extra_context = super().get_dated_items()
        return dates, self.filters.filter(stories), extra_context

    def get_date_list(self, queryset, date_type=None, ordering="ASC"):
        # Left lazy, to run only where a page shows it (a year's months). Django's own runs
        # it to check for emptiness even with allow_empty: a query on every month page.
        date_type = date_type or self.get_date_list_period()
        return queryset.datetimes(self.date_field, date_type, ordering)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        if not self.filters.active and not context["paginator"].count:
            raise Http404("No stories in that period.")
        return context


class ArticleYearArchiveView(_ArchiveMixin, YearArchiveView):
    """``/articles/2020/``: the year's stories, with links to its months that have some."""

    make_object_list = True

    def get_context_data(self, **kwargs):
        year = kwargs["year"].year
        return super().get_context_data(
            heading=gettext("Stories from %(year)s") % {"year": year},
            archive_year=year,
            archive_months=kwargs["date_list"],
            **kwargs,
        )


class ArticleMonthArchiveView(_ArchiveMixin, MonthArchiveView):
    """``/articles/2020/11/``: the month's stories."""

    month_format = "%m"

    def get_context_data(self, **kwargs):
        month = kwargs["month"]
        period = date_format(month, "YEAR_MONTH_FORMAT")
        return super().get_context_data(
            heading=gettext("Stories from %(period)s") % {"period": period},
            archive_year=month.year,
            archive_month=month,
            **kwargs,
        )


class ArticleDetailView(PublishedArticleMixin, DetailView):
    def get_queryset(self):
        # Published or withdrawn: a withdrawn story keeps its page under a notice. The
        # change notes of its history come in one query, however many there are.
        return (
            Article.objects.on_public_record()
            .select_related("source")
            .with_districts()
            .prefetch_related(
                Prefetch(
                    "change_notes",
                    queryset=ChangeNote.objects.public(),
                    to_attr="public_change_notes",
                ),
            )
        )

    def get_object(self, queryset=None):
        article = super().get_object(queryset)
        if article.change_is_due():
            # Its scheduled changes are due and this process has not applied them yet
            # (its cached "next due" time may be older than the schedule): apply, reload.
            apply_scheduled_change(article.pk)
            article = super().get_object(queryset)
        return article

    def get(self, request, *args, **kwargs):
        try:
            return super().get(request, *args, **kwargs)
        except Http404:
            return gone_or_404(request, kwargs["slug"])

    def get_context_data(self, **kwargs):
        related = related_stories(self.object)
        return super().get_context_data(related=related, **kwargs)


def gone_or_404(request, slug):
    """
    An address no public article has: a former address of an article answers a permanent
    redirect to its current one (``SlugRedirect``); a removed article's, a redirect to its
    replacement or 410 Gone.
    """
    moved = SlugRedirect.objects.filter(old_slug=slug).select_related("article").first()
    if moved is not None:
        article = moved.article
        if Article.objects.on_public_record().filter(pk=article.pk).exists():
            return HttpResponsePermanentRedirect(article.get_absolute_url())
        if article.status == Article.Status.REMOVED:
            slug = article.slug
    removed = Article.objects.removed().filter(slug=slug).first()
    if removed is None:
        raise Http404
    if removed.replacement_url:
        return HttpResponsePermanentRedirect(removed.replacement_url)
    return TemplateResponse(request, "410.html", status=410)


@require_safe
def share_preview(request, token):
    """
    An article's current draft for someone without an account, through a preview link
    (``ShareLink``). Unknown, expired and revoked links, and removed articles, are a plain
    404. Every opening is logged; nothing is cached, indexed or sent on as a referrer.
    """
    link = ShareLink.find(token)
    if link is None:
        raise Http404
    article = (
        Article.objects.select_related("source", "pending_revision")
        .exclude(status=Article.Status.REMOVED)
        .filter(pk=link.article_id)
        .first()
    )
    if article is None:
        raise Http404
    link.record_open(request)
    article = revisions.overlay_pending(article)
    response = TemplateResponse(
        request,
        "articles/share_preview.html",
        {"article": article, "object": article, "link": link},
    )
    add_never_cache_headers(response)
    response["Cache-Control"] = "no-store, private"
    response["X-Robots-Tag"] = "noindex, nofollow"
    response["Referrer-Policy"] = "no-referrer"
    return response


class DistrictIndexView(PublicPageMixin, ListView):
    queryset = District.objects.only("name", "name_zh", "slug")
    template_name = "articles/district_index.html"


class SourceIndexView(PublicPageMixin, ListView):
    queryset = Source.objects.only("name", "name_zh", "slug", "url")
    template_name = "articles/source_index.html"


class _FilteredArticleListView(PublishedArticleMixin, ListView):
    """Published stories of one district or source, found by the slug in the URL."""

    paginate_by = 20
    paginator_class = NewsroomPaginator
    filter_model = None
    filter_field = None

    def get(self, request, *args, **kwargs):
        self.subject = subject(self.filter_model, kwargs["slug"])
        if self.subject is None:
            raise Http404(f"No {self.filter_model._meta.verbose_name} with this address.")
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        return super().get_queryset().filter(**{self.filter_field: self.subject})

    def get_paginator(self, queryset, per_page, **kwargs):
        # The count and anchors are memoised under what chose the stories in get_queryset().
        key = (self.filter_field, self.subject.pk)
        return super().get_paginator(queryset, per_page, key=key, **kwargs)

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


@csrf_exempt
@require_POST
def set_language(request):
    """
    Django's ``set_language``, checking the Origin header instead of a CSRF token.

    The switcher sits on every public page; a per-visitor token there would make each page
    different for each visitor, defeating ETags and shared caches. A cross-site post could
    at worst change a visitor's display language; browsers send Origin with every POST, and
    a foreign one is refused.
    """
    origin = request.headers.get("Origin")
    # Host only: behind a TLS proxy the request may look like http while Origin says https.
    if (
        origin
        and urlsplit(origin).netloc != request.get_host()
        and origin not in settings.CSRF_TRUSTED_ORIGINS
    ):
        return HttpResponseForbidden()
    return i18n.set_language(request)


SEARCH_RESULTS_PER_PAGE = 20


@require_safe
def search(request):
    """Search published stories (``articles/search/``); any query gives a normal page."""
    form = SearchForm(request.GET)
    page = SearchPaginator(form.result_ids(), SEARCH_RESULTS_PER_PAGE).get_page(
        request.GET.get("page")
    )
    parsed = form.parsed_query()
    shown = Article.objects.published().select_related("source").with_districts()
    page.object_list = add_highlights(in_order(shown, page.object_list), parsed)
    return render(
        request,
        "articles/search.html",
        {"form": form, "query": parsed.text, "page_obj": page, "object_list": page.object_list},
    )
