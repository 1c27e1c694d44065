"""
Signing in: the client's address behind proxies, what locks out password guessing and the page
that says so, and the log of logins, logouts and failed logins.
"""

import logging
import time

from axes.attempts import get_cool_off_threshold
from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib import admin
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db.models import Sum
from django.dispatch import receiver
from django.shortcuts import render
from django.utils.translation import gettext as _

from .middleware import SessionIdleTimeoutMiddleware

logger = logging.getLogger("newsroom.security")

# Why a login is refused: too many failures for this username at this address (django-axes'
# own limit), from this address for any usernames, or for this username from any addresses.
HERE, ADDRESS, ACCOUNT = "here", "address", "account"


def client_ip(request):
    """
    The client's address: the socket's peer, or behind ``NEWSROOM_TRUSTED_PROXY_COUNT``
    proxies the X-Forwarded-For entry that many places from the right.

    Each proxy appends the address it received the request from, so entries to the left of
    that position were written by the client and may be forged. Used by django-axes and the
    login log. The app's port must be reachable only through the proxies.
    """
    count = settings.NEWSROOM_TRUSTED_PROXY_COUNT
    remote = request.META.get("REMOTE_ADDR", "")
    if count <= 0:
        return remote
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    forwarded = [part for part in forwarded if part]
    if len(forwarded) < count:
        # Fewer hops than proxies configured: not through the proxy chain.
        return remote
    return forwarded[-count]


def ceilings_reached(request, credentials=None):
    """
    Which of the ceilings above django-axes' own limit the login in ``request`` has reached:
    ``ADDRESS`` (``NEWSROOM_LOGIN_ADDRESS_LIMIT`` recent failures from its address, for any
    usernames) and ``ACCOUNT`` (``NEWSROOM_LOGIN_ACCOUNT_LIMIT`` for its username, from any
    addresses).

    Each username at an address counts at most ``AXES_FAILURE_LIMIT`` failures towards either,
    so a person who keeps trying once locked out adds nothing: reaching the address's ceiling
    takes guesses at several usernames, and the account's guesses from several addresses.
    """
    recent = AccessAttempt.objects.filter(attempt_time__gte=get_cool_off_threshold(request))
    checks = [
        (ADDRESS, settings.NEWSROOM_LOGIN_ADDRESS_LIMIT, "ip_address", "username",
         request.axes_ip_address),
        (ACCOUNT, settings.NEWSROOM_LOGIN_ACCOUNT_LIMIT, "username", "ip_address",
         get_client_username(request, credentials)),
    ]  # fmt: skip
    reached = []
    for name, limit, field, per, value in checks:
        if limit <= 0 or value is None:
            continue
        counts = recent.filter(**{field: value}).values(per).annotate(n=Sum("failures_since_start"))
        failures = sum(min(row["n"], settings.AXES_FAILURE_LIMIT) for row in counts)
        if failures >= limit:
            reached.append(name)
    return reached


class LockoutHandler(AxesDatabaseHandler):
    """
    django-axes' database handler, with the ceilings of ``ceilings_reached()`` on top of its
    own limit (``AXES_LOCKOUT_PARAMETERS``, a username at an address): a login that reaches one
    is refused like any lockout, with the same cool-off.
    """

    def is_locked(self, request, credentials=None):
        return super().is_locked(request, credentials) or bool(
            ceilings_reached(request, credentials)
        )

    def user_login_failed(self, sender, credentials, request=None, **kwargs):
        super().user_login_failed(sender, credentials, request, **kwargs)
        # The failure that reaches a ceiling is answered with the lockout page, as the one
        # that reaches django-axes' own limit is.
        if request is not None and not request.axes_locked_out:
            reached = ceilings_reached(request, credentials)
            if reached:
                logger.warning(
                    "Logins refused (%s): username %r from %s",
                    " and ".join(reached),
                    credentials.get("username", ""),
                    request.axes_ip_address,
                )
                request.axes_locked_out = True
                request.axes_credentials = credentials


def lockout_response(request, original_response=None, credentials=None):
    """
    django-axes' answer to a locked-out login: a page in the admin's look that says what
    was refused and for how long, with 429 Too Many Requests.
    """
    minutes = max(int(settings.AXES_COOLOFF_TIME.total_seconds() // 60), 1)
    reached = ceilings_reached(request, credentials)
    context = {
        **admin.site.each_context(request),
        "title": _("Logging in is blocked for now"),
        # The widest block first (ceilings_reached() names the address's first).
        "reason": reached[0] if reached else HERE,
        "failure_limit": settings.AXES_FAILURE_LIMIT,
        "cooloff_minutes": minutes,
    }
    return render(request, "registration/locked_out.html", context, status=429)


@receiver(user_logged_in)
def record_login(sender, request, user, **kwargs):
    if request is not None and hasattr(request, "session"):
        # The login itself saves the session: the idle clock starts now.
        request.session[SessionIdleTimeoutMiddleware.key] = int(time.time())
    logger.info(
        "Login: user %r from %s", user.get_username(), client_ip(request) if request else "-"
    )


@receiver(user_logged_out)
def log_logout(sender, request, user, **kwargs):
    name = user.get_username() if user else "-"
    logger.info("Logout: user %r from %s", name, client_ip(request) if request else "-")


@receiver(user_login_failed)
def log_login_failed(sender, credentials, request=None, **kwargs):
    logger.warning(
        "Failed login: username %r from %s",
        credentials.get("username", ""),
        client_ip(request) if request else "-",
    )
