"""night_slice.py NIGHT COUNT OUT — writes the header and the first COUNT
records of the night log NIGHT to OUT (proto/README.md, "The night log":
8-byte magic, u32 big-endian header length, the header, then records of a
28-byte prefix whose first u32 is the body's length)."""
import struct
import sys

source, count, out = sys.argv[1], int(sys.argv[2]), sys.argv[3]
data = open(source, "rb").read()
(header,) = struct.unpack(">I", data[8:12])
end = 12 + header
for _ in range(count):
    (length,) = struct.unpack(">I", data[end:end + 4])
    end += 28 + length
    if end > len(data):
        sys.exit(f"{source} holds fewer than {count} records")
open(out, "wb").write(data[:end])
