"""Stored files (photos, exports) leave the platform one way: the caller has checked that the reader may have the
file, then ``stored_file_response`` hands it over. On object storage that is a redirect to a presigned URL that
expires after ``STORAGE_URL_SECONDS`` (the bytes never pass through the app); on the filesystem the app serves them
itself, since MEDIA_ROOT is never published."""
from django.conf import settings
from django.http import FileResponse, HttpResponseRedirect


def presigned_url(file, *, content_type: str, filename: str = "") -> str | None:
    """A short-lived URL for the file, if its storage can sign one (django-storages' S3 backend); else None."""
    storage = file.storage
    if not getattr(storage, "querystring_auth", False):
        return None
    parameters = {"ResponseContentType": content_type}
    if filename:
        parameters["ResponseContentDisposition"] = f'attachment; filename="{filename}"'
    return storage.url(file.name, parameters=parameters, expire=settings.STORAGE_URL_SECONDS)


def stored_file_response(file, *, content_type: str, filename: str = ""):
    """The file for a reader already admitted: a redirect to object storage, or the bytes (as a download when a
    filename is given)."""
    url = presigned_url(file, content_type=content_type, filename=filename)
    if url:
        response = HttpResponseRedirect(url)
        response["Cache-Control"] = "private, no-store"  # the URL is a key of its own for a few minutes
        return response
    return FileResponse(file.open("rb"), content_type=content_type, as_attachment=bool(filename),
                        filename=filename or None)
