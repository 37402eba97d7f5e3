import sys

STOCK = {"bolts": 120, "nuts": 4, "washers": 0, "screws": 58}
REORDER_AT = 10


def needs_reorder(stock, threshold):
    return sorted(name for name, qty in stock.items() if qty < threshold)


low = needs_reorder(STOCK, REORDER_AT)
assert low == ["nuts", "washers"]
for name in low:
    print(f"WARNING: {name} low ({STOCK[name]} left)", file=sys.stderr)
print(f"{len(STOCK)} items checked, {len(low)} need reorder")
