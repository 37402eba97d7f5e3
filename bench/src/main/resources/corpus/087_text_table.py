def render_table(headers, rows):
    widths = [len(h) for h in headers]
    for row in rows:
        for i, cell in enumerate(row):
            widths[i] = max(widths[i], len(str(cell)))
    sep = "+" + "+".join("-" * (w + 2) for w in widths) + "+"
    def line(cells):
        return "| " + " | ".join(str(c).ljust(w) for c, w in zip(cells, widths)) + " |"
    return "\n".join([sep, line(headers), sep] + [line(r) for r in rows] + [sep])


out = render_table(["lang", "year"], [["Python", 1991], ["Go", 2009], ["Rust", 2015]])
print(out)
lines = out.splitlines()
assert len(lines) == 7
assert len(set(len(l) for l in lines)) == 1
assert lines[3] == "| Python | 1991 |"
out2 = render_table(["a", "b"], [["1", "2", "3"]])
print(out2)
assert "3" in out2, "extra cell was silently dropped"
