import random


def estimate_pi(samples, seed):
    rng = random.Random(seed)
    inside = 0
    for _ in range(samples):
        x, y = rng.random(), rng.random()
        if x * x + y * y <= 1.0:
            inside += 1
    return 4 * inside / samples


est = estimate_pi(20000, seed=2024)
print(f"pi ~ {est:.4f}")
assert abs(est - 3.14159) < 0.05
assert estimate_pi(20000, seed=2024) == est
assert abs(est - 3.14159) < 0.0001, f"estimate {est} not precise enough"
print("precise estimate")
