"""
Who may do what, over HTTP: a table of (role, method, URL, expected answer).

Every row is one request by one role. Refused requests must change nothing: the whole
content is compared before and after. To cover a new page or role (writer, editor, ... once
the workflow's groups exist), add a builder to ``ROLES`` and rows to ``MATRIX``.
"""

from dataclasses import dataclass

import pytest
from django.test import Client
from django.urls import reverse

from articles.models import Article, District, Source
from tests.factories import (
    make_article,
    make_district,
    make_source,
    make_superuser,
    make_user,
)

pytestmark = pytest.mark.django_db

LOGIN = "login"  # expected: a redirect to the admin's login page
REFUSED_REDIRECT = "refused-302"  # expected: a redirect back, with nothing changed

ROLES = {
    "anonymous": lambda: None,
    "reader_account": lambda: make_user(),  # an account without staff status
    "staff_without_permissions": lambda: make_user(is_staff=True),
    "superuser": lambda: make_superuser(),
}


@dataclass
class Row:
    role: str
    method: str
    url: str  # a URL name; "{article}", "{district}", "{source}" objects fill its arguments
    expected: object  # a status code, or LOGIN
    args: tuple = ()
    data: object = None  # objects -> POST data

    @property
    def id(self):
        return f"{self.role}-{self.method}-{self.url}{''.join(self.args)}"


def article_form(objects, **overrides):
    return {
        "title": "Changed by the request", "slug": "", "summary": "", "body": "<p>x</p>",
        "source": objects["source"].pk, "districts": [objects["district"].pk],
        "source_url": "", "language": "en", "version": objects["article"].version
        if "article" in objects else 1, **overrides,
    }  # fmt: skip


ADMIN_READS = [
    ("admin:index", ()),
    ("admin:articles_article_changelist", ()),
    ("admin:articles_article_add", ()),
    ("admin:articles_article_change", ("{article}",)),
    ("admin:articles_article_history", ("{article}",)),
    ("admin:articles_district_changelist", ()),
    ("admin:articles_district_change", ("{district}",)),
    ("admin:articles_source_changelist", ()),
    ("admin:articles_source_change", ("{source}",)),
    ("admin:auth_user_changelist", ()),
    ("admin:axes_accessattempt_changelist", ()),
]
ADMIN_WRITES = [
    ("admin:articles_article_add", (), lambda o: article_form(o)),
    ("admin:articles_article_change", ("{article}",), lambda o: article_form(o)),
    ("admin:articles_district_add", (), lambda o: {"name": "New district", "slug": "new-district"}),
    ("admin:articles_district_delete", ("{district}",), lambda o: {"post": "yes"}),
    ("admin:articles_source_change", ("{source}",),
     lambda o: {"name": "Renamed", "slug": o["source"].slug, "url": ""}),
    ("admin:auth_user_add", (),
     lambda o: {"first_name": "In", "last_name": "Truder", "email": "intruder@example.invalid",
                "role": "editor"}),
]  # fmt: skip
# Articles are never deleted, not even by a superuser: they are removed through the workflow.
ARTICLE_DELETE = [
    ("GET", ("admin:articles_article_delete", ("{article}",), None)),
    ("POST", ("admin:articles_article_delete", ("{article}",), lambda o: {"post": "yes"})),
    (
        "POST",
        (
            "admin:articles_article_changelist",
            (),
            lambda o: {
                "action": "delete_selected",
                "_selected_action": [o["article"].pk],
                "post": "yes",
            },
        ),
    ),
]
PUBLIC_READS = [
    ("articles:home", ()),
    ("articles:list", ()),
    ("articles:detail", ("{article}",)),
    ("articles:districts", ()),
    ("articles:district", ("{district}",)),
    ("articles:source", ("{source}",)),
    ("healthz", ()),
]

EXPECTED_READ = {"anonymous": LOGIN, "reader_account": LOGIN, "staff_without_permissions": 403,
                 "superuser": 200}  # fmt: skip
READ_EXCEPTIONS = {
    # The admin index itself is open to any staff member; it just lists nothing.
    ("staff_without_permissions", "admin:index"): 200,
    # Articles this person may not see "do not exist": Django redirects to the index.
    ("staff_without_permissions", "admin:articles_article_history"): 302,
}
EXPECTED_WRITE = {"anonymous": LOGIN, "reader_account": LOGIN, "staff_without_permissions": 403,
                  "superuser": 302}  # fmt: skip

MATRIX = (
    [Row(role, "GET", url, 200, args) for role in ROLES for url, args in PUBLIC_READS]
    + [
        Row(role, "GET", url, READ_EXCEPTIONS.get((role, url), EXPECTED_READ[role]), args)
        for role in ROLES for url, args in ADMIN_READS
    ]
    + [Row(role, "POST", url, EXPECTED_WRITE[role], args, data)
       for role in ROLES for url, args, data in ADMIN_WRITES]
    # Refused for everyone who is signed in; for the superuser the bulk action is simply not
    # offered (302 back to the list, nothing deleted).
    + [Row(role, method, url,
           EXPECTED_READ[role] if EXPECTED_READ[role] == LOGIN
           else (REFUSED_REDIRECT if url.endswith("changelist") and role == "superuser" else 403),
           args, data)
       for role in ROLES for method, (url, args, data) in ARTICLE_DELETE]
)  # fmt: skip


@pytest.fixture
def objects():
    district = make_district(slug="hexi")
    source = make_source(slug="tianjin-daily")
    article = make_article(title="The original title", source=source, districts=[district])
    return {"article": article, "district": district, "source": source}


def snapshot():
    """All content and accounts, to prove a refused request changed nothing."""
    return (
        list(Article.objects.order_by("pk").values()),
        sorted(Article.districts.through.objects.values_list("article_id", "district_id")),
        list(District.objects.order_by("pk").values()),
        list(Source.objects.order_by("pk").values()),
        sorted(Article._meta.get_field("author").related_model.objects.values_list("username", flat=True)),
    )  # fmt: skip


def url_of(row, objects):
    args = [
        objects[arg.strip("{}")].pk if arg.startswith("{") and arg.endswith("}") else arg
        for arg in row.args
    ]
    if row.url.startswith("articles:") and args:
        kind = row.args[0].strip("{}")
        return reverse(row.url, kwargs={"slug": objects[kind].slug})
    return reverse(row.url, args=args)


@pytest.mark.parametrize("row", MATRIX, ids=lambda row: row.id)
def test_access_matrix(row, objects):
    """Each role gets exactly what its row says; a refused request changes nothing."""
    client = Client()
    user = ROLES[row.role]()
    if user is not None:
        client.force_login(user)
    url = url_of(row, objects)
    before = snapshot()
    if row.method == "GET":
        response = client.get(url)
    else:
        response = client.post(url, row.data(objects))
    if row.expected == LOGIN:
        assert response.status_code == 302, (url, response.status_code)
        assert response["Location"].startswith(reverse("admin:login")), response["Location"]
    elif row.expected == REFUSED_REDIRECT:
        assert response.status_code == 302, (url, response.status_code)
        assert snapshot() == before, f"{row.role} changed data with a refused {url}"
    else:
        assert response.status_code == row.expected, (url, response.status_code)
    if row.method != "GET" and row.expected in {LOGIN, 403}:
        assert snapshot() == before, f"{row.role} changed data with a refused {url}"
    if row.method == "POST" and row.expected == 302:
        assert snapshot() != before, f"{url} answered 302 but changed nothing"


def test_forged_posts_without_a_csrf_token_are_refused():
    """A cross-site POST carrying a superuser's cookie but no CSRF token is refused: 403."""
    objects = {"district": make_district(), "source": make_source()}
    objects["article"] = make_article(source=objects["source"])
    client = Client(enforce_csrf_checks=True)
    client.force_login(make_superuser())
    before = snapshot()
    for url, data in [
        (reverse("admin:articles_article_add"), article_form(objects)),
        (reverse("admin:articles_article_delete", args=[objects["article"].pk]), {"post": "yes"}),
        (reverse("admin:logout"), {}),
    ]:
        response = client.post(url, data)
        assert response.status_code == 403, url
    assert snapshot() == before


def test_admin_search_and_autocomplete_stay_behind_login(objects):
    """The admin's JSON autocomplete does not answer anonymous or unprivileged users."""
    url = reverse("admin:autocomplete")
    query = {"app_label": "articles", "model_name": "article", "field_name": "districts",
             "term": "he"}  # fmt: skip
    anonymous = Client().get(url, query)
    assert anonymous.status_code == 302
    staff = Client()
    staff.force_login(make_user(is_staff=True))
    assert staff.get(url, query).status_code == 403
    chief = Client()
    chief.force_login(make_superuser())
    assert chief.get(url, query).json()["results"][0]["text"] == objects["district"].name
