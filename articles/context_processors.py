from django.conf import settings


def site(request):
    """The site's name and the footer's legal lines, for every template."""
    return {
        "site_name": settings.NEWSROOM_SITE_NAME,
        "site_copyright": settings.NEWSROOM_COPYRIGHT,
        "site_icp_filing": settings.NEWSROOM_ICP_FILING,
        "site_psb_filing": settings.NEWSROOM_PSB_FILING,
    }
