"""What the referral API views share: paging."""

from __future__ import annotations

from typing import Any

from django.core.paginator import Paginator
from django.db.models import QuerySet
from drf_spectacular.utils import OpenApiParameter

from amana.referrals.presenters import PAGE_SIZE

PAGE = OpenApiParameter("page", int, description="page number, 50 a page")


def paginated(rows: QuerySet[Any], page_number: Any, row: Any) -> dict[str, Any]:
    page = Paginator(rows, PAGE_SIZE).get_page(page_number)
    shown = list(page.object_list)
    return {
        "count": page.paginator.count,
        "page": page.number,
        "pages": page.paginator.num_pages,
        "results": row(shown),
    }
