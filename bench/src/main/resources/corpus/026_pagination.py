def paginate(items, page, per_page):
    """Return the items for a 1-based page number."""
    start = page * per_page
    return items[start:start + per_page]


def page_count(total, per_page):
    return (total + per_page - 1) // per_page


items = list(range(1, 24))
assert page_count(23, 5) == 5
assert page_count(0, 5) == 0
assert page_count(25, 5) == 5
print("page_count ok")

assert paginate(items, 1, 5) == [1, 2, 3, 4, 5], paginate(items, 1, 5)
assert paginate(items, 5, 5) == [21, 22, 23]
print("paginate ok")
