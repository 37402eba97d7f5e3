def summarize(orders):
    by_customer = {}
    for customer, amount in orders:
        by_customer.setdefault(customer, []).append(amount)
    return {
        c: {"count": len(a), "total": sum(a), "avg": sum(a) / len(a)}
        for c, a in by_customer.items()
    }


def overall_average(orders):
    amounts = [a for _, a in orders if a > 0]
    return sum(amounts) / len(amounts)


orders = [("ann", 30), ("bob", 20), ("ann", 50), ("cy", 0)]
s = summarize(orders)
assert s["ann"] == {"count": 2, "total": 80, "avg": 40.0}
assert s["cy"]["avg"] == 0
print("summary ok")
assert overall_average(orders) == 100 / 3
print("overall ok")
refunds_only = [("dee", -10), ("eve", 0)]
print("refund avg:", overall_average(refunds_only))
