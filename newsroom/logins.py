"""
Signing in: the client's address behind proxies, django-axes' lockout page, and the log of
logins, logouts and failed logins.
"""

import logging
import time

from django.conf import settings
from django.contrib import admin
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver
from django.shortcuts import render
from django.utils.translation import gettext as _

from .middleware import SessionIdleTimeoutMiddleware

logger = logging.getLogger("newsroom.security")


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


def lockout_response(request, original_response=None, credentials=None):
    """
    django-axes' answer to a locked-out login: a page in the admin's look that says what
    happened and for how long, with 429 Too Many Requests.
    """
    minutes = max(int(settings.AXES_COOLOFF_TIME.total_seconds() // 60), 1)
    context = {
        **admin.site.each_context(request),
        "title": _("Logging in is blocked for now"),
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
