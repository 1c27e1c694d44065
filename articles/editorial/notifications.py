"""
Email notifications of workflow transitions and invitations.

A transition asks for its notification with ``notify_after_commit()``: the mail goes once the
transition has committed, never while it holds the story's row lock, so a slow mail server
delays nobody's edit. Each message goes to one person, so a failure is known per recipient:
whom it reached is written on the transition's history entry, and whom it did not on a
"Notification failed" entry of its own.
"""

import logging
import smtplib

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _

from articles.models import ArticleEvent, SiteSettings

from . import history
from .roles import LABELS, role_of, set_password_path

logger = logging.getLogger(__name__)


def editors(exclude=None):
    """Active people who review articles (they hold ``approve_article``), except ``exclude``."""
    # Named backend: with_perm() refuses to guess when several are configured.
    users = (
        get_user_model()
        .objects.with_perm(
            "articles.approve_article", backend="django.contrib.auth.backends.ModelBackend"
        )
        .order_by("pk")
    )
    if exclude is not None:
        users = users.exclude(pk=exclude.pk)
    return list(users)


def admin_url(article):
    base = settings.NEWSROOM_SITE_URL.rstrip("/")
    return base + reverse("admin:articles_article_change", args=[article.pk])


def addresses_of(users):
    """The email addresses of the active ``users`` that have one, each once, in order."""
    addresses = []
    for user in users:
        if user.email and user.is_active and user.email not in addresses:
            addresses.append(user.email)
    return addresses


def notify_after_commit(event, template, users, article, by=None, **context):
    """
    Once the current transaction commits, email ``users`` about ``article`` (``send()``),
    then record on ``event`` whom the mail reached and, on a new entry, whom it did not.
    """
    addresses = addresses_of(users)
    if not addresses:
        return

    def deliver():
        sent, failed = send(template, addresses, article, actor=by, **context)
        if sent:
            history.record_recipients(event, sent)
        if failed:
            history.log(
                article,
                ArticleEvent.Action.NOTIFICATION_FAILED,
                by,
                from_status=article.status,
                to_status=article.status,
                comment=_("The email could not be sent; tell these people another way."),
                recipients=failed,
            )

    transaction.on_commit(deliver, robust=True)


def send(template, addresses, article, **context):
    """
    Send ``emails/<template>.txt`` (subject from ``emails/<template>_subject.txt``) to each
    address. Returns ``(sent, failed)`` lists of addresses.
    """
    if not addresses:
        return [], []
    context.update(
        article=article,
        site_name=SiteSettings.load().site_name,
        admin_url=admin_url(article),
    )
    subject = " ".join(render_to_string(f"emails/{template}_subject.txt", context).split())
    body = render_to_string(f"emails/{template}.txt", context)
    sent, failed = [], []
    connection = get_connection()
    for address in addresses:
        message = EmailMessage(subject, body, to=[address], connection=connection)
        try:
            message.send()
        except (smtplib.SMTPException, OSError):
            logger.exception("Could not email %s about article %s", address, article.pk)
            failed.append(address)
        else:
            sent.append(address)
    return sent, failed


def send_invitation(user, base_url, invited_by=None):
    """Email ``user`` a one-time link to set their password. Returns True when sent."""
    context = {
        "user": user,
        "invited_by": invited_by,
        "role": LABELS.get(role_of(user), ""),
        "site_name": SiteSettings.load().site_name,
        "link": base_url.rstrip("/") + set_password_path(user),
        "login_url": base_url.rstrip("/") + reverse("admin:index"),
        "valid_days": max(1, settings.PASSWORD_RESET_TIMEOUT // 86400),
    }
    subject = " ".join(render_to_string("emails/invitation_subject.txt", context).split())
    body = render_to_string("emails/invitation.txt", context)
    try:
        EmailMessage(subject, body, to=[user.email]).send()
    except (smtplib.SMTPException, OSError):
        logger.exception("Could not email an invitation to %s", user.email)
        return False
    return True
