def normalize(email):
    local, domain = email.split("@")
    local = local.split("+")[0].replace(".", "")
    return f"{local}@{domain}"


def unique_addresses(emails):
    return len({normalize(e) for e in emails})


emails = [
    "test.email+alex@leetcode.com",
    "test.e.mail+bob.cathy@leetcode.com",
    "testemail+david@lee.tcode.com",
]
assert unique_addresses(emails) == 2
print("case 1 ok")
assert normalize("John.Doe@Example.com") == normalize("johndoe@example.com"), \
    (normalize("John.Doe@Example.com"), normalize("johndoe@example.com"))
print("case-insensitive ok")
