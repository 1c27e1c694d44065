"""
Fragment memos (``pagecache.fragments``): small templates rendered once per process for each
combination of the values they show, the language and the template as loaded, in a bounded
memo.
"""

import pytest
from django.utils import translation

from pagecache import fragments, render_fragment

TEMPLATE = "{% load i18n %}{% get_current_language as code %}<b>{{ name }}</b> {{ code }}"


@pytest.fixture
def templates(settings):
    """A template engine whose templates the test writes (``templates["t.html"] = ...``)."""
    sources = {"t.html": TEMPLATE}
    settings.TEMPLATES = [
        {
            "BACKEND": "django.template.backends.django.DjangoTemplates",
            "OPTIONS": {
                "loaders": [
                    (
                        "django.template.loaders.cached.Loader",
                        [("django.template.loaders.locmem.Loader", sources)],
                    )
                ]
            },
        }
    ]
    fragments.forget_fragments()
    yield sources
    fragments.forget_fragments()


def test_a_fragment_is_rendered_once_for_the_same_values(templates):
    """The same values give the memo's markup; other values render their own."""
    first = render_fragment("t.html", name="<Heping>")
    assert first == "<b>&lt;Heping&gt;</b> en"
    assert render_fragment("t.html", name="<Heping>") is first
    assert render_fragment("t.html", name="Hexi") == "<b>Hexi</b> en"
    assert fragments.fragment_count() == 2


def test_a_fragment_is_kept_per_language(templates):
    """The same values in another language are another fragment."""
    assert render_fragment("t.html", name="Hexi") == "<b>Hexi</b> en"
    with translation.override("zh-hans"):
        assert render_fragment("t.html", name="Hexi") == "<b>Hexi</b> zh-hans"


def test_a_reloaded_template_is_used_at_once(templates, settings):
    """Fragments of a template reloaded since (runserver after an edit) are not used again."""
    assert render_fragment("t.html", name="Hexi") == "<b>Hexi</b> en"
    templates["t.html"] = "<i>{{ name }}</i>"
    settings.TEMPLATES = [{**settings.TEMPLATES[0]}]  # a new engine, as after a reload
    assert render_fragment("t.html", name="Hexi") == "<i>Hexi</i>"


def test_the_memo_stays_bounded(templates):
    """However many different fragments a process renders, it keeps the most recent few."""
    for number in range(fragments.FRAGMENT_LIMIT + 50):
        render_fragment("t.html", name=number)
    assert fragments.fragment_count() == fragments.FRAGMENT_LIMIT
    # The oldest were dropped, the newest are kept.
    hits = fragments._rendered.cache_info().hits
    render_fragment("t.html", name=fragments.FRAGMENT_LIMIT + 49)
    assert fragments._rendered.cache_info().hits == hits + 1
    render_fragment("t.html", name=0)
    assert fragments._rendered.cache_info().hits == hits + 1
