"""The training run's events in bounded memory: however many ball positions a run sends, the
server keeps the latest plane, the latest positions and a thinned history of older ones, and a
subscriber that comes late (or reconnects) still gets the current plane and a trail on it."""

from __future__ import annotations

from digitnet.training import TrainConfig
from digitnet.web.state import OLDER_BALLS, RECENT_BALLS, EventLog, TrainingRun

from .test_api import sse_events


def plane(n: int) -> dict:
    return {"type": "plane", "id": n, "trail": [{"alpha": 0.0, "beta": 0.0}]}


def ball(n: int, step: int) -> dict:
    return {"type": "ball", "plane": n, "step": step, "alpha": step / 10, "beta": 0.0}


def test_a_long_stream_keeps_the_last_plane_the_latest_balls_and_a_thinned_history():
    log = EventLog(recent=10, older=20)
    log.add({"type": "status", "message": "training"})
    step = 0
    for n in range(1, 6):
        log.add(plane(n))
        for _ in range(5000):
            step += 1
            log.add(ball(n, step))
            assert log.balls <= 30
        log.add({"type": "epoch", "epoch": n})
    assert log.count == 1 + 5 * 5002
    kinds = [e["type"] for _, e in log.kept]
    assert kinds.count("status") == 1 and kinds.count("epoch") == 5  # the rest kept whole
    assert [e["id"] for e in log.of_type("plane")] == [5]  # the last plane only
    balls = log.of_type("ball")
    assert all(b["plane"] == 5 for b in balls) and 10 < len(balls) <= 30
    steps = [b["step"] for b in balls]
    assert steps[-10:] == list(range(step - 9, step + 1))  # the latest, every one
    assert steps[0] == 4 * 5000 + 1 and steps == sorted(steps)  # from the plane's first on
    gaps = set(b - a for a, b in zip(steps, steps[1:-9]))
    assert max(gaps) > 1  # the older ones thinned
    numbers = [i for i, _ in log.kept]
    assert numbers == sorted(numbers) and numbers[-1] == log.count - 1
    assert [i for i, _ in log.since(numbers[-3])] == numbers[-3:]


def test_a_late_subscriber_gets_the_current_plane_and_a_trail(client):
    """A run's stream fed 50,000 ball positions on two planes: the event stream sends the
    second plane, then at most RECENT_BALLS + OLDER_BALLS positions on it, ending with the
    latest; a reconnect after one of them carries on after it."""
    run = TrainingRun(TrainConfig(sizes=(784, 4, 10)), lambda: None)
    run._add({"type": "status", "message": "training"})
    step = 0
    for n in (1, 2):
        run._add(plane(n))
        for _ in range(25_000):
            step += 1
            run._add(ball(n, step))
    run._add({"type": "status", "message": "finished"})
    run.finished = True
    client.app.state.served.run = run
    ids: list = []
    events = sse_events(client, ids=ids)
    kinds = [k for k, _ in events]
    assert kinds.count("plane") == 1 and events[kinds.index("plane")][1]["id"] == 2
    balls = [e for k, e in events if k == "ball"]
    assert kinds.index("plane") < kinds.index("ball")
    assert RECENT_BALLS < len(balls) <= RECENT_BALLS + OLDER_BALLS
    assert balls[-1]["step"] == step and all(b["plane"] == 2 for b in balls)
    assert kinds[-1] == "done" and len(events) < RECENT_BALLS + OLDER_BALLS + 5
    numbers = [int(i) for i in ids if i is not None]
    assert numbers[-1] == 2 + 50_000 + 1  # the events keep their numbers: Last-Event-ID works
    middle = ids[kinds.index("ball") + 5]
    resumed = sse_events(client, last_event_id=middle)
    assert [e for k, e in resumed if k == "ball"] == balls[6:]
