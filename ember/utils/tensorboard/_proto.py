"""A tiny protocol-buffer encoder and the TFRecord framing of TensorBoard event files.

Messages are built as lists of ``(field number, value)`` pairs by the helpers below and serialised to bytes; only
the wire types TensorBoard's Event protos use are needed (varint, 64-bit, length-delimited, 32-bit).
"""
from __future__ import annotations

import struct

import numpy as np


def _varint(n: int) -> bytes:
    if n < 0:
        n += 1 << 64  # negative int32/int64 values are sent as 10-byte two's complement
    out = bytearray()
    while True:
        b = n & 0x7F
        n >>= 7
        if n:
            out.append(b | 0x80)
        else:
            out.append(b)
            return bytes(out)


def _key(field: int, wire: int) -> bytes:
    return _varint(field << 3 | wire)


def uint(field: int, n: int) -> bytes:
    """A varint field (int32, int64, enum, bool)."""
    return _key(field, 0) + _varint(int(n))


def double(field: int, x: float) -> bytes:
    return _key(field, 1) + struct.pack('<d', float(x))


def float32(field: int, x: float) -> bytes:
    return _key(field, 5) + struct.pack('<f', float(x))


def blob(field: int, data: bytes | str) -> bytes:
    """A length-delimited field: bytes, a string (UTF-8) or an embedded message."""
    if isinstance(data, str):
        data = data.encode('utf-8')
    return _key(field, 2) + _varint(len(data)) + data


def packed_doubles(field: int, values) -> bytes:
    return blob(field, np.asarray(values, dtype='<f8').tobytes())


def packed_floats(field: int, values) -> bytes:
    return blob(field, np.asarray(values, dtype='<f4').tobytes())


def _crc32c_table() -> list[int]:
    table = []
    for i in range(256):
        c = i
        for _ in range(8):
            c = (c >> 1) ^ 0x82F63B78 if c & 1 else c >> 1
        table.append(c)
    return table


_TABLE = _crc32c_table()


def crc32c(data: bytes) -> int:
    """CRC-32C (Castagnoli), the checksum of TFRecord framing."""
    crc = 0xFFFFFFFF
    table = _TABLE
    for b in data:
        crc = table[(crc ^ b) & 0xFF] ^ (crc >> 8)
    return crc ^ 0xFFFFFFFF


def _masked(data: bytes) -> bytes:
    crc = crc32c(data)
    return struct.pack('<I', (((crc >> 15) | (crc << 17)) + 0xA282EAD8) & 0xFFFFFFFF)


def tfrecord(payload: bytes) -> bytes:
    """One TFRecord: length, masked CRC of the length, payload, masked CRC of the payload."""
    header = struct.pack('<Q', len(payload))
    return header + _masked(header) + payload + _masked(payload)
