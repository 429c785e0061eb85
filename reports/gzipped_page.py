"""A cached page kept gzipped in parts around the visitor's CSRF token, and its gzip answer written per hit.

Every public page carries the CSRF token of the language switch, which differs per visitor, so the page
cache could not keep the compressed page: each hit compressed the whole page again (most of a hit's CPU,
bench/RESULTS.md "load"). Here the page is compressed once, when it is stored, as raw deflate in parts cut
at the token: each part but the last ends with a full flush (byte-aligned, and nothing after it refers
back to it), so that a token fits between two parts as its own stored (uncompressed) block. A hit writes
the gzip header, with Django's BREACH mitigation (random bytes in the file name, as GZipMiddleware's
``compress_string`` since Django 4.2), the parts and token blocks, and the trailer. The token is never
compressed against the page, so the page's compressed length tells nothing about it.

The trailer's CRC-32 is carried across each part without reading its text again: CRC-32 is affine in its
start value, ``crc32(text, start) == shift(start) ^ crc32(text, 0)``, where the linear ``shift`` depends only
on the text's length and is kept as the images of the 32 bits of ``start``.
"""

import secrets
import struct
import zlib
from dataclasses import dataclass

# What GZipMiddleware writes (compress_string: level 6, mtime 0, zlib's header with the FNAME flag set).
LEVEL = 6
_HEADER = b"\x1f\x8b\x08\x08\x00\x00\x00\x00\x00\x03"
_POLY = 0xEDB88320  # CRC-32, reflected, as zlib computes it


@dataclass(frozen=True)
class GzippedPage:
    """A page's text cut at its tokens, each piece raw-deflated; the CRC-32 pieces needed to finish it."""

    parts: tuple[bytes, ...]
    first_crc: int
    # For each part after a token: the CRC-32 of its text from 0 and the shift of a start value through it.
    shifts: tuple[tuple[int, tuple[int, ...]], ...]
    size: int  # bytes of text without the tokens


def _crc_shift(text: bytes) -> tuple[int, ...]:
    """Return the images through `text` of the 32 bits of a CRC-32 start value: bit i's at index i."""
    # Going through n bytes is T^(8n), T being one zero bit's step; T moves bit i to bit i - 1 and commutes
    # with T^(8n), so every image follows from the top bit's by further single steps.
    image = zlib.crc32(text, 1 << 31) ^ zlib.crc32(text, 0)
    images = [image]
    for _ in range(31):
        image = (image >> 1) ^ (_POLY if image & 1 else 0)
        images.append(image)
    return tuple(reversed(images))


def _shifted(images: tuple[int, ...], start: int) -> int:
    result = 0
    for image in images:
        if start & 1:
            result ^= image
        start >>= 1
    return result


def gzipped_page(pieces: list[bytes]) -> GzippedPage:
    """Compress a page's text given as the pieces between its tokens."""
    compressor = zlib.compressobj(LEVEL, zlib.DEFLATED, -zlib.MAX_WBITS)
    parts = [compressor.compress(piece) + compressor.flush(zlib.Z_FULL_FLUSH) for piece in pieces[:-1]]
    parts.append(compressor.compress(pieces[-1]) + compressor.flush())
    return GzippedPage(
        parts=tuple(parts),
        first_crc=zlib.crc32(pieces[0]),
        shifts=tuple((zlib.crc32(piece), _crc_shift(piece)) for piece in pieces[1:]),
        size=sum(map(len, pieces)),
    )


def _deflate_with(page: GzippedPage, token: bytes) -> list[bytes]:
    """Return the raw deflate stream of the page with `token` in each gap, as its successive pieces."""
    # A stored block: BFINAL 0, BTYPE 00, padded to the byte; its length and the length's complement.
    block = struct.pack("<BHH", 0, len(token), len(token) ^ 0xFFFF) + token
    stream = [page.parts[0]]
    for part in page.parts[1:]:
        stream += (block, part)
    return stream


def gzip_body(page: GzippedPage, token: bytes, *, max_random_bytes: int) -> bytes:
    """Return the gzip file of the page with `token` in each gap (the visitor's own CSRF token)."""
    crc = page.first_crc
    for text_crc, images in page.shifts:
        crc = _shifted(images, zlib.crc32(token, crc)) ^ text_crc
    size = page.size + len(token) * len(page.shifts)
    name = b"a" * secrets.randbelow(max_random_bytes) + b"\x00"
    trailer = struct.pack("<II", crc, size & 0xFFFFFFFF)
    return b"".join([_HEADER, name, *_deflate_with(page, token), trailer])


def page_text(page: GzippedPage, token: bytes) -> bytes:
    """Return the page's text with `token` in each gap (for a client that does not accept gzip)."""
    return zlib.decompress(b"".join(_deflate_with(page, token)), -zlib.MAX_WBITS)


def compressed_size(page: GzippedPage) -> int:
    """Return the length of the page's gzip file without a token nor random bytes (to compare with its text)."""
    return len(_HEADER) + 1 + sum(map(len, page.parts)) + 5 * len(page.shifts) + 8
