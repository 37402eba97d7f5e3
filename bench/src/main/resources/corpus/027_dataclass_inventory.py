from dataclasses import dataclass, field


@dataclass
class Item:
    name: str
    price: float
    qty: int = 0


@dataclass
class Inventory:
    items: list = field(default_factory=list)

    def add(self, item):
        for existing in self.items:
            if existing.name == item.name:
                existing.qty += item.qty
                return
        self.items.append(item)

    def total_value(self):
        return round(sum(i.price * i.qty for i in self.items), 2)

    def low_stock(self, threshold):
        return sorted(i.name for i in self.items if i.qty < threshold)


inv = Inventory()
inv.add(Item("widget", 2.50, 10))
inv.add(Item("gadget", 12.99, 2))
inv.add(Item("widget", 2.50, 5))
inv.add(Item("doohickey", 0.99, 1))

assert len(inv.items) == 3
assert inv.items[0].qty == 15
assert inv.total_value() == 64.47, inv.total_value()
assert inv.low_stock(3) == ["doohickey", "gadget"]
other = Inventory()
assert other.items == [], "inventories must not share state"
print("inventory ok:", inv.total_value())
