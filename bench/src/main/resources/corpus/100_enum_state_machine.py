from enum import Enum, auto


class State(Enum):
    IDLE = auto()
    RUNNING = auto()
    PAUSED = auto()
    DONE = auto()


TRANSITIONS = {
    (State.IDLE, "start"): State.RUNNING,
    (State.RUNNING, "pause"): State.PAUSED,
    (State.PAUSED, "resume"): State.RUNNING,
    (State.RUNNING, "finish"): State.DONE,
}


def run(events, state=State.IDLE):
    history = [state]
    for ev in events:
        key = (state, ev)
        if key not in TRANSITIONS:
            raise ValueError(f"illegal event {ev!r} in state {state.name}")
        state = TRANSITIONS[key]
        history.append(state)
    return history


h = run(["start", "pause", "resume", "finish"])
print(" -> ".join(s.name for s in h))
assert h[-1] is State.DONE
try:
    run(["start", "start"])
except ValueError as e:
    print("rejected:", e)
h2 = run(["start", "finish", "start"])
print("unexpected:", h2)
