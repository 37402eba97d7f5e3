from urllib.parse import parse_qs, urlencode, urlsplit


def query_params(url):
    parts = urlsplit(url)
    params = parse_qs(parts.query, keep_blank_values=True)
    return {k: v[0] if len(v) == 1 else v for k, v in params.items()}


def with_param(url, key, value):
    parts = urlsplit(url)
    params = parse_qs(parts.query, keep_blank_values=True)
    params[key] = [value]
    query = urlencode(params, doseq=True)
    return parts._replace(query=query).geturl()


u = "https://example.com/search?q=python+tips&page=2&tag=a&tag=b&empty="
p = query_params(u)
assert p == {"q": "python tips", "page": "2", "tag": ["a", "b"], "empty": ""}, p
print("parsed:", p)

u2 = with_param(u, "page", "3")
assert query_params(u2)["page"] == "3"
assert query_params(u2)["tag"] == ["a", "b"]
assert u2.startswith("https://example.com/search?")
print("rewritten:", u2)
