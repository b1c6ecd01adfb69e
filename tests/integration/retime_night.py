"""retime_night.py NIGHT OUT INTERVAL_MS — writes OUT, NIGHT's records with
accepted_at set INTERVAL_MS apart (the first keeps its own), so that
`tallyroom replay --speed 1 OUT` sends one declaration every INTERVAL_MS:
a night at an even, known pace, which a test can interrupt midway. Only
accepted_at changes, in the record's prefix and in its body (the two must
agree; proto/README.md, "The night log"), and both checksums are made
again. Ingest stamps its own accepted_at on what it takes, so the night
played is the same night. Only the standard library: the body is edited
byte by byte, as corrections_night.py does.
"""
import struct
import sys
import zlib

KEY = b"\xabaccepted_at"
WIDTHS = {0xcc: 1, 0xcd: 2, 0xce: 4, 0xcf: 8, 0xd0: 1, 0xd1: 2, 0xd2: 4, 0xd3: 8}


def with_accepted_at(body, value):
    at = body.index(KEY) + len(KEY)
    first = body[at]
    width = 0 if first < 0x80 else WIDTHS[first]
    end = at + 1 + width
    return body[:at] + b"\xcf" + struct.pack(">Q", value) + body[end:]


def main():
    data = open(sys.argv[1], "rb").read()
    interval = int(sys.argv[3])
    start = 12 + struct.unpack(">I", data[8:12])[0]
    out = bytearray(data[:start])
    offset, index, first = start, 0, None
    while offset < len(data):
        length, seq, accepted_at = struct.unpack(">IQq", data[offset:offset + 20])
        body = data[offset + 28:offset + 28 + length]
        if first is None:
            first = accepted_at
        when = first + index * interval
        body = with_accepted_at(body, when)
        prefix = struct.pack(">IQqI", len(body), seq, when, zlib.crc32(body))
        out += prefix + struct.pack(">I", zlib.crc32(prefix)) + body
        offset += 28 + length
        index += 1
    open(sys.argv[2], "wb").write(out)


if __name__ == "__main__":
    main()
