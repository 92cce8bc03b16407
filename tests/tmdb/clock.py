class FakeClock:
    """A monotonic clock that moves only when slept on, for code taking ``clock`` and ``sleep``:
    waits are recorded instead of waited."""

    def __init__(self) -> None:
        self.time = 0.0
        self.sleeps: list[float] = []

    def now(self) -> float:
        return self.time

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.time += seconds

    def advance(self, seconds: float) -> None:
        """Let time pass without anyone sleeping."""
        self.time += seconds
