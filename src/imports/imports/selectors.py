from typing import TYPE_CHECKING, Any

from django.db.models import QuerySet

from imports.models import Import

if TYPE_CHECKING:
    from django.contrib.auth.models import _User  # AUTH_USER_MODEL, as django-stubs resolves it


def import_list(*, user_id: int) -> QuerySet[Import]:
    """The user's imports, newest first."""
    return Import.objects.filter(user_id=user_id).order_by("-created_at", "-id")


def imports_export(*, user: "_User") -> dict[str, list[dict[str, Any]]]:
    """The user's imports, oldest first (``ACCOUNTS['EXPORTERS']``): what each was and did (the
    files themselves are not kept)."""
    rows = Import.objects.filter(user_id=user.pk).order_by("created_at", "id")
    return {
        "imports": [
            {
                "id": job.pk,
                "source": job.source,
                "file_name": job.file_name,
                "status": job.status,
                "created_at": job.created_at.isoformat(),
                "finished_at": job.finished_at.isoformat() if job.finished_at else None,
                "counts": job.counts,
                "unmatched": job.unmatched,
                "error": job.error or None,
            }
            for job in rows
        ]
    }
