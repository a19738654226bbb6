"""Attachment checks: the type is read from the file's first bytes, never from its name."""

import hashlib

from django.conf import settings
from django.core.files.base import ContentFile
from django.utils.translation import gettext as _

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


def check_upload(name, data: bytes):
    """(content type, extension, error message or None) for an uploaded file's bytes."""
    limit = settings.CIVICDESK_MAX_ATTACHMENT_BYTES
    if not data:
        return None, None, _("文件 %(name)s 是空的") % {"name": name}
    if len(data) > limit:
        return None, None, _("文件 %(name)s 超过 %(mb).0f MB") % {"name": name, "mb": limit / 1024 / 1024}
    content_type, ext = sniff(data[:16])
    if content_type is None:
        return (
            None,
            None,
            _("文件 %(name)s 的类型不支持（只接受 JPEG、PNG、GIF、WebP 图片和 PDF）") % {"name": name},
        )
    return content_type, ext, None


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
