def batch_sizes(total_items, workers):
    """Items per worker, rounding up so nothing is left behind."""
    return total_items // workers


def batches(items, workers):
    size = batch_sizes(len(items), workers)
    return [items[i:i + size] for i in range(0, len(items), size)]


assert batch_sizes(100, 4) == 25
print("even split ok")
b = batches(list(range(10)), 3)
print("batches:", b)
assert len(b) == 3, f"expected 3 batches, got {len(b)}"
print("uneven split ok")
