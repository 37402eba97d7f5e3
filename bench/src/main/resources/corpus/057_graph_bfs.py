from collections import deque

GRAPH = {
    "A": ["B", "C"],
    "B": ["D"],
    "C": ["D", "E"],
    "D": ["F"],
    "E": ["F"],
    "F": [],
    "G": ["A"],
}


def shortest_path(graph, start, goal):
    prev = {start: None}
    queue = deque([start])
    while queue:
        node = queue.popleft()
        if node == goal:
            path = []
            while node is not None:
                path.append(node)
                node = prev[node]
            return path[::-1]
        for nxt in graph[node]:
            if nxt not in prev:
                prev[nxt] = node
                queue.append(nxt)
    return None


assert shortest_path(GRAPH, "A", "F") == ["A", "B", "D", "F"]
assert shortest_path(GRAPH, "A", "A") == ["A"]
assert shortest_path(GRAPH, "A", "G") is None
assert shortest_path(GRAPH, "G", "E") == ["G", "A", "C", "E"]
print("bfs ok")
