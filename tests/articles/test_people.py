"""
People are named as their language writes their name (``articles.people``): 李芳, not 芳 李;
Wei Li given name first. The admin, the history, the audit CSV, emails and commands agree.
"""

import csv
import io
import re
import threading
from types import SimpleNamespace

import pytest
from django.contrib.admin.models import CHANGE, LogEntry
from django.core.management import call_command
from django.test import Client
from django.utils import translation

from articles import editorial
from articles.editorial import revisions, roles, sharing
from articles.models import Article, EditingPresence, ShareLink
from articles.people import person_name
from newsroom.passwords import MAIL_THREAD
from tests.factories import make_article, make_district, make_user
from tests.htmlcheck import parse, text

ZH = {"HTTP_ACCEPT_LANGUAGE": "zh-hans"}


def person(first_name="", last_name="", username="someone"):
    return SimpleNamespace(
        first_name=first_name, last_name=last_name, get_username=lambda: username
    )


@pytest.mark.parametrize(
    "first, last, shown",
    [
        ("芳", "李", "李芳"),
        ("Wei", "Li", "Wei Li"),
        ("小明", "欧阳", "欧阳小明"),
        (" 芳 ", " 李 ", "李芳"),
        ("Anna", "王", "王 Anna"),
        ("芳", "", "芳"),
        ("", "Li", "Li"),
        ("", "", "someone"),
    ],
)
def test_a_name_reads_in_its_own_order(first, last, shown):
    """Chinese characters: family name first, no space; otherwise given name first."""
    assert person_name(person(first, last)) == shown


def test_no_one_has_no_name():
    """An entry without a person (the schedule) names no one."""
    assert person_name(None) == ""


# Everywhere a person is named, with a Chinese-named editor


@pytest.fixture
def li_fang(db):
    return make_user(
        role="editor", first_name="芳", last_name="李", email="li.fang@example.invalid"
    )


@pytest.fixture
def li_fang_client(li_fang):
    client = Client()
    client.force_login(li_fang)
    return client


@pytest.fixture
def administrator_client(db):
    client = Client()
    client.force_login(make_user(role="administrator"))
    return client


def change_url(article):
    return f"/admin/articles/article/{article.pk}/change/"


def assert_named(content):
    """李芳 is named, and never as Django's "first last"."""
    content = content if isinstance(content, str) else content.decode()
    assert "李芳" in content
    assert "芳 李" not in content


@pytest.mark.django_db
def test_the_user_list_and_form(administrator_client, li_fang):
    """The list's name column and the form's "shown as"; a Chinese form asks for 姓 first."""
    assert_named(administrator_client.get("/admin/auth/user/", **ZH).content)
    url = f"/admin/auth/user/{li_fang.pk}/change/"
    chinese = administrator_client.get(url, **ZH).content.decode()
    assert_named(chinese)
    [shown] = [el for el in parse(chinese).iter("div") if "field-shown_as" in el.get("class", "")]
    assert "姓名" in text(shown) and "李芳" in text(shown)
    assert chinese.index('name="last_name"') < chinese.index('name="first_name"')
    english = administrator_client.get(url).content.decode()
    assert english.index('name="first_name"') < english.index('name="last_name"')
    invite = administrator_client.get("/admin/auth/user/add/", **ZH).content.decode()
    assert invite.index('name="last_name"') < invite.index('name="first_name"')
    assert "汉字姓名先姓后名" in invite


@pytest.mark.django_db
def test_the_admin_welcomes_them_by_name(li_fang_client):
    """The admin's header greets 李芳, not Django's given name alone."""
    page = li_fang_client.get("/admin/", **ZH).content.decode()
    assert "欢迎，<strong>李芳</strong>。" in page


@pytest.mark.django_db
def test_the_article_list_and_form_name_the_author(administrator_client, li_fang):
    """The article list's author column and the form's author field."""
    article = make_article(author=li_fang, status=Article.Status.IN_REVIEW)
    rows = parse(administrator_client.get("/admin/articles/article/", **ZH).content)
    [cell] = [td for td in rows.iter("td") if "field-author_name" in td.get("class", "")]
    assert text(cell) == "李芳"
    form = parse(administrator_client.get(change_url(article), **ZH).content)
    [field] = [el for el in form.iter("div") if "field-author_name" in el.get("class", "")]
    assert_named(text(field))


@pytest.mark.django_db
def test_the_history_and_the_request_for_changes_name_them(li_fang, administrator_client):
    """The change form's request panel and history, and the audit trail, found by name."""
    writer = make_user(role="writer")
    article = make_article(author=writer, status=Article.Status.IN_REVIEW)
    editorial.request_changes(article, by=li_fang, comment="请补充时间。")
    writer_client = Client()
    writer_client.force_login(writer)
    form = parse(writer_client.get(change_url(article), **ZH).content)
    for section in ("workflow-panel__request", "workflow-history"):
        [element] = [el for el in form.iter() if el.get("class") == section]
        assert_named(text(element))
    assert_named(administrator_client.get("/admin/articles/articleevent/", **ZH).content)
    found = administrator_client.get("/admin/articles/articleevent/", {"q": "李"}, **ZH)
    assert "请补充时间。" in found.content.decode()


@pytest.mark.django_db
def test_the_revisions_page_names_who_saved(administrator_client, li_fang):
    """The revisions page's "by" column."""
    article = make_article(author=li_fang, status=Article.Status.IN_REVIEW, title="Old title")
    revisions.record_saved_edit(article, li_fang, revisions.snapshot(article), created=True)
    page = administrator_client.get(f"/admin/articles/article/{article.pk}/revisions/", **ZH)
    assert_named(page.content)


@pytest.mark.django_db
def test_also_editing_and_the_stale_edit_message_name_them(li_fang, li_fang_client):
    """Who else has the form open, and who saved in between."""
    other = make_user(role="editor")
    other_client = Client()
    other_client.force_login(other)
    article = make_article(status=Article.Status.DRAFT)
    li_fang_client.get(change_url(article))
    assert EditingPresence.objects.filter(user=li_fang).exists()
    assert_named(other_client.get(change_url(article), **ZH).content)
    editorial.submit(Article.objects.get(pk=article.pk), by=li_fang)
    with pytest.raises(revisions.Conflict) as conflict:
        revisions.claim(article.pk, article.version)
    assert conflict.value.who == "李芳"
    assert "李芳" in conflict.value.message


@pytest.mark.django_db
def test_preview_links_name_who_made_and_revoked_them(li_fang, administrator_client):
    """The preview links' table: who made one, who revoked another."""
    article = make_article(status=Article.Status.IN_REVIEW)
    made, _token = ShareLink.create(article, li_fang)
    revoked, _token = ShareLink.create(article, make_user(role="editor"))
    sharing.revoke_link(revoked, by=li_fang)
    page = parse(administrator_client.get(change_url(article), **ZH).content)
    links = [text(tr) for tr in page.iter("tr") if text(tr).startswith("#")]
    assert len(links) == 2 and all("李芳" in row for row in links), links


@pytest.mark.django_db
def test_the_audit_csv_names_them(li_fang, administrator_client):
    """The "by" column of an article's history export."""
    article = make_article(status=Article.Status.IN_REVIEW)
    editorial.request_changes(article, by=li_fang, comment="Needs a date.")
    response = administrator_client.get(f"/admin/articles/article/{article.pk}/history.csv")
    content = b"".join(response.streaming_content).decode("utf-8").lstrip("\ufeff")
    rows = list(csv.DictReader(io.StringIO(content)))
    assert "李芳" in {row["by"] for row in rows}


@pytest.mark.django_db
def test_the_object_history_names_them(li_fang, administrator_client):
    """Django's own history of an object (here a district) names people the same way."""
    district = make_district()
    LogEntry.objects.log_actions(
        li_fang.pk, [district], CHANGE, change_message="Renamed", single_object=True
    )
    page = administrator_client.get(f"/admin/articles/district/{district.pk}/history/", **ZH)
    assert_named(page.content)


@pytest.fixture
def chinese():
    """Chinese active, as in a request from a Chinese desk (emails follow the language)."""
    with translation.override("zh-hans"):
        yield


@pytest.mark.django_db
def test_every_workflow_email_names_them(li_fang, mailoutbox, chinese):
    """Submitted, changes requested, approved, withdrawn, published urgently."""
    writer = make_user(role="writer", first_name="伟", last_name="王")
    make_user(role="editor")
    article = make_article(author=writer, status=Article.Status.DRAFT)
    editorial.submit(article, by=writer)
    assert mailoutbox and all("王伟" in message.body for message in mailoutbox)
    mailoutbox.clear()
    editorial.request_changes(article, by=li_fang, comment="请补充。")
    editorial.submit(article, by=writer)
    editorial.approve(article, by=li_fang)
    editorial.withdraw(article, by=li_fang, explanation="已过期。")
    urgent = make_article(author=li_fang, status=Article.Status.DRAFT)
    editorial.publish_urgently(urgent, by=li_fang, reason="暴雨预警。")
    by_li_fang = {
        message.subject.split("] ", 1)[1].split("：")[0]: message.body
        for message in mailoutbox
        if "王伟" not in message.body
    }
    assert set(by_li_fang) == {"退回修改", "已发布", "已撤回", "紧急发布，待复核"}
    for body in by_li_fang.values():
        assert_named(body)


@pytest.mark.django_db
def test_an_invitation_names_the_new_person_and_who_invited_them(li_fang, mailoutbox):
    """The invitation greets 张明 and says 李芳 invited them."""
    roles.assign_role(li_fang, "administrator")
    li_fang_client = Client()
    li_fang_client.force_login(li_fang)
    response = li_fang_client.post(
        "/admin/auth/user/add/",
        {
            "first_name": "明",
            "last_name": "张",
            "email": "zhang.ming@example.invalid",
            "role": "writer",
        },
    )
    assert response.status_code == 302
    [invitation] = mailoutbox
    assert "张明" in invitation.body and "李芳" in invitation.body
    assert "明 张" not in invitation.body and "芳 李" not in invitation.body


@pytest.mark.django_db
def test_a_reset_email_greets_them_by_name(li_fang, mailoutbox):
    """The email with a link to choose a new password says hello to 李芳."""
    li_fang.set_password("an-old-pass-phrase-here")
    li_fang.save()
    Client().post("/admin/password-reset/", {"email": li_fang.email})
    for thread in threading.enumerate():
        if thread.name == MAIL_THREAD:
            thread.join()
    [message] = mailoutbox
    assert_named(message.body)


@pytest.mark.django_db
def test_createuser_says_whom_it_created():
    """The command names the account and, when given, the person."""
    out = io.StringIO()
    call_command(
        "createuser", "lifang", role="editor", email="lf@example.invalid", first_name="芳",
        last_name="李", stdout=out,
    )  # fmt: skip
    assert re.search(r"Created editor 'lifang' \(李芳\)\.", out.getvalue())
