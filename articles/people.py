"""
People's names as the newsroom shows them: in the order the name's own language writes them.

Django's ``get_full_name()`` is always "given family", which makes 李芳 "芳 李". A name in
Chinese characters (or Japanese kana, Korean hangul) is written family name first with no
space; any other is given name first, as typed.
"""

import re

from django.utils.translation import get_language

# CJK ideographs (with the extensions and compatibility blocks), kana and hangul.
_EAST_ASIAN = re.compile(
    "[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff\U00020000-\U0003134f]"
)


def person_name(user):
    """
    ``user``'s name for people to read: "李芳" (family name first, no space) for a name in
    Chinese characters, "Wei Li" otherwise; their user name when they gave no name, "" for
    no one.
    """
    if user is None:
        return ""
    given, family = user.first_name.strip(), user.last_name.strip()
    if not (given or family):
        return user.get_username()
    if _EAST_ASIAN.search(given + family):
        # No space between two parts written in characters; one between 王 and Anna.
        joined = _EAST_ASIAN.match(given) and _EAST_ASIAN.search(family[-1:])
        return (family + given) if joined else f"{family} {given}".strip()
    return f"{given} {family}".strip()


def family_name_first():
    """Whether forms in the active language ask for the family name first (Chinese does)."""
    return (get_language() or "").lower().startswith("zh")
