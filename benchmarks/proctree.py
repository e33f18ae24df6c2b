"""CPU and memory of a whole process tree, read from /proc (Linux) without psutil.

A refresh is one Python process, but dbt runs in child processes: measuring the parent alone would
hide most of the work. A thread samples the tree every ~100 ms; each sample holds the tree's summed
resident memory and its cumulative CPU time (user + system), so CPU between any two instants (a
Dagster step's start and end) is a difference of two interpolated samples.

The sampler shares the bench process, and its two cores, with the API emulators and the refresh.
Finding the tree's members means reading a file per thread of every member (the refresh, dbt's
and great-expectations' processes run dozens): done every ~50 ms, it took 11% of the bench
process's busy time while M's Okta sign-ins were read (py-spy). So the members are looked for
once a second and only their stat files are read in between: a process started since is counted
from the next search (its CPU so far included, being cumulative), one that ended is counted by
its parent once reaped.
"""

from __future__ import annotations

import bisect
import os
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

PROC = Path("/proc")
TICKS_PER_S = os.sysconf("SC_CLK_TCK")
PAGE_BYTES = os.sysconf("SC_PAGE_SIZE")


@dataclass(frozen=True)
class ProcStat:
    pid: int
    ppid: int
    #: utime + stime + cutime + cstime: its own CPU and that of the children it has reaped, so a
    #: dbt process that exited between two samples is still counted, by its parent.
    cpu_s: float
    rss_bytes: int


def parse_stat(text: str) -> ProcStat:
    """One /proc/<pid>/stat line. The command name is in parentheses and may contain spaces."""
    pid = int(text[: text.index(" ")])
    fields = text[text.rindex(")") + 2 :].split()
    # fields[0] is field 3 (state) of proc(5): ppid is 4, utime..cstime 14..17, rss 24.
    ticks = sum(int(value) for value in fields[11:15])
    return ProcStat(pid, int(fields[1]), ticks / TICKS_PER_S, int(fields[21]) * PAGE_BYTES)


def read_all() -> dict[int, ProcStat]:
    stats: dict[int, ProcStat] = {}
    for entry in os.scandir(PROC):
        if not entry.name.isdigit():
            continue
        try:
            stats[int(entry.name)] = parse_stat((PROC / entry.name / "stat").read_text())
        except (OSError, ValueError):
            continue  # the process ended while we looked
    return stats


def children_of(pid: int) -> list[int] | None:
    """The pids any thread of `pid` started (/proc/<pid>/task/<tid>/children), or None when the
    kernel does not offer those files. Far cheaper than reading every process's stat on a busy
    machine, where each read costs ~0.1 ms."""
    try:
        tasks = os.listdir(PROC / str(pid) / "task")
    except OSError:
        return []
    found: list[int] = []
    for task in tasks:
        try:
            found.extend(
                int(c) for c in (PROC / str(pid) / "task" / task / "children").read_text().split()
            )
        except FileNotFoundError:
            if not (PROC / str(pid) / "task" / task).exists():
                continue  # the thread ended while we looked
            return None
        except (OSError, ValueError):
            continue
    return found


def read_tree(root: int) -> list[ProcStat]:
    """`root` and its descendants, walking the children files when the kernel has them."""
    members: list[ProcStat] = []
    todo = [root]
    while todo:
        pid = todo.pop()
        stat = _stat(pid)
        if stat is None:
            continue
        members.append(stat)
        children = children_of(pid)
        if children is None:
            return tree(read_all(), root)
        todo.extend(children)
    return members


def read_members(pids: list[int]) -> list[ProcStat]:
    """The stat of each of `pids` still running."""
    return [stat for stat in map(_stat, pids) if stat is not None]


def _stat(pid: int) -> ProcStat | None:
    try:
        return parse_stat((PROC / str(pid) / "stat").read_text())
    except (OSError, ValueError):
        return None  # the process ended while we looked


def tree(stats: dict[int, ProcStat], root: int) -> list[ProcStat]:
    """`root` and all its descendants among `stats`."""
    children: dict[int, list[int]] = {}
    for stat in stats.values():
        children.setdefault(stat.ppid, []).append(stat.pid)
    found, todo = [], [root]
    while todo:
        pid = todo.pop()
        if pid in stats:
            found.append(stats[pid])
            todo.extend(children.get(pid, []))
    return found


@dataclass(frozen=True)
class Sample:
    at: float  # time.time(), the clock Dagster's step stats use
    cpu_s: float
    rss_bytes: int
    processes: int


@dataclass
class Samples:
    """The samples of one process tree, in time order, and what can be read between two times."""

    items: list[Sample] = field(default_factory=list)

    def cpu_at(self, at: float) -> float:
        """Cumulative CPU of the tree at `at`, linearly interpolated between samples."""
        if not self.items:
            return 0.0
        times = [s.at for s in self.items]
        index = bisect.bisect_left(times, at)
        if index == 0:
            return self.items[0].cpu_s
        if index >= len(self.items):
            return self.items[-1].cpu_s
        before, after = self.items[index - 1], self.items[index]
        share = (at - before.at) / (after.at - before.at) if after.at > before.at else 1.0
        return before.cpu_s + share * (after.cpu_s - before.cpu_s)

    def cpu_between(self, start: float, end: float) -> float:
        return max(self.cpu_at(end) - self.cpu_at(start), 0.0)

    def peak_rss_between(self, start: float, end: float) -> int:
        """The highest tree RSS sampled in [start, end] (or the nearest sample if none fell in)."""
        inside = [s.rss_bytes for s in self.items if start <= s.at <= end]
        if inside:
            return max(inside)
        if not self.items:
            return 0
        return min(self.items, key=lambda s: abs(s.at - (start + end) / 2)).rss_bytes


class TreeSampler:
    """Samples a process tree in a background thread until stopped.

    The tree's cumulative CPU is kept monotonic: a process reaped by a parent outside the tree
    (never the case here: the root's own children are reaped by the root) would otherwise make it
    drop.
    """

    def __init__(self, root: int, every_s: float = 0.1, search_every_s: float = 1.0) -> None:
        self.root = root
        self.samples = Samples()
        self._every_s = every_s
        self._search_every_s = search_every_s
        self._pids: list[int] = []
        self._searched_at = float("-inf")
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="tree-sampler", daemon=True)

    def sample_once(self) -> Sample | None:
        now = time.monotonic()
        if now - self._searched_at >= self._search_every_s:
            members = read_tree(self.root)
            self._pids = [member.pid for member in members]
            self._searched_at = now
        else:
            members = read_members(self._pids)
        if not members:
            return None
        cpu = sum(m.cpu_s for m in members)
        if self.samples.items:
            cpu = max(cpu, self.samples.items[-1].cpu_s)
        sample = Sample(time.time(), cpu, sum(m.rss_bytes for m in members), len(members))
        self.samples.items.append(sample)
        return sample

    def _run(self) -> None:
        while True:
            self.sample_once()
            if self._stop.wait(self._every_s):
                return

    def start(self) -> TreeSampler:
        self._thread.start()
        return self

    def stop(self) -> Samples:
        self._stop.set()
        self._thread.join()
        return self.samples
