class TokenBucket:
    """Token bucket driven by an explicit clock (seconds)."""

    def __init__(self, rate, capacity):
        self.rate = rate
        self.capacity = capacity
        self.tokens = capacity
        self.last = 0.0

    def allow(self, now):
        elapsed = now - self.last
        self.last = now
        self.tokens = min(self.capacity, self.tokens + elapsed * self.rate)
        if self.tokens >= 1:
            self.tokens -= 1
            return True
        return False


b = TokenBucket(rate=2, capacity=3)
burst = [b.allow(0.0) for _ in range(5)]
assert burst == [True, True, True, False, False], burst
print("burst limited to capacity")
assert b.allow(0.5) is True
assert b.allow(0.5) is False
print("refill after 0.5s ok")
assert sum(b.allow(10.0) for _ in range(10)) == 3
print("capacity cap after long idle ok")
