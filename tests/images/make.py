#!/usr/bin/env python3
"""Writes tiny image files for tests/images.sh, byte by byte (no image
library): make.py DIR writes DIR/<name> for each image below, each with a
known width and height, and cut or broken variants. Only the headers need to
be right for the generator; the PNG and GIF are complete images."""
import struct
import sys
import zlib


def png(w, h):
    def chunk(kind, data):
        return struct.pack('>I', len(data)) + kind + data + struct.pack('>I', zlib.crc32(kind + data))
    rows = b''.join(b'\0' + b'\xa0\x1d\x1d' * w for _ in range(h))
    return (b'\x89PNG\r\n\x1a\n' + chunk(b'IHDR', struct.pack('>IIBBBBB', w, h, 8, 2, 0, 0, 0)) +
            chunk(b'IDAT', zlib.compress(rows)) + chunk(b'IEND', b''))


def jpeg(w, h, sof):
    """SOI, APP0 (JFIF), DQT, the frame header SOFn, DHT, SOS, data, EOI."""
    app0 = b'JFIF\0\x01\x01\0\0\x01\0\x01\0\0'
    dqt = b'\0' + bytes(range(1, 65))
    frame = struct.pack('>BHHB', 8, h, w, 1) + b'\x01\x11\x00'
    dht = b'\x00' + b'\x01' + b'\0' * 15 + b'\x00'
    sos = b'\x01\x01\x00\x00\x3f\x00'

    def seg(marker, data):
        return b'\xff' + bytes([marker]) + struct.pack('>H', len(data) + 2) + data
    return (b'\xff\xd8' + seg(0xe0, app0) + seg(0xdb, dqt) + seg(sof, frame) + seg(0xc4, dht) +
            seg(0xda, sos) + b'\x12\x34\x56' + b'\xff\xd9')


def riff(chunk_kind, data):
    if len(data) % 2:
        data += b'\0'
    body = b'WEBP' + chunk_kind + struct.pack('<I', len(data)) + data
    return b'RIFF' + struct.pack('<I', len(body)) + body


def webp_vp8(w, h):
    return riff(b'VP8 ', b'\x30\x01\x00\x9d\x01\x2a' + struct.pack('<HH', w, h) + b'\0' * 8)


def webp_vp8l(w, h):
    bits = (w - 1) | (h - 1) << 14
    return riff(b'VP8L', b'\x2f' + struct.pack('<I', bits) + b'\0' * 4)


def webp_vp8x(w, h):
    return riff(b'VP8X', b'\x10\0\0\0' + struct.pack('<I', w - 1)[:3] + struct.pack('<I', h - 1)[:3])


def gif(w, h):
    return (b'GIF89a' + struct.pack('<HHBBB', w, h, 0x80, 0, 0) + b'\0\0\0\xff\xff\xff' +
            b',' + struct.pack('<HHHHB', 0, 0, w, h, 0) + b'\x02\x02\x44\x01\x00' + b';')


IMAGES = {
    'photo.png': png(3, 2),
    'base.jpg': jpeg(640, 480, 0xc0),
    'prog.jpeg': jpeg(1024, 768, 0xc2),
    'lossy.webp': webp_vp8(400, 300),
    'lossless.webp': webp_vp8l(100, 72),
    'extended.webp': webp_vp8x(800, 600),
    'anim.gif': gif(320, 240),
    'logo.svg': b'<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"/>\n',
    'unused.png': png(5, 5),
    'other.png': png(7, 9),
}
BROKEN = {
    'cut.png': png(3, 2)[:20],
    'cut.jpg': jpeg(640, 480, 0xc0)[:30],
    'nosof.jpg': b'\xff\xd8\xff\xe0\x00\x04\x00\x00\xff\xda\x00\x02\x00',
    'cut.webp': webp_vp8x(800, 600)[:26],
    'cut.gif': b'GIF89a\x40',
    'text.png': b'this is not an image at all\n',
    'jpeg.png': jpeg(10, 10, 0xc0),
}

if __name__ == '__main__':
    which = IMAGES if sys.argv[2:] != ['broken'] else BROKEN
    for name, data in which.items():
        with open(sys.argv[1] + '/' + name, 'wb') as f:
            f.write(data)
