import functools


def retry(times, exceptions=(Exception,)):
    def deco(fn):
        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            last = None
            for attempt in range(1, times + 1):
                try:
                    return fn(*args, **kwargs)
                except exceptions as e:
                    last = e
                    print(f"attempt {attempt} failed: {e}")
            raise last
        return wrapper
    return deco


class Flaky:
    def __init__(self, fail_times):
        self.calls = 0
        self.fail_times = fail_times

    def __call__(self):
        self.calls += 1
        if self.calls <= self.fail_times:
            raise ConnectionError(f"boom #{self.calls}")
        return "ok"


f = Flaky(2)
assert retry(3)(f)() == "ok"
assert f.calls == 3
print("succeeded after retries")

g = Flaky(5)
try:
    retry(3, exceptions=(ConnectionError,))(g)()
except ConnectionError:
    print("gave up after 3 attempts")
assert g.calls == 3
print("retry ok")
