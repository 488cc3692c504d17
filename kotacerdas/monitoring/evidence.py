"""What a report's photo or document really is: judged by its content, never by its name alone.

A photo must decode as a JPEG or PNG image (Pillow reads every pixel, so a truncated or disguised file is
refused); a document must be a PDF: it starts with `%PDF-` and ends with the `%%EOF` marker.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from typing import IO

from django.utils.translation import gettext_noop
from PIL import Image

MAX_BYTES = 5 * 1024 * 1024
# 40 megapixels: more than any phone camera; a small file that unpacks into more pixels is a decompression bomb.
MAX_PIXELS = 40_000_000
PDF_HEAD = b"%PDF-"
PDF_TAIL = b"%%EOF"
PDF_TAIL_WINDOW = 1024  # the end-of-file marker sits in the last kilobyte (PDF 1.7, 7.5.5)
IMAGE_EXTENSIONS = frozenset({"jpg", "jpeg", "png"})
IMAGE_FORMATS = {"JPEG": ("jpg", "image/jpeg"), "PNG": ("png", "image/png")}

TOO_LARGE = gettext_noop("The file is larger than 5 MB.")
NOT_AN_IMAGE = gettext_noop("This file is not a readable JPG or PNG photo.")
NOT_A_PDF = gettext_noop("This file is not a valid PDF document.")
TOO_MANY_PIXELS = gettext_noop("The photo has too many pixels; send a smaller version (at most 40 megapixels).")
UNKNOWN_KIND = gettext_noop("Attach a JPG or PNG photo or a PDF document.")


class NotEvidence(Exception):
    """The upload is not what it claims to be; `message` says why (untranslated, a module constant)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Evidence:
    """A checked file: the extension it is stored under and the type it is served as."""

    extension: str
    content_type: str

    @property
    def is_image(self) -> bool:
        return self.content_type.startswith("image/")


PDF = Evidence("pdf", "application/pdf")
CONTENT_TYPES = {"jpg": "image/jpeg", "png": "image/png", "pdf": "application/pdf"}


def inspect(upload: IO[bytes], *, name: str, size: int) -> Evidence:
    """The evidence the upload really is, or NotEvidence; the claimed extension says which check applies."""
    if size > MAX_BYTES:
        raise NotEvidence(TOO_LARGE)
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    try:
        if extension == "pdf":
            return _pdf(upload, size)
        if extension in IMAGE_EXTENSIONS:
            return _image(upload)
        raise NotEvidence(UNKNOWN_KIND)
    finally:
        upload.seek(0)


def _pdf(upload: IO[bytes], size: int) -> Evidence:
    upload.seek(0)
    head = upload.read(len(PDF_HEAD))
    upload.seek(max(0, size - PDF_TAIL_WINDOW))
    tail = upload.read(PDF_TAIL_WINDOW)
    if head != PDF_HEAD or PDF_TAIL not in tail:
        raise NotEvidence(NOT_A_PDF)
    return PDF


def _image(upload: IO[bytes]) -> Evidence:
    """Decode the whole image (a header alone proves nothing); refuse bombs before decoding."""
    upload.seek(0)
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            with Image.open(upload) as image:
                if image.format not in IMAGE_FORMATS:
                    raise NotEvidence(NOT_AN_IMAGE)
                width, height = image.size
                if width * height > MAX_PIXELS:
                    raise NotEvidence(TOO_MANY_PIXELS)
                image.load()
                extension, content_type = IMAGE_FORMATS[image.format]
        except (Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
            raise NotEvidence(TOO_MANY_PIXELS) from error
        except (OSError, SyntaxError, ValueError, EOFError) as error:  # Pillow's ways of saying "not an image"
            raise NotEvidence(NOT_AN_IMAGE) from error
    return Evidence(extension, content_type)


def content_type_of(stored_name: str) -> str:
    """The type a stored file is served as (stored names carry the extension of the checked content)."""
    return CONTENT_TYPES.get(stored_name.rsplit(".", 1)[-1].lower(), "application/octet-stream")
