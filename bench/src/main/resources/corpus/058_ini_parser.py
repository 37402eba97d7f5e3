import configparser

INI = """
[database]
host = db.internal
port = 5432
pool = 10

[cache]
enabled = yes
ttl = 300
"""


def load(text):
    cp = configparser.ConfigParser()
    cp.read_string(text)
    return cp


cfg = load(INI)
assert cfg.sections() == ["database", "cache"]
assert cfg.getint("database", "port") == 5432
assert cfg.getboolean("cache", "enabled") is True
assert cfg.get("cache", "missing", fallback="n/a") == "n/a"
print("ini sections:", cfg.sections())

total_conns = cfg["database"]["pool"] * 2
print("total connections:", total_conns)
assert total_conns == 20, total_conns
