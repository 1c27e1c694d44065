"""
The read-only JSON API under /api/: published articles, districts and sources.

Plain views; the OpenAPI 3.1 description is the data in ``OPENAPI_SCHEMA`` below, served at
/api/schema/, and the tests validate real responses against it so the two cannot drift.

Pages are found by fetching one row more than asked for: "next" exists when that row does, so no
request counts the whole table.
"""

from datetime import datetime
from functools import wraps

from django import forms
from django.core.validators import slug_unicode_re
from django.http import JsonResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_safe

from .models import Article, District, Source

PAGE_SIZE = 20
MAX_PAGE_SIZE = 100
MAX_PAGE = 100_000


class ApiError(Exception):
    def __init__(self, status, code, message, detail=None):
        super().__init__(message)
        self.status, self.code, self.message, self.detail = status, code, message, detail


def error_response(error):
    body = {"error": {"code": error.code, "message": str(error.message)}}
    if error.detail:
        body["error"]["detail"] = error.detail
    return _json(body, status=error.status)


def _json(data, status=200):
    response = JsonResponse(data, status=status, json_dumps_params={"ensure_ascii": False})
    # Open data: any site may read it from a browser (no cookies are involved).
    response["Access-Control-Allow-Origin"] = "*"
    return response


def api_view(view):
    """
    Only GET and HEAD; an ``ApiError`` becomes its JSON error response.

    Exempt from CSRF checks: the API reads no cookies and changes nothing, so there is nothing
    to forge, and the check's 403 would hide the 405 that tells a client it is read-only.
    """

    @csrf_exempt
    @require_safe
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except ApiError as error:
            return error_response(error)

    return wrapper


# ---------------------------------------------------------------------------------------------
# Parameters


class PageForm(forms.Form):
    page = forms.IntegerField(required=False, min_value=1, max_value=MAX_PAGE)
    page_size = forms.IntegerField(required=False, min_value=1, max_value=MAX_PAGE_SIZE)


class ArticleFilterForm(PageForm):
    """The list page's filters: district, source, year and month (which needs a year)."""

    district = forms.SlugField(required=False, allow_unicode=False)
    source = forms.SlugField(required=False)
    year = forms.IntegerField(required=False, min_value=1900, max_value=2999)
    month = forms.IntegerField(required=False, min_value=1, max_value=12)

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("month") and not cleaned.get("year"):
            self.add_error("month", _("Give a year with the month."))
        return cleaned

    def filter(self, queryset):
        data = self.cleaned_data
        if data.get("district"):
            queryset = queryset.filter(districts__slug=data["district"])
        if data.get("source"):
            queryset = queryset.filter(source__slug=data["source"])
        if data.get("year"):
            # A range on published_at, in the site's time zone, so the index serves it.
            year, month = data["year"], data.get("month")
            start = datetime(year, month or 1, 1)
            if month:
                end = datetime(year + (month == 12), month % 12 + 1, 1)
            else:
                end = datetime(year + 1, 1, 1)
            queryset = queryset.filter(
                published_at__gte=timezone.make_aware(start),
                published_at__lt=timezone.make_aware(end),
            )
        return queryset


def _parameters(form_class, request):
    """
    The form bound to the query string, which holds only parameters the description lists,
    each with a value: a typo (``distrct=``) or an empty value is a 400 naming it, not a list
    that silently ignores it.
    """
    form = form_class(request.GET)
    for name in form.fields.keys() & request.GET.keys():
        form.fields[name].required = True  # each form has its own copy of the fields
    detail = {}
    if not form.is_valid():
        detail = {
            field: [e["message"] for e in errors]
            for field, errors in form.errors.get_json_data().items()
        }
    for name in sorted(request.GET.keys() - form.fields.keys()):
        detail[name] = [str(_("Unknown parameter."))]
    if detail:
        raise ApiError(400, "invalid_parameters", _("Some parameters are not valid."), detail)
    return form


def _paginate(request, queryset, form, serialize):
    """One page of ``queryset`` (fetched with one row more, to know if there is a next)."""
    page = form.cleaned_data.get("page") or 1
    size = form.cleaned_data.get("page_size") or PAGE_SIZE
    offset = (page - 1) * size
    rows = list(queryset[offset : offset + size + 1])
    if page > 1 and not rows:
        raise ApiError(404, "page_not_found", _("There is no page %(page)s.") % {"page": page})

    def link(number):
        query = request.GET.copy()
        query["page"] = number
        return request.build_absolute_uri(request.path + "?" + urlencode(sorted(query.items())))

    return _json(
        {
            "page": page,
            "page_size": size,
            "previous": link(page - 1) if page > 1 else None,
            "next": link(page + 1) if len(rows) > size else None,
            "results": [serialize(request, row) for row in rows[:size]],
        }
    )


# ---------------------------------------------------------------------------------------------
# Representations


def _time(value):
    return timezone.localtime(value).isoformat() if value else None


def district_data(request, district):
    return {
        "name": district.name,
        "name_zh": district.name_zh or None,
        "slug": district.slug,
        "url": request.build_absolute_uri(district.get_absolute_url()),
    }


def district_detail_data(request, district):
    return {**district_data(request, district), "description": district.description}


def source_data(request, source):
    return {
        "name": source.name,
        "name_zh": source.name_zh or None,
        "slug": source.slug,
        "website": source.url or None,
        "url": request.build_absolute_uri(source.get_absolute_url()),
    }


def article_data(request, article):
    return {
        "slug": article.slug,
        "title": article.title,
        "summary": article.summary,
        "url": request.build_absolute_uri(article.get_absolute_url()),
        "api_url": request.build_absolute_uri(
            reverse("articles:api_article", kwargs={"slug": article.slug})
        ),
        "published_at": _time(article.published_at),
        "updated_at": _time(article.updated_on),
        "source": source_data(request, article.source),
        "districts": [district_data(request, d) for d in article.district_list],
    }


def article_detail_data(request, article):
    return {
        **article_data(request, article),
        "source_url": article.source_url or None,
        # Sanitised with the allow-list when saved (richtext/sanitize.py).
        "body_html": article.body,
    }


# ---------------------------------------------------------------------------------------------
# Views


@api_view
def index(request):
    """Where everything is."""
    return _json(
        {
            name: request.build_absolute_uri(reverse(f"articles:api_{name}"))
            for name in ("articles", "districts", "sources", "schema")
        }
    )


@api_view
def article_list(request):
    """Published articles, newest first, filtered like the list page."""
    form = _parameters(ArticleFilterForm, request)
    queryset = form.filter(Article.objects.for_listing())
    return _paginate(request, queryset, form, article_data)


@api_view
def article_detail(request, slug):
    """One published article, with its sanitised body."""
    article = None
    # What is not a slug names no article (and a NUL byte would upset PostgreSQL).
    if slug_unicode_re.match(slug):
        article = (
            Article.objects.published()
            .select_related("source")
            .with_districts()
            .filter(slug=slug)
            .first()
        )
    if article is None:
        raise ApiError(404, "not_found", _("No published article has this slug."))
    return _json(article_detail_data(request, article))


@api_view
def district_list(request):
    """All districts, by name."""
    form = _parameters(PageForm, request)
    return _paginate(request, District.objects.order_by("name", "pk"), form, district_detail_data)


@api_view
def source_list(request):
    """All sources, by name."""
    form = _parameters(PageForm, request)
    return _paginate(request, Source.objects.order_by("name", "pk"), form, source_data)


@api_view
def schema(request):
    """This API's OpenAPI description."""
    return _json(OPENAPI_SCHEMA)


# ---------------------------------------------------------------------------------------------
# The OpenAPI description

_NULLABLE_URI = {"type": ["string", "null"], "format": "uri"}
_NAME_ZH = {
    "type": ["string", "null"],
    "description": "Its name in Chinese, shown by the Chinese interface; null when it has none.",
}


def _page_of(item_ref):
    return {
        "type": "object",
        "required": ["page", "page_size", "previous", "next", "results"],
        "additionalProperties": False,
        "properties": {
            "page": {"type": "integer", "minimum": 1},
            "page_size": {"type": "integer", "minimum": 1, "maximum": MAX_PAGE_SIZE},
            "previous": {**_NULLABLE_URI, "description": "The previous page, if any."},
            "next": {**_NULLABLE_URI, "description": "The next page, if any."},
            "results": {"type": "array", "items": {"$ref": item_ref}},
        },
    }


def _json_content(ref):
    return {"application/json": {"schema": {"$ref": ref}}}


_ARTICLE_PROPERTIES = {
    "slug": {"type": "string"},
    "title": {"type": "string"},
    "summary": {"type": "string"},
    "url": {"type": "string", "format": "uri", "description": "The story's page."},
    "api_url": {"type": "string", "format": "uri"},
    "published_at": {"type": "string", "format": "date-time"},
    "updated_at": {
        "type": "string",
        "format": "date-time",
        "description": 'The public "Updated:" time.',
    },
    "source": {"$ref": "#/components/schemas/Source"},
    "districts": {"type": "array", "items": {"$ref": "#/components/schemas/District"}},
}
_ARTICLE = {
    "type": "object",
    "required": list(_ARTICLE_PROPERTIES),
    "additionalProperties": False,
    "properties": _ARTICLE_PROPERTIES,
}
_ARTICLE_DETAIL_PROPERTIES = {
    **_ARTICLE_PROPERTIES,
    "source_url": {**_NULLABLE_URI, "description": "The original story."},
    "body_html": {"type": "string", "description": "The body as HTML, cleaned with an allow-list."},
}
_ARTICLE_DETAIL = {
    "type": "object",
    "required": list(_ARTICLE_DETAIL_PROPERTIES),
    "additionalProperties": False,
    "properties": _ARTICLE_DETAIL_PROPERTIES,
}
_ERROR = {"$ref": "#/components/responses/Error"}
_PAGE_PARAMETERS = [
    {"$ref": "#/components/parameters/page"},
    {"$ref": "#/components/parameters/page_size"},
]

OPENAPI_SCHEMA = {
    "openapi": "3.1.0",
    "info": {
        "title": "Newsroom open data API",
        "version": "1.0.0",
        "description": (
            "Read-only access to the published stories, districts and sources of this site. "
            "Lists are paginated with `page` and `page_size`; follow `next` until it is null. "
            "A parameter a list does not take, or one sent empty, is a 400 naming it."
        ),
    },
    "servers": [{"url": "/"}],
    "paths": {
        "/api/": {
            "get": {
                "operationId": "index",
                "summary": "Links to the collections and this description",
                "responses": {
                    "200": {
                        "description": "Links",
                        "content": _json_content("#/components/schemas/Index"),
                    }
                },
            }
        },
        "/api/articles/": {
            "get": {
                "operationId": "listArticles",
                "summary": "Published articles, newest first",
                "parameters": [
                    *_PAGE_PARAMETERS,
                    {
                        "name": "district",
                        "in": "query",
                        "description": "Only articles about the district with this slug.",
                        "schema": {"type": "string", "pattern": "^[-a-zA-Z0-9_]+$"},
                    },
                    {
                        "name": "source",
                        "in": "query",
                        "description": "Only articles from the source with this slug.",
                        "schema": {"type": "string", "pattern": "^[-a-zA-Z0-9_]+$"},
                    },
                    {
                        # One object, so that it can say a month needs a year; exploded in
                        # form style, it is sent as plain `year=2024&month=3`.
                        "name": "published",
                        "in": "query",
                        "style": "form",
                        "explode": True,
                        "description": (
                            "Only articles first published in `year`, or in `month` of that "
                            "year (site time zone), e.g. `year=2024&month=3`. A month needs a year."
                        ),
                        "schema": {
                            "type": "object",
                            "properties": {
                                "year": {"type": "integer", "minimum": 1900, "maximum": 2999},
                                "month": {"type": "integer", "minimum": 1, "maximum": 12},
                            },
                            "dependentRequired": {"month": ["year"]},
                            "additionalProperties": False,
                        },
                    },
                ],
                "responses": {
                    "200": {
                        "description": "A page of articles",
                        "content": _json_content("#/components/schemas/ArticlePage"),
                    },
                    "400": _ERROR,
                    "404": _ERROR,
                },
            }
        },
        "/api/articles/{slug}/": {
            "get": {
                "operationId": "getArticle",
                "summary": "One published article with its body",
                "parameters": [
                    {"name": "slug", "in": "path", "required": True, "schema": {"type": "string"}}
                ],
                "responses": {
                    "200": {
                        "description": "The article",
                        "content": _json_content("#/components/schemas/ArticleDetail"),
                    },
                    # A NUL byte in the path, which no slug has, is refused before the lookup.
                    "400": _ERROR,
                    "404": _ERROR,
                },
            }
        },
        "/api/districts/": {
            "get": {
                "operationId": "listDistricts",
                "summary": "Districts, by name",
                "parameters": _PAGE_PARAMETERS,
                "responses": {
                    "200": {
                        "description": "A page of districts",
                        "content": _json_content("#/components/schemas/DistrictPage"),
                    },
                    "400": _ERROR,
                    "404": _ERROR,
                },
            }
        },
        "/api/sources/": {
            "get": {
                "operationId": "listSources",
                "summary": "Sources, by name",
                "parameters": _PAGE_PARAMETERS,
                "responses": {
                    "200": {
                        "description": "A page of sources",
                        "content": _json_content("#/components/schemas/SourcePage"),
                    },
                    "400": _ERROR,
                    "404": _ERROR,
                },
            }
        },
        "/api/schema/": {
            "get": {
                "operationId": "schema",
                "summary": "This OpenAPI description",
                "responses": {"200": {"description": "OpenAPI 3.1 document"}},
            }
        },
    },
    "components": {
        "parameters": {
            "page": {
                "name": "page",
                "in": "query",
                "description": "Page number, from 1.",
                "schema": {"type": "integer", "minimum": 1, "maximum": MAX_PAGE, "default": 1},
            },
            "page_size": {
                "name": "page_size",
                "in": "query",
                "description": "Items per page.",
                "schema": {
                    "type": "integer",
                    "minimum": 1,
                    "maximum": MAX_PAGE_SIZE,
                    "default": PAGE_SIZE,
                },
            },
        },
        "responses": {
            "Error": {
                "description": "Bad parameters, or nothing found",
                "content": _json_content("#/components/schemas/Error"),
            }
        },
        "schemas": {
            "Index": {
                "type": "object",
                "required": ["articles", "districts", "sources", "schema"],
                "additionalProperties": False,
                "properties": {
                    name: {"type": "string", "format": "uri"}
                    for name in ("articles", "districts", "sources", "schema")
                },
            },
            "District": {
                "type": "object",
                "required": ["name", "name_zh", "slug", "url"],
                "additionalProperties": False,
                "properties": {
                    "name": {"type": "string"},
                    "name_zh": _NAME_ZH,
                    "slug": {"type": "string"},
                    "url": {"type": "string", "format": "uri", "description": "Its public page."},
                },
            },
            "DistrictDetail": {
                "type": "object",
                "required": ["name", "name_zh", "slug", "url", "description"],
                "additionalProperties": False,
                "properties": {
                    "name": {"type": "string"},
                    "name_zh": _NAME_ZH,
                    "slug": {"type": "string"},
                    "url": {"type": "string", "format": "uri"},
                    "description": {"type": "string"},
                },
            },
            "Source": {
                "type": "object",
                "required": ["name", "name_zh", "slug", "website", "url"],
                "additionalProperties": False,
                "properties": {
                    "name": {"type": "string"},
                    "name_zh": _NAME_ZH,
                    "slug": {"type": "string"},
                    "website": {**_NULLABLE_URI, "description": "The source's own website."},
                    "url": {"type": "string", "format": "uri", "description": "Its public page."},
                },
            },
            "Article": _ARTICLE,
            "ArticleDetail": _ARTICLE_DETAIL,
            "ArticlePage": _page_of("#/components/schemas/Article"),
            "DistrictPage": _page_of("#/components/schemas/DistrictDetail"),
            "SourcePage": _page_of("#/components/schemas/Source"),
            "Error": {
                "type": "object",
                "required": ["error"],
                "additionalProperties": False,
                "properties": {
                    "error": {
                        "type": "object",
                        "required": ["code", "message"],
                        "additionalProperties": False,
                        "properties": {
                            "code": {"type": "string"},
                            "message": {"type": "string"},
                            "detail": {
                                "type": "object",
                                "description": "Messages for each bad parameter.",
                                "additionalProperties": {
                                    "type": "array",
                                    "items": {"type": "string"},
                                },
                            },
                        },
                    }
                },
            },
        },
    },
}
