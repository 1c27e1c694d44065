"""Site settings: one record, administrators only, validated, cached, shown in the footer."""

import pytest
from django.contrib.auth.models import Permission
from django.db import IntegrityError, transaction

from articles.models import SiteSettings
from tests.factories import make_superuser, make_user
from tests.htmlcheck import parse

pytestmark = pytest.mark.django_db

VALID = {
    "site_name": "Wuqing Updates",
    "tagline": "News from Wuqing District",
    "organisation_name": "Wuqing District People's Government",
    "copyright": "Copyright © Wuqing District People's Government. All rights reserved.",
    "icp_filing": "津ICP备13028878号-35",
    "psb_filing": "津公网安备 12011402000123号",
    "government_site_code": "1200000053",
    "contact_address": "1 Example Road, Wuqing, Tianjin",
    "contact_phone": "022-2934 1234",
    "contact_email": "news@wuqing.example.gov.cn",
}


def user_with(*codenames, **fields):
    user = make_user(is_staff=True, **fields)
    user.user_permissions.set(Permission.objects.filter(codename__in=codenames))
    return user


@pytest.fixture
def admin_client(client):
    client.force_login(make_superuser())
    return client


def footer(client):
    document = parse(client.get("/").content)
    return document.find(".//footer")


def test_a_new_site_uses_the_defaults_from_the_environment(client, settings):
    """With no record saved, the header and footer show the NEWSROOM_* settings."""
    settings.NEWSROOM_SITE_NAME = "Example City Updates"
    settings.NEWSROOM_COPYRIGHT = "Copyright © Example City."
    settings.NEWSROOM_ICP_FILING = "京ICP备12345678号-1"
    content = client.get("/").content.decode()
    assert "Example City Updates" in content
    assert "Copyright © Example City." in content and "京ICP备12345678号-1" in content
    assert not SiteSettings.objects.exists()  # reading never writes


def test_footer_shows_the_saved_settings_with_filing_links(client):
    """Copyright, organisation, contact, and both filing numbers linked to their systems."""
    SiteSettings(**VALID).save()
    content = client.get("/").content.decode()
    assert "Copyright © Wuqing District People&#x27;s Government. All rights reserved." in content
    assert (
        '<a href="https://beian.miit.gov.cn/" rel="noopener noreferrer">津ICP备13028878号-35</a>'
        in content
    )
    assert (
        '<a href="https://beian.mps.gov.cn/#/query/webSearch?code=12011402000123" '
        'rel="noopener noreferrer">津公网安备 12011402000123号</a>'
    ) in content
    assert "Government website identifier code: 1200000053" in content
    assert '<a href="tel:022-29341234">022-2934 1234</a>' in content
    assert '<a href="mailto:news@wuqing.example.gov.cn">' in content
    assert "<title>Wuqing Updates</title>" in content
    assert "News from Wuqing District" in content  # tagline under the name


def test_empty_optional_lines_leave_no_trace(client):
    """Blank filing numbers and contact details leave no empty links or labels."""
    SiteSettings(site_name="Plain", icp_filing="", psb_filing="", copyright="").save()
    element = footer(client)
    assert element.find(".//address") is None
    assert "beian" not in "".join(a.get("href", "") for a in element.iter("a"))


def test_a_change_shows_at_once(client):
    """The settings are cached, and saving drops the cached copy: the next page shows it."""
    SiteSettings(**VALID).save()
    assert "Wuqing Updates" in client.get("/").content.decode()  # now cached
    settings_record = SiteSettings.objects.get()
    settings_record.site_name = "Renamed Updates"
    settings_record.save()
    assert "Renamed Updates" in client.get("/").content.decode()


def test_reading_costs_one_query_then_none(django_assert_num_queries):
    """Reading the settings costs one query when the cache is cold, none when warm."""
    SiteSettings(**VALID).save()
    with django_assert_num_queries(1):
        assert SiteSettings.load().site_name == "Wuqing Updates"
    with django_assert_num_queries(0):
        assert SiteSettings.load().site_name == "Wuqing Updates"


def test_there_is_only_one_record():
    """Saving always writes record 1; the database refuses any other."""
    SiteSettings(**VALID).save()
    SiteSettings(site_name="Second").save()
    assert SiteSettings.objects.count() == 1
    assert SiteSettings.objects.get().site_name == "Second"
    with pytest.raises(IntegrityError), transaction.atomic():
        SiteSettings.objects.bulk_create([SiteSettings(pk=2, site_name="Rogue")])


# Administration


def test_administrator_edits_the_settings_in_the_admin(admin_client, client):
    """The list goes straight to the one record; a valid change is saved and shown."""
    response = admin_client.get("/admin/articles/sitesettings/")
    assert response.status_code == 302 and response.url == "/admin/articles/sitesettings/add/"
    response = admin_client.post("/admin/articles/sitesettings/add/", VALID)
    assert response.status_code == 302
    assert admin_client.get("/admin/articles/sitesettings/").url == (
        "/admin/articles/sitesettings/1/change/"
    )
    changed = dict(VALID, tagline="Updated tagline")
    response = admin_client.post("/admin/articles/sitesettings/1/change/", changed)
    assert response.status_code == 302
    assert "Updated tagline" in client.get("/").content.decode()
    # No second record and no deleting the only one.
    assert admin_client.get("/admin/articles/sitesettings/add/").status_code == 403
    assert admin_client.get("/admin/articles/sitesettings/1/delete/").status_code == 403


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("icp_filing", "ICP 12345"),
        ("icp_filing", "津ICP备号"),
        ("psb_filing", "津公网安备 1201号"),
        ("psb_filing", "12011402000123"),
        ("government_site_code", "12000"),
        ("government_site_code", "xx00000000"),
        ("contact_phone", "call us"),
        ("contact_email", "not-an-email"),
        ("site_name", ""),
    ],
)
def test_invalid_settings_are_refused_with_a_message(admin_client, field, value):
    """A malformed filing number, code, phone or email is a form error; nothing changes."""
    SiteSettings(**VALID).save()
    response = admin_client.post(
        "/admin/articles/sitesettings/1/change/", dict(VALID, **{field: value})
    )
    assert response.status_code == 200
    assert field in response.context["adminform"].form.errors
    assert getattr(SiteSettings.objects.get(), field) == VALID[field]


def test_editors_cannot_see_or_change_the_settings(client):
    """Staff without the change permission get 403 and no menu entry."""
    editor = user_with("change_article", "view_article", "add_alertbanner")
    client.force_login(editor)
    SiteSettings(**VALID).save()
    for url in [
        "/admin/articles/sitesettings/",
        "/admin/articles/sitesettings/1/change/",
        "/admin/articles/sitesettings/add/",
    ]:
        assert client.get(url).status_code == 403, url
    response = client.post(
        "/admin/articles/sitesettings/1/change/", dict(VALID, site_name="Hijacked")
    )
    assert response.status_code == 403
    assert SiteSettings.objects.get().site_name == "Wuqing Updates"
    assert "/admin/articles/sitesettings/" not in client.get("/admin/").content.decode()


def test_the_change_permission_is_what_grants_access(client):
    """Holding articles.change_sitesettings (e.g. through an Administrators group) is enough."""
    client.force_login(user_with("change_sitesettings"))
    SiteSettings(**VALID).save()
    assert client.get("/admin/articles/sitesettings/1/change/").status_code == 200
    response = client.post("/admin/articles/sitesettings/1/change/", dict(VALID, site_name="New"))
    assert response.status_code == 302
    assert SiteSettings.load().site_name == "New"
