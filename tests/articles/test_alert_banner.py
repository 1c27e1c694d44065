"""The site-wide alert banner: published in two clicks, shown on time, dismissible by rule."""

import re
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.models import Permission
from django.db import IntegrityError, transaction
from django.utils import timezone

from articles.models import AlertBanner
from tests.factories import make_article, make_superuser, make_user
from tests.htmlcheck import parse

pytestmark = pytest.mark.django_db


def make_banner(**fields):
    values = {"message": "Water supply interrupted in Heping tonight."}
    values.update(fields)
    return AlertBanner.objects.create(**values)


def banners_on(client, url="/"):
    """(severity, text, dismiss key or None) of each banner a page shows."""
    document = parse(client.get(url).content)
    return [
        (
            el.get("class").split("--")[1],
            " ".join("".join(el.find(".//p").itertext()).split()),
            el.get("data-alert-key"),
        )
        for el in document.iter("div")
        if el.get("class", "").startswith("alert alert--")
    ]


@pytest.fixture
def editor_client(client):
    """A staff member allowed to manage banners only (the editors' role, by permission)."""
    user = make_user(is_staff=True)
    user.user_permissions.set(
        Permission.objects.filter(codename__in=["add_alertbanner", "change_alertbanner", "view_alertbanner"])
    )  # fmt: skip
    client.force_login(user)
    return client


def test_current_banner_shows_on_every_public_page(client):
    """A current banner, with its link, tops every public page, the 404 included."""
    article = make_article()
    make_banner(link_url="https://www.example.gov.cn/water", link_text="Affected streets")
    for url in [
        "/",
        "/articles/",
        article.get_absolute_url(),
        "/districts/",
        "/sources/",
        "/nope/",
    ]:
        [(severity, message, _)] = banners_on(client, url)
        assert severity == "info", url
        assert message == "Information Water supply interrupted in Heping tonight. Affected streets"
    assert (
        '<a class="alert__link" href="https://www.example.gov.cn/water">Affected streets</a>'
        in (client.get("/").content.decode())
    )


def test_banners_show_only_between_start_and_end(client):
    """Not before its start, not after its end; the most severe first."""
    now = timezone.now()
    make_banner(message="Ended", ends_at=now - timedelta(minutes=1), starts_at=now - timedelta(1))
    make_banner(message="Later", starts_at=now + timedelta(hours=1))
    make_banner(message="Notice", severity="info")
    make_banner(message="Storm", severity="emergency")
    make_banner(message="Roadworks", severity="warning", ends_at=now + timedelta(hours=1))
    shown = [message.split(" ", 1)[1] for _, message, _ in banners_on(client)]
    assert shown == ["Storm", "Roadworks", "Notice"]


def test_a_banner_appears_and_ends_on_time_without_a_purge():
    """The cache holds banners that have not ended; times are compared when a page is shown."""
    now = timezone.now()
    banner = make_banner(starts_at=now + timedelta(hours=1), ends_at=now + timedelta(hours=2))
    assert AlertBanner.showing(now) == []  # also fills the cache
    assert AlertBanner.showing(now + timedelta(hours=1, minutes=1)) == [banner]
    assert AlertBanner.showing(now + timedelta(hours=3)) == []


def test_a_new_or_edited_banner_shows_at_once(client):
    """Saving drops the cached banners, so the next page has the change."""
    assert banners_on(client) == []  # caches "no banners"
    banner = make_banner(message="First text")
    assert "First text" in banners_on(client)[0][1]
    banner.message = "Second text"
    banner.save()
    assert "Second text" in banners_on(client)[0][1]
    banner.delete()
    assert banners_on(client) == []


def test_banners_cost_no_query_once_cached(django_assert_num_queries):
    """Banners cost one query when the cache is cold, none when warm."""
    make_banner()
    with django_assert_num_queries(1):
        AlertBanner.showing()
    with django_assert_num_queries(0):
        assert len(AlertBanner.showing()) == 1


def test_editing_a_banner_changes_its_dismiss_key(client):
    """A visitor who dismissed a banner sees it again once it is edited."""
    banner = make_banner(dismissible=True)
    [(_, _, first_key)] = banners_on(client)
    assert first_key == f"alert-{banner.pk}-1"
    banner.message = "Water supply restored in most streets."
    banner.save()
    [(_, _, second_key)] = banners_on(client)
    assert second_key == f"alert-{banner.pk}-2"


def test_only_dismissible_banners_offer_dismissal(client):
    """A banner not marked dismissible, or any emergency, has no key and no button."""
    make_banner(message="Fixed", dismissible=False)
    make_banner(message="Emergency", severity="emergency")
    make_banner(message="Optional", dismissible=True)
    document = parse(client.get("/").content)
    alerts = [el for el in document.iter("div") if el.get("class", "").startswith("alert alert--")]
    with_buttons = [el for el in alerts if el.find(".//button") is not None]
    assert len(alerts) == 3 and len(with_buttons) == 1
    [button] = [el.find(".//button") for el in with_buttons]
    assert with_buttons[0].get("data-alert-key")
    # Hidden until the script shows it: without script there is nothing that cannot work.
    assert button.get("hidden") is not None and button.get("type") == "button"


def test_emergency_banner_cannot_be_dismissible_in_the_database():
    """The database refuses a dismissible emergency banner."""
    with pytest.raises(IntegrityError), transaction.atomic():
        make_banner(severity="emergency", dismissible=True)


def test_end_before_start_is_refused_by_the_database():
    """The database refuses a banner that ends before it starts."""
    now = timezone.now()
    with pytest.raises(IntegrityError), transaction.atomic():
        make_banner(starts_at=now, ends_at=now - timedelta(minutes=5))


def test_banner_message_is_text_not_html(client):
    """A banner's message is shown as text: markup in it is escaped."""
    make_banner(message='<img src=x onerror="alert(1)"> Heavy snow')
    content = client.get("/").content.decode()
    assert "<img src=x" not in content and "&lt;img src=x" in content


def test_pages_use_no_inline_script(client):
    """Dismissal lives in static/js/alerts.js: pages carry no inline script (for CSP)."""
    make_banner(dismissible=True)
    article = make_article()
    for url in ["/", article.get_absolute_url()]:
        document = parse(client.get(url).content)
        for script in document.iter("script"):
            assert script.get("src") or script.get("type") == "application/ld+json", url
    assert re.search(
        r'<script src="/static/js/alerts\.[0-9a-f]+\.js">', client.get("/").content.decode()
    )


def test_dismissal_script_keys_on_the_banner_version():
    """The script remembers the page's data-alert-key, which holds the version."""
    source = (Path(settings.BASE_DIR) / "static" / "js" / "alerts.js").read_text()
    assert 'getAttribute("data-alert-key")' in source and "localStorage" in source


def test_no_banner_no_script(client):
    """Without a banner the page has no banner region and loads no banner script."""
    assert "alerts" not in client.get("/").content.decode().split("<footer")[0].split("<main")[0]


# In the admin


def test_editor_publishes_a_banner_in_two_clicks(editor_client, client):
    """Click "Add", type the message, click "Save": it shows on the site at once."""
    form_page = editor_client.get("/admin/articles/alertbanner/add/")  # click one
    assert form_page.status_code == 200
    form = form_page.context["adminform"].form
    start = timezone.localtime(form.get_initial_for_field(form.fields["starts_at"], "starts_at"))
    assert abs(start - timezone.now()) < timedelta(minutes=1)
    response = editor_client.post(  # click two, with what the form already holds
        "/admin/articles/alertbanner/add/",
        {
            "message": "Metro Line 3 closed between Heping and Nankai.",
            "severity": "warning",
            "link_url": "",
            "link_text": "",
            "starts_at_0": start.strftime("%Y-%m-%d"),
            "starts_at_1": start.strftime("%H:%M:%S"),
            "ends_at_0": "",
            "ends_at_1": "",
        },
    )
    assert response.status_code == 302
    assert banners_on(client)[0][:2] == (
        "warning",
        "Warning Metro Line 3 closed between Heping and Nankai.",
    )


def test_admin_form_refuses_a_dismissible_emergency(editor_client):
    """The form explains the rule instead of hitting the database constraint."""
    start = timezone.localtime()
    response = editor_client.post(
        "/admin/articles/alertbanner/add/",
        {
            "message": "Flood warning",
            "severity": "emergency",
            "dismissible": "on",
            "starts_at_0": start.strftime("%Y-%m-%d"),
            "starts_at_1": start.strftime("%H:%M:%S"),
        },
    )
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["dismissible"] == [
        "An emergency banner cannot be dismissible."
    ]
    assert not AlertBanner.objects.exists()


def test_admin_form_refuses_an_end_before_the_start(editor_client):
    """The form explains that the end must follow the start; nothing is saved."""
    start = timezone.localtime()
    end = start - timedelta(hours=1)
    response = editor_client.post(
        "/admin/articles/alertbanner/add/",
        {
            "message": "Backwards",
            "severity": "info",
            "starts_at_0": start.strftime("%Y-%m-%d"),
            "starts_at_1": start.strftime("%H:%M:%S"),
            "ends_at_0": end.strftime("%Y-%m-%d"),
            "ends_at_1": end.strftime("%H:%M:%S"),
        },
    )
    assert response.status_code == 200
    assert "ends_at" in response.context["adminform"].form.errors
    assert not AlertBanner.objects.exists()


def test_end_now_action_hides_banners_at_once(client):
    """The "End the selected banners now" action ends each banner and the site shows it."""
    admin = make_superuser()
    client.force_login(admin)
    first, second = make_banner(message="One"), make_banner(message="Two")
    assert len(banners_on(client)) == 2
    response = client.post(
        "/admin/articles/alertbanner/",
        {"action": "end_now", "_selected_action": [first.pk, second.pk]},
        follow=True,
    )
    assert "2 banners ended." in response.content.decode()
    assert banners_on(client) == []
    first.refresh_from_db()
    assert first.ends_at <= timezone.now() and first.version == 2


def test_banner_admin_pages_load(client):
    """The banner list, its filter and the add form load."""
    client.force_login(make_superuser())
    make_banner()
    for url in ["/admin/articles/alertbanner/", "/admin/articles/alertbanner/add/",
                "/admin/articles/alertbanner/?severity__exact=info"]:  # fmt: skip
        assert client.get(url).status_code == 200, url


def test_end_now_cancels_a_banner_not_yet_started(client):
    """Ending a banner that has not started yet cancels it."""
    client.force_login(make_superuser())
    later = make_banner(starts_at=timezone.now() + timedelta(hours=2))
    client.post(
        "/admin/articles/alertbanner/", {"action": "end_now", "_selected_action": [later.pk]}
    )
    later.refresh_from_db()
    assert later.ends_at <= timezone.now()
    assert AlertBanner.showing(timezone.now() + timedelta(hours=3)) == []
