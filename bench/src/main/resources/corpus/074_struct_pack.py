import struct

HEADER = struct.Struct("<4sHHI")  # magic, version, flags, length


def pack_message(version, flags, payload):
    return HEADER.pack(b"MSG1", version, flags, len(payload)) + payload


def unpack_message(data):
    magic, version, flags, length = HEADER.unpack_from(data)
    if magic != b"MSG1":
        raise ValueError("bad magic")
    body = data[HEADER.size:HEADER.size + length]
    if len(body) != length:
        raise ValueError("truncated body")
    return version, flags, body


msg = pack_message(2, 0b101, b"hello")
assert len(msg) == 12 + 5
assert unpack_message(msg) == (2, 5, b"hello")
print("round trip ok:", msg.hex())

try:
    unpack_message(msg[:-2])
except ValueError as e:
    print("truncated detected:", e)
else:
    raise AssertionError("truncation not detected")

big = pack_message(1, 0, b"x" * 70000)
assert unpack_message(big)[2] == b"x" * 70000
print("large payload ok")
