"""Attachment checks: the type is read from the file's first bytes, never from its name; images are decoded
and encoded again, which drops what the camera wrote besides the picture (EXIF: GPS position, device, time)
and refuses files that only pretend to be images."""

import hashlib
import io
import warnings

from django.conf import settings
from django.core.files.base import ContentFile
from django.utils.translation import gettext as _
from PIL import Image, ImageOps

# magic bytes → (content type, extension)
SIGNATURES = [
    (b"\xff\xd8\xff", "image/jpeg", "jpg"),
    (b"\x89PNG\r\n\x1a\n", "image/png", "png"),
    (b"GIF87a", "image/gif", "gif"),
    (b"GIF89a", "image/gif", "gif"),
    (b"%PDF-", "application/pdf", "pdf"),
]


def sniff(head: bytes):
    for magic, content_type, ext in SIGNATURES:
        if head.startswith(magic):
            return content_type, ext
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp", "webp"
    return None, None


# Larger images are refused, not decoded: a small file can claim an enormous size (a decompression bomb).
MAX_IMAGE_PIXELS = 50_000_000
PIL_FORMATS = {"image/jpeg": "JPEG", "image/png": "PNG", "image/gif": "GIF", "image/webp": "WEBP"}


def _reencode(data, content_type):
    """The picture alone, encoded again in its own format, upright, without metadata; None if unreadable."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as probe:
                if probe.width * probe.height > MAX_IMAGE_PIXELS:
                    return None
                probe.verify()
            with Image.open(io.BytesIO(data)) as image:
                image.load()
                picture = ImageOps.exif_transpose(image)  # keep the orientation the EXIF tag described
    except (OSError, SyntaxError, ValueError, Image.DecompressionBombError, Image.DecompressionBombWarning):
        return None
    fmt = PIL_FORMATS[content_type]
    if fmt == "JPEG" and picture.mode not in ("RGB", "L"):
        picture = picture.convert("RGB")
    out = io.BytesIO()
    options = {"quality": 90} if fmt in ("JPEG", "WEBP") else {}
    picture.save(out, fmt, **options)  # no exif=, icc_profile= or pnginfo=: nothing but the pixels
    return out.getvalue()


def check_upload(name, data: bytes):
    """(stored bytes, content type, extension, error message or None) for an uploaded file's bytes."""
    limit = settings.CIVICDESK_MAX_ATTACHMENT_BYTES
    if not data:
        return None, None, None, _("文件 %(name)s 是空的") % {"name": name}
    if len(data) > limit:
        return (
            None,
            None,
            None,
            _("文件 %(name)s 超过 %(mb).0f MB") % {"name": name, "mb": limit / 1024 / 1024},
        )
    content_type, ext = sniff(data[:16])
    if content_type is None:
        return (
            None,
            None,
            None,
            _("文件 %(name)s 的类型不支持（只接受 JPEG、PNG、GIF、WebP 图片和 PDF）") % {"name": name},
        )
    if content_type in PIL_FORMATS:
        data = _reencode(data, content_type)
        if data is None:
            return None, None, None, _("图片 %(name)s 已损坏或过大，无法读取") % {"name": name}
    return data, content_type, ext, None


def store(case, name, data, content_type, ext, uploaded_by=None, event=None):
    from .models import Attachment

    digest = hashlib.sha256(data).hexdigest()
    attachment = Attachment(
        case=case,
        event=event,
        original_name=(name or f"upload.{ext}")[:200],
        content_type=content_type,
        size=len(data),
        sha256=digest,
        uploaded_by=uploaded_by if getattr(uploaded_by, "pk", None) else None,
    )
    attachment.file.save(f"{digest[:16]}.{ext}", ContentFile(data), save=False)
    attachment.save()
    return attachment
