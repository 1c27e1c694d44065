"""System checks of the project's own settings (``manage.py check --deploy``)."""

from urllib.parse import urlsplit

from django.conf import settings
from django.core.checks import Tags, Warning, register
from django.http.request import split_domain_port, validate_host


@register(Tags.security, deploy=True)
def check_site_url(app_configs, **kwargs):
    """
    ``NEWSROOM_SITE_URL`` is the address in every emailed link (password resets, invitations
    from ``createuser``, workflow notifications): left at its development default, or on plain
    HTTP, those links lead nowhere or leak their one-time tokens.
    """
    url = urlsplit(settings.NEWSROOM_SITE_URL)
    wanted = "https" if settings.HTTPS else "http"
    host, _ = split_domain_port(url.netloc)
    if url.scheme == wanted and host and validate_host(host, settings.ALLOWED_HOSTS):
        return []
    return [
        Warning(
            f"NEWSROOM_SITE_URL is {settings.NEWSROOM_SITE_URL!r}: links in emails would lead "
            "there.",
            hint=f"Set it to the site's public address, {wanted}:// and a host in "
            "DJANGO_ALLOWED_HOSTS (docs/configuration.md).",
            id="newsroom.W001",
        )
    ]
