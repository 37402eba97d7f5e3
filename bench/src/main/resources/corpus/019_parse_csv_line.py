def parse_csv_line(line):
    """Split a CSV line, honouring double-quoted fields."""
    fields, cur, in_quotes = [], "", False
    i = 0
    while i < len(line):
        ch = line[i]
        if in_quotes:
            if ch == '"' and i + 1 < len(line) and line[i + 1] == '"':
                cur += '"'
                i += 1
            elif ch == '"':
                in_quotes = False
            else:
                cur += ch
        elif ch == '"':
            in_quotes = True
        elif ch == ",":
            fields.append(cur)
            cur = ""
        else:
            cur += ch
        i += 1
    fields.append(cur)
    return fields


assert parse_csv_line("a,b,c") == ["a", "b", "c"]
assert parse_csv_line('"x,y",z') == ["x,y", "z"]
assert parse_csv_line('"say ""hi""",1') == ['say "hi"', "1"]
assert parse_csv_line("") == [""]
assert parse_csv_line("a,,b,") == ["a", "", "b", ""]
print("csv parser ok")
