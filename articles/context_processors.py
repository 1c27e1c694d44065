from django.utils.functional import SimpleLazyObject, lazy

from .models import AlertBanner, SiteSettings


def site(request):
    """
    The site's settings and the alert banners showing now, for every template.

    Both are lazy and cached (``SiteSettings.load()``, ``AlertBanner.showing()``): a page that
    uses them costs no query once the cache is warm, and one that does not costs nothing.
    """
    site_settings = SimpleLazyObject(SiteSettings.load)
    return {
        "site": site_settings,
        "site_name": lazy(lambda: site_settings.site_name, str)(),
        "alert_banners": SimpleLazyObject(AlertBanner.showing),
        "canonical_url": lazy(lambda: request.build_absolute_uri(request.path), str)(),
    }
