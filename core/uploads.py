"""Uploads are bounded before they are read: a request body over ``UPLOAD_MAX_BYTES`` (as announced, or as it
streams in) is refused with 400 instead of being spooled to disk first."""
from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.core.files.uploadhandler import FileUploadHandler


class BoundedUploadHandler(FileUploadHandler):
    """First in ``FILE_UPLOAD_HANDLERS``: it stores nothing, it only counts."""

    def handle_raw_input(self, input_data, META, content_length, boundary, encoding=None):
        self.received = 0
        if content_length and content_length > settings.UPLOAD_MAX_BYTES:
            raise RequestDataTooBig("The request body is larger than UPLOAD_MAX_BYTES.")

    def receive_data_chunk(self, raw_data, start):
        self.received += len(raw_data)
        if self.received > settings.UPLOAD_MAX_BYTES:  # a body that lied about its length
            raise RequestDataTooBig("The upload is larger than UPLOAD_MAX_BYTES.")
        return raw_data

    def file_complete(self, file_size):
        return None
