def find_alerts(readings, threshold, min_consecutive):
    """Return (start_index, length) of runs above threshold lasting >= min_consecutive."""
    alerts = []
    run_start = None
    for i, r in enumerate(readings):
        if r > threshold:
            if run_start is None:
                run_start = i
        else:
            if run_start is not None and i - run_start >= min_consecutive:
                alerts.append((run_start, i - run_start))
            run_start = None
    return alerts


r = [20, 31, 32, 33, 25, 35, 36, 20, 40, 41, 42, 43]
print("alerts:", find_alerts(r, 30, 3))
assert find_alerts(r, 30, 3)[0] == (1, 3)
assert find_alerts(r, 30, 2)[:2] == [(1, 3), (5, 2)]
assert find_alerts(r, 30, 3) == [(1, 3), (8, 4)], "run at the end must be reported"
print("alerts ok")
