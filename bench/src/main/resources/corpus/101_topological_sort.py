from collections import deque

DEPS = {
    "app": ["lib", "utils"],
    "lib": ["core"],
    "utils": ["core"],
    "core": [],
    "tests": ["app"],
}


def topo_order(deps):
    indegree = {n: len(d) for n, d in deps.items()}
    users = {n: [] for n in deps}
    for node, requires in deps.items():
        for r in requires:
            users[r].append(node)
    ready = deque(sorted(n for n, d in indegree.items() if d == 0))
    order = []
    while ready:
        n = ready.popleft()
        order.append(n)
        for u in sorted(users[n]):
            indegree[u] -= 1
            if indegree[u] == 0:
                ready.append(u)
    if len(order) != len(deps):
        raise ValueError("cycle detected")
    return order


order = topo_order(DEPS)
print("build order:", order)
assert order == ["core", "lib", "utils", "app", "tests"]
try:
    topo_order({"a": ["b"], "b": ["a"]})
except ValueError as e:
    print("cycle:", e)
else:
    raise AssertionError("cycle not detected")
