"""corrections_night.py NIGHT OUT ROUNDS — writes OUT, a night log of
NIGHT's declarations as corrections, ROUNDS times over (each round a
correction of every seat, under a submission id of its own: ge2024-X-c1,
-c2, ...), numbered on from NIGHT's last seq. Played after NIGHT, it makes
ROUNDS more nights' worth of messages without changing the result. Only
the standard library: the bodies are edited byte by byte, which the
encoder's fixed field order allows (proto/README.md, "The night log" and
"declaration").
"""
import struct
import sys
import zlib


def uint(value):
    """MessagePack's shortest encoding of an unsigned integer."""
    if value < 0x80:
        return bytes([value])
    if value < 0x100:
        return b"\xcc" + struct.pack(">B", value)
    if value < 0x10000:
        return b"\xcd" + struct.pack(">H", value)
    if value < 0x100000000:
        return b"\xce" + struct.pack(">I", value)
    return b"\xcf" + struct.pack(">Q", value)


def uint_length(data, at):
    """The length of the unsigned integer encoded at data[at]."""
    first = data[at]
    return {0xcc: 2, 0xcd: 3, 0xce: 5, 0xcf: 9}.get(first, 1)


def as_correction(body, round_number, seq):
    key = b"\xadsubmission_id"
    at = body.index(key) + len(key)
    assert 0xa0 <= body[at] <= 0xbf, "submission_id is not a short string"
    length = body[at] - 0xa0
    new_id = body[at + 1:at + 1 + length] + b"-c%d" % round_number
    assert len(new_id) < 32
    body = body[:at] + bytes([0xa0 + len(new_id)]) + new_id + body[at + 1 + length:]
    body = body.replace(b"\xa4kind\xa5first", b"\xa4kind\xaacorrection", 1)
    key = b"\xa3seq"
    at = body.rindex(key) + len(key)
    return body[:at] + uint(seq) + body[at + uint_length(body, at):]


def main():
    data = open(sys.argv[1], "rb").read()
    start = 12 + struct.unpack(">I", data[8:12])[0]
    records, offset = [], start
    while offset < len(data):
        length, seq, accepted_at = struct.unpack(">IQq", data[offset:offset + 20])
        records.append((seq, accepted_at, data[offset + 28:offset + 28 + length]))
        offset += 28 + length
    out = bytearray(data[:start])
    seq = records[-1][0]
    for round_number in range(1, int(sys.argv[3]) + 1):
        for _, accepted_at, body in records:
            seq += 1
            body = as_correction(body, round_number, seq)
            prefix = struct.pack(">IQqI", len(body), seq, accepted_at, zlib.crc32(body))
            out += prefix + struct.pack(">I", zlib.crc32(prefix)) + body
    open(sys.argv[2], "wb").write(out)


if __name__ == "__main__":
    main()
