from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DedupeConfig(AppConfig):
    name = "sambandh.dedupe"
    label = "dedupe"
    verbose_name = _("Duplicates")
    # Beside the import: the review queue, for administrators and managers (the policy's rule).
    nav_order = 795
    nav_items = [("dedupe:review", _("Duplicates"), "copy", "can_review_duplicates")]
