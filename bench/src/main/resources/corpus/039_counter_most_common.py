from collections import Counter

LOG = """\
GET /index.html 200
GET /about.html 200
POST /login 302
GET /index.html 200
GET /missing 404
GET /index.html 304
POST /login 401
GET /about.html 200
"""


def status_counts(log):
    return Counter(line.split()[2] for line in log.splitlines() if line)


def top_paths(log, n):
    c = Counter(line.split()[1] for line in log.splitlines() if line)
    return c.most_common(n)


sc = status_counts(LOG)
assert sc["200"] == 4
assert sc["404"] == 1
assert sum(sc.values()) == 8
print("status counts:", dict(sorted(sc.items())))
tp = top_paths(LOG, 2)
assert tp == [("/index.html", 3), ("/about.html", 2)], tp
print("top paths:", tp)
