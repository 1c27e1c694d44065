"""The site's URLs plus one view that fails, to see the 500 page as a visitor would."""

from django.urls import path

from newsroom.urls import urlpatterns as site_urlpatterns


def fail(request):
    raise RuntimeError("A failure for the 500-page test.")


urlpatterns = [path("fail/", fail), *site_urlpatterns]
handler500 = "newsroom.errors.page_error"
