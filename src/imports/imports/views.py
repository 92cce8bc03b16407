from typing import Any, cast

from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.parsers import MultiPartParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from core.api.integers import plain_int
from core.api.schema import THROTTLED, UNAUTHENTICATED
from core.api.user_lists import list_schema
from imports import schema, selectors, services
from imports.models import Import
from imports.serializers import ImportSerializer, ImportUploadSerializer

# Bytes a multipart body holds beside the file: boundaries, part headers, the source field.
MULTIPART_FRAMING = 64 * 1024


@extend_schema(tags=["imports"])
@extend_schema_view(
    list=list_schema(
        summary="List your imports", serializer=ImportSerializer, example=schema.IMPORT_EXAMPLE
    ),
    retrieve=extend_schema(
        summary="Show an import",
        responses={200: ImportSerializer, 401: UNAUTHENTICATED, 404: schema.IMPORT_NOT_FOUND},
        examples=[schema.DONE_EXAMPLE, schema.FAILED_EXAMPLE],
    ),
    create=extend_schema(
        summary="Import an export file",
        request={"multipart/form-data": ImportUploadSerializer},
        responses={
            202: ImportSerializer,
            400: schema.INVALID_UPLOAD,
            401: UNAUTHENTICATED,
            429: THROTTLED,
        },
        examples=[schema.QUEUED_EXAMPLE],
    ),
    destroy=extend_schema(
        summary="Remove an import",
        responses={
            204: OpenApiResponse(description="Removed; what it imported stays. No body."),
            401: UNAUTHENTICATED,
            404: schema.IMPORT_NOT_FOUND,
            429: THROTTLED,
        },
    ),
)
class ImportViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    """Your imports of Letterboxd, IMDb, Trakt and TMDB exports, newest first. An upload is
    answered 202 at once: a worker reads it, matches its films to the catalog and adds what it
    holds to your ratings, watchlist, favorites and history; poll the import until its
    `status` is `done` (see its `counts` and `unmatched` films) or `failed` (see `error`:
    nothing of it was stored)."""

    serializer_class = ImportSerializer
    permission_classes = [IsAuthenticated]
    parser_classes = [MultiPartParser]
    filter_backends: list[Any] = []
    queryset = Import.objects.none()  # for the schema; get_queryset does the reading

    @property
    def throttle_scope(self) -> str:
        """Uploads and removals count against the account's ``imports`` rate; reads (never
        cached: a client polls its import) against its ``user`` rate, the count of the other
        reads the cache does not answer (``core.api.throttling.AccountRateThrottle``'s)."""
        return "user" if self.request.method in ("GET", "HEAD", "OPTIONS") else "imports"

    def get_queryset(self):
        return selectors.import_list(user_id=cast(int, self.request.user.pk))

    def get_object(self) -> Import:
        import_id = plain_int(self.kwargs["pk"]) or 0
        return self.get_queryset().get(pk=import_id)  # DoesNotExist: a 404

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        # A body longer than the largest file (and its multipart framing) is refused before it
        # is read, let alone spooled to disk.
        length = plain_int(request.META.get("CONTENT_LENGTH") or "0") or 0
        if length > services.max_upload_bytes() + MULTIPART_FRAMING:
            raise services.too_large()
        body = ImportUploadSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        upload = body.validated_data["file"]
        if upload.size > services.max_upload_bytes():  # refused before it is read
            raise services.too_large()
        job = services.import_create(
            user=cast(Any, request.user),
            data=upload.read(),
            file_name=upload.name or "",
            source=body.validated_data.get("source"),
        )
        return Response(self.get_serializer(job).data, status=status.HTTP_202_ACCEPTED)

    def destroy(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        import_id = plain_int(kwargs["pk"]) or 0
        services.import_remove(user=cast(Any, request.user), import_id=import_id)
        return Response(status=status.HTTP_204_NO_CONTENT)
