"""The layout's navigation, worked out in Python, shows exactly what the template showed when
it asked each permission and resolved each address itself: for every role, on every kind of
page, in every language."""

from __future__ import annotations

import re

import pytest
from django.template import Context, Template
from django.utils.translation import override

from amana.accounts.roles import Role
from amana.core.navigation import entries_for

pytestmark = pytest.mark.django_db

# The navigation as base.html wrote it before it was worked out in Python.
BEFORE = Template(
    """{% load i18n %}{% with current=view %}<ul>
<li><a href="{% url 'core:home' %}"{% if current == "core:home" %} aria-current="page"{% endif %}>{% translate "Home" %}</a></li>
{% if "CASE_VIEW" in user.permissions %}<li><a href="{% url 'cases:list' %}"{% if current|slice:":6" == "cases:" and current != "cases:approvals" and current|slice:":16" != "cases:form_admin" %} aria-current="page"{% endif %}>{% translate "Cases" %}</a></li>{% endif %}
{% if "CASE_APPROVE" in user.permissions %}<li><a href="{% url 'cases:approvals' %}"{% if current == "cases:approvals" %} aria-current="page"{% endif %}>{% translate "Approvals" %}</a></li>{% endif %}
{% if "CONSENT_OVERRIDE" in user.permissions %}<li><a href="{% url 'sharing:exceptional_inbox' %}"{% if current == "sharing:exceptional_inbox" %} aria-current="page"{% endif %}>{% translate "Exceptional sharing" %}</a></li>{% endif %}
{% if "REPORT_VIEW" in user.permissions %}<li><a href="{% url 'reports:index' %}"{% if current|slice:":8" == "reports:" %} aria-current="page"{% endif %}>{% translate "Reports" %}</a></li>{% endif %}
{% if "FORM_MANAGE" in user.permissions %}<li><a href="{% url 'cases:form_admin' %}"{% if current|slice:":16" == "cases:form_admin" %} aria-current="page"{% endif %}>{% translate "Forms" %}</a></li>{% endif %}
{% if "REFERRAL_RECEIVE" in user.permissions %}<li><a href="{% url 'referrals:inbox' %}"{% if current|slice:":10" == "referrals:" and current != "referrals:refer" %} aria-current="page"{% endif %}>{% translate "Referrals" %}</a></li>{% endif %}
{% if "SHARING_CHECK" in user.permissions %}<li><a href="{% url 'sharing:can_i_share' %}"{% if current == "sharing:can_i_share" %} aria-current="page"{% endif %}>{% translate "Can I share?" %}</a></li>{% endif %}
{% if "PROTOCOL_VIEW" in user.permissions %}<li><a href="{% url 'protocols:list' %}"{% if current == "protocols:list" or current == "protocols:detail" %} aria-current="page"{% endif %}>{% translate "Protocols" %}</a></li>{% endif %}
{% if "USER_VIEW" in user.permissions %}<li><a href="{% url 'accounts:users' %}"{% if current == "accounts:users" %} aria-current="page"{% endif %}>{% translate "Users" %}</a></li>{% endif %}
<li><a href="{% url 'notifications:list' %}"{% if current == "notifications:list" %} aria-current="page"{% endif %}>{% translate "Notifications" %}{% if user.unread_notifications %} <span class="badge">{{ user.unread_notifications }}<span class="visually-hidden"> {% translate "unread" %}</span></span>{% endif %}</a></li>
{% if "JOB_VIEW" in user.permissions %}<li><a href="{% url 'ops:failed_jobs' %}"{% if current == "ops:failed_jobs" %} aria-current="page"{% endif %}>{% translate "Failed jobs" %}</a></li>{% endif %}
</ul>{% endwith %}"""
)
NOW = Template(
    """{% load i18n %}<ul>{% for entry in entries %}<li><a href="{{ entry.url }}"{% if entry.current %} aria-current="page"{% endif %}>{{ entry.label }}{% if entry.badge %} <span class="badge">{{ entry.badge }}<span class="visually-hidden"> {% translate "unread" %}</span></span>{% endif %}</a></li>{% endfor %}</ul>"""
)
PAGES = [
    *("core:home", "cases:list", "cases:detail", "cases:team", "cases:approvals"),
    *("cases:form_admin", "cases:form_admin_edit", "reports:index", "reports:export"),
    *("referrals:inbox", "referrals:refer", "referrals:packet", "sharing:can_i_share"),
    *("sharing:exceptional_inbox", "sharing:exceptional_case", "protocols:list"),
    *("protocols:detail", "accounts:users", "accounts:login", "notifications:list"),
    *("ops:failed_jobs", None),
]


def _tight(html: str) -> str:
    return re.sub(r">\s+<", "><", html.strip())


@pytest.mark.parametrize("roles", [[], *([role] for role in Role.values), list(Role.values)])
def test_the_navigation_is_what_the_template_showed(make_user, roles):
    user = make_user(*roles, unread_notifications=len(roles))
    for language in ("en", "fr", "ar"):
        with override(language):
            for page in PAGES:
                before = BEFORE.render(Context({"user": user, "view": page}))
                now = NOW.render(Context({"entries": entries_for(user, page)}))
                assert _tight(now) == _tight(before), (roles, language, page)
