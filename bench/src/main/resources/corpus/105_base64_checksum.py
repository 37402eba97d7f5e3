import base64
import hashlib
import zlib


def encode_blob(data: bytes) -> str:
    crc = zlib.crc32(data)
    return base64.urlsafe_b64encode(crc.to_bytes(4, "big") + data).decode()


def decode_blob(text: str) -> bytes:
    raw = base64.urlsafe_b64decode(text.encode())
    crc, data = int.from_bytes(raw[:4], "big"), raw[4:]
    if zlib.crc32(data) != crc:
        raise ValueError("checksum mismatch")
    return data


payload = b"hello, benchmark \x00\xff"
blob = encode_blob(payload)
print("blob:", blob)
assert decode_blob(blob) == payload
assert hashlib.sha256(b"abc").hexdigest().startswith("ba7816bf")
tampered = blob[:-4] + ("A" if blob[-4] != "A" else "B") + blob[-3:]
try:
    decode_blob(tampered)
except ValueError as e:
    print("tamper detected:", e)
else:
    raise AssertionError("tampering not detected")
