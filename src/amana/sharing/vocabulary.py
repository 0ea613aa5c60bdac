"""Words of sharing the pages, forms and API share."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

BASIS_CHOICES = [
    ("consent", _("Consent")),
    ("best_interests", _("The child's best interests")),
    ("vital_interests", _("Vital interests (immediate danger to the child)")),
    ("safety_security", _("Safety and security of others")),
    ("mandate", _("Mandate (investigations only)")),
]
