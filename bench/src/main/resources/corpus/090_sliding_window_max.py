from collections import deque


def window_max(nums, k):
    dq = deque()
    out = []
    for i, x in enumerate(nums):
        while dq and nums[dq[-1]] <= x:
            dq.pop()
        dq.append(i)
        if dq[0] <= i - k:
            dq.popleft()
        if i >= k - 1:
            out.append(nums[dq[0]])
    return out


def brute(nums, k):
    return [max(nums[i:i + k]) for i in range(len(nums) - k + 1)]


sample = [1, 3, -1, -3, 5, 3, 6, 7]
assert window_max(sample, 3) == [3, 3, 5, 5, 6, 7]
seq = [(i * 37) % 11 - 5 for i in range(40)]
for k in range(1, 8):
    assert window_max(seq, k) == brute(seq, k), k
print("sliding window max ok")
