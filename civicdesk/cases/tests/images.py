"""Real image files for upload tests, made with Pillow."""

import io
import struct
import zlib

from PIL import Image


def png(size=(40, 30), color=(200, 30, 30)):
    out = io.BytesIO()
    Image.new("RGB", size, color).save(out, "PNG")
    return out.getvalue()


GPS_IFD = 0x8825


def jpeg_with_gps(size=(60, 40), orientation=6):
    """A JPEG whose EXIF says where it was taken (GPS), on what camera, and that it is rotated."""
    exif = Image.Exif()
    exif[0x010F] = "CameraMaker"  # Make
    exif[0x0112] = orientation  # Orientation: 6 = rotate 90° clockwise to view
    exif[GPS_IFD] = {1: "N", 2: (28.0, 11.0, 30.0), 3: "E", 4: (112.0, 58.0, 12.0)}
    out = io.BytesIO()
    Image.new("RGB", size, (10, 120, 200)).save(out, "JPEG", exif=exif)
    return out.getvalue()


def png_claiming(width, height):
    """A tiny PNG whose header claims a huge picture (a decompression bomb's shape)."""

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b""))
        + chunk(b"IEND", b"")
    )
