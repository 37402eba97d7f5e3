from decimal import Decimal, ROUND_HALF_UP


def line_total(price, qty):
    return Decimal(price) * qty


def cart_total(lines, discount_pct=0):
    subtotal = sum((line_total(p, q) for p, q in lines), Decimal("0"))
    discount = subtotal * Decimal(discount_pct) / 100
    return (subtotal - discount).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


cart = [("19.99", 2), ("5.25", 4), ("0.10", 3)]
assert cart_total(cart) == Decimal("61.28")
print("subtotal ok")
assert cart_total(cart, 10) == Decimal("55.15")
print("10% discount ok")
assert cart_total([], 50) == Decimal("0.00")
print("empty cart ok")
assert cart_total([(0.1, 3)]) == Decimal("0.30"), cart_total([(0.1, 3)])
print("float price ok")
