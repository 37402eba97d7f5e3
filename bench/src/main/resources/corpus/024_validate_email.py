import re

EMAIL_RE = re.compile(r"^[\w.+-]+@[\w-]+\.[a-z]{2,}$")


def is_valid_email(addr):
    return EMAIL_RE.match(addr) is not None


valid = ["user@example.com", "first.last+tag@mail.org", "a_b@c-d.io"]
invalid = ["plainaddress", "@no-local.com", "user@", "user@domain", "a b@c.com"]

for v in valid:
    assert is_valid_email(v), v
    print("valid:", v)
for v in invalid:
    assert not is_valid_email(v), v
    print("invalid:", v)

assert is_valid_email("someone@mail.example.co.uk"), "subdomains should be accepted"
print("subdomain ok")
