import json

DEFAULTS = json.loads("""
{
  "server": {"host": "localhost", "port": 8080, "tls": false},
  "logging": {"level": "INFO", "handlers": ["console"]},
  "workers": 4
}
""")


def deep_merge(base, override):
    result = dict(base)
    for key, value in override.items():
        if isinstance(value, dict) and isinstance(result.get(key), dict):
            result[key] = deep_merge(result[key], value)
        else:
            result[key] = value
    return result


user = json.loads('{"server": {"port": 9090}, "logging": {"level": "DEBUG"}, "workers": 8}')
merged = deep_merge(DEFAULTS, user)

assert merged["server"] == {"host": "localhost", "port": 9090, "tls": False}
assert merged["logging"]["handlers"] == ["console"]
assert merged["logging"]["level"] == "DEBUG"
assert merged["workers"] == 8
assert DEFAULTS["server"]["port"] == 8080, "defaults must not be mutated"
print(json.dumps(merged, sort_keys=True))
print("merge ok")
