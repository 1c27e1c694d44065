"""
Choosing a password through an emailed link: a forgotten password, or an invitation (an account
made by an administrator or ``createuser`` has no password until its owner chooses one).

Django's password-reset views in the admin's look, with:

- the link on the site's address (``NEWSROOM_SITE_URL``), never on the Host header a request
  brings;
- the same answer and page whether or not an account has the address, and no wait for the
  mail server in either: the email is written during the request, sent from a thread of its
  own;
- at most ``NEWSROOM_PASSWORD_RESET_EMAILS_PER_HOUR`` emails to one address an hour (more
  requests get the same answer and no email) and ``NEWSROOM_PASSWORD_RESET_REQUESTS_PER_HOUR``
  requests from one client address (429 beyond);
- a password chosen through a link lifting the account's login lockouts.
"""

import hashlib
import logging
import threading
import time
import unicodedata

from axes.handlers.proxy import AxesProxyHandler
from django.conf import settings
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import PasswordResetForm
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage
from django.http import HttpResponseRedirect
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from articles.models import SiteSettings

from .logins import client_ip

logger = logging.getLogger("newsroom.security")

# The name of the threads that send the emails (tests wait for them).
MAIL_THREAD = "password-reset-mail"
HOUR = 3600


def within_limit(kind, value, limit):
    """
    Count one more use of ``value`` this hour (in the cache, shared by the app servers);
    whether it is still within ``limit``. A cache that cannot count lets the request through.
    """
    digest = hashlib.sha256(value.encode()).hexdigest()
    key = f"password-reset:{kind}:{digest}:{int(time.time() // HOUR)}"
    cache.add(key, 0, HOUR)
    try:
        return cache.incr(key) <= limit
    except ValueError:
        return True


def normalised(email):
    return unicodedata.normalize("NFKC", email).casefold()


class ResetForm(PasswordResetForm):
    """Django's form, also for invited people who have not chosen a password yet."""

    def get_users(self, email):
        # Django leaves out accounts without a usable password; here that is an invitation
        # not yet taken up (a deactivated account is inactive instead), whose link may have
        # expired. The comparison after casefolding is Django's guard against lookalikes.
        field = get_user_model().get_email_field_name()
        users = get_user_model()._default_manager.filter(
            **{f"{field}__iexact": email, "is_active": True}
        )
        return (user for user in users if normalised(getattr(user, field)) == normalised(email))

    def send_mail(
        self, subject_template_name, email_template_name, context, from_email, to_email, **kwargs
    ):
        # Written here, in the reader's language; sent from a thread, so an address with an
        # account takes no longer to answer than one without.
        subject = " ".join(render_to_string(subject_template_name, context).split())
        body = render_to_string(email_template_name, context)
        message = EmailMessage(subject, body, from_email, [to_email])
        threading.Thread(target=deliver, args=[message], name=MAIL_THREAD).start()


def deliver(message):
    try:
        message.send()
    except Exception:
        logger.exception("Could not send a password reset email to %s", message.to[0])


def link_days():
    """For how many days an emailed link works."""
    return max(1, settings.PASSWORD_RESET_TIMEOUT // 86400)


class SignInPage:
    """
    The admin's header, title and language switch for these pages, which are outside the admin
    site, and for how long a link works.
    """

    def get_context_data(self, **kwargs):
        return {
            **admin.site.each_context(self.request),
            "valid_days": link_days(),
            **super().get_context_data(**kwargs),
        }


class PasswordResetView(SignInPage, auth_views.PasswordResetView):
    form_class = ResetForm
    title = gettext_lazy("Forgot your password?")
    subject_template_name = "emails/password_reset_subject.txt"
    email_template_name = "emails/password_reset.txt"

    def form_valid(self, form):
        address = client_ip(self.request)
        if not within_limit("client", address, settings.NEWSROOM_PASSWORD_RESET_REQUESTS_PER_HOUR):
            logger.warning("Password reset refused: too many requests from %s", address)
            form.add_error(
                None,
                ValidationError(
                    _("Too many password reset requests from your network. Try again in an hour.")
                ),
            )
            response = self.form_invalid(form)
            response.status_code = 429
            return response
        email = form.cleaned_data["email"]
        if within_limit(
            "email", normalised(email), settings.NEWSROOM_PASSWORD_RESET_EMAILS_PER_HOUR
        ):
            logger.info("Password reset asked from %s", address)
            self.extra_email_context = {
                "site_name": SiteSettings.load().site_name,
                "site_url": settings.NEWSROOM_SITE_URL.rstrip("/"),
                "valid_days": link_days(),
            }
            return super().form_valid(form)
        # The same answer as any other request: whether the address has an account stays
        # unknown.
        logger.warning("Password reset asked from %s: no email, enough sent this hour", address)
        return HttpResponseRedirect(self.get_success_url())


class PasswordResetDoneView(SignInPage, auth_views.PasswordResetDoneView):
    title = gettext_lazy("Check your email")


class PasswordResetConfirmView(SignInPage, auth_views.PasswordResetConfirmView):
    """Choosing a password: after an invitation (no password yet) or a forgotten one."""

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        if context["validlink"]:
            invited = not self.user.has_usable_password()
            context["invitation"] = invited
            context["title"] = (
                _("Your invitation to the %(site_name)s newsroom")
                % {"site_name": SiteSettings.load().site_name}
                if invited
                else _("Choose a new password")
            )
        else:
            context["title"] = _("This link no longer works")
        return context

    def form_valid(self, form):
        response = super().form_valid(form)
        username = form.user.get_username()
        # Whoever holds the account's email has chosen a new password: earlier guessing no
        # longer keeps them out.
        AxesProxyHandler.reset_attempts(username=username)
        logger.info(
            "Password chosen through an emailed link: user %r from %s",
            username,
            client_ip(self.request),
        )
        return response


class PasswordResetCompleteView(SignInPage, auth_views.PasswordResetCompleteView):
    title = gettext_lazy("Your password is set")
