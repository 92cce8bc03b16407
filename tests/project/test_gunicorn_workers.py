"""gunicorn's default worker count (config/gunicorn.py) follows the CPUs this process may use:
the cgroup quota (a container's --cpus), then the affinity mask, with a floor and a ceiling."""

from pathlib import Path

import pytest

from config import gunicorn


def cgroup(tmp_path: Path, own: str, files: dict[str, str]) -> tuple[Path, Path]:
    root = tmp_path / "cgroup"
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)
    proc = tmp_path / "proc-self-cgroup"
    proc.write_text(own)
    return root, proc


def test_cgroup_v2_quota_of_the_process_cgroup_or_a_parent_the_lowest(tmp_path):
    root, proc = cgroup(
        tmp_path,
        "0::/kubepods/pod1/app\n",
        {
            "cpu.max": "max 100000\n",
            "kubepods/cpu.max": "800000 100000\n",
            "kubepods/pod1/app/cpu.max": "150000 100000\n",
        },
    )
    assert gunicorn.cgroup_quota(root, proc) == 1.5


def test_cgroup_v2_without_a_quota(tmp_path):
    root, proc = cgroup(tmp_path, "0::/\n", {"cpu.max": "max 100000\n"})
    assert gunicorn.cgroup_quota(root, proc) is None


def test_cgroup_v1_quota(tmp_path):
    files = {"cpu,cpuacct/cpu.cfs_quota_us": "300000\n", "cpu,cpuacct/cpu.cfs_period_us": "100000"}
    root, proc = cgroup(tmp_path, "2:cpu,cpuacct:/\n", files)
    assert gunicorn.cgroup_quota(root, proc) == 3.0


def test_cgroup_v1_unlimited_and_no_cgroup_at_all(tmp_path):
    files = {"cpu/cpu.cfs_quota_us": "-1\n", "cpu/cpu.cfs_period_us": "100000\n"}
    root, proc = cgroup(tmp_path, "1:cpu:/\n", files)
    assert gunicorn.cgroup_quota(root, proc) is None
    assert gunicorn.cgroup_quota(tmp_path / "none", tmp_path / "missing") is None


@pytest.mark.parametrize(
    ("affinity", "quota", "cpus"),
    [(64, None, 64), (64, 2.0, 2.0), (4, 16.0, 4), (8, 0.5, 0.5)],
)
def test_usable_cpus_is_the_affinity_mask_or_the_quota_if_lower(monkeypatch, affinity, quota, cpus):
    monkeypatch.setattr(gunicorn.os, "sched_getaffinity", lambda pid: set(range(affinity)))
    monkeypatch.setattr(gunicorn, "cgroup_quota", lambda: quota)
    assert gunicorn.usable_cpus() == cpus


@pytest.mark.parametrize(
    ("cpus", "workers"), [(0.5, 2), (1, 2), (1.5, 4), (2, 4), (6, 12), (64, 16), (128, 16)]
)
def test_two_workers_per_usable_cpu_within_the_floor_and_the_ceiling(cpus, workers):
    assert gunicorn.default_workers(cpus, ceiling=16) == workers


def test_cgroup_v1_quota_of_the_process_cgroup_or_a_parent_the_lowest(tmp_path):
    """A host's v1 hierarchy: the quota sits on the process's own cgroup (a systemd slice, a pod),
    not at the controller's mount."""
    files = {
        "cpu,cpuacct/cpu.cfs_quota_us": "-1\n",
        "cpu,cpuacct/cpu.cfs_period_us": "100000\n",
        "cpu,cpuacct/kubepods/cpu.cfs_quota_us": "800000\n",
        "cpu,cpuacct/kubepods/cpu.cfs_period_us": "100000\n",
        "cpu,cpuacct/kubepods/pod1/app/cpu.cfs_quota_us": "150000\n",
        "cpu,cpuacct/kubepods/pod1/app/cpu.cfs_period_us": "100000\n",
    }
    root, proc = cgroup(tmp_path, "4:memory:/kubepods\n2:cpu,cpuacct:/kubepods/pod1/app\n", files)
    assert gunicorn.cgroup_quota(root, proc) == 1.5


def test_cgroup_v1_in_a_container_whose_cgroup_is_mounted_at_the_root(tmp_path):
    """Docker on v1 without a cgroup namespace: /proc/self/cgroup names the host's path, and the
    container's own cgroup is what is mounted."""
    files = {"cpu,cpuacct/cpu.cfs_quota_us": "200000\n", "cpu,cpuacct/cpu.cfs_period_us": "100000"}
    root, proc = cgroup(tmp_path, "2:cpu,cpuacct:/docker/0123abcd\n", files)
    assert gunicorn.cgroup_quota(root, proc) == 2.0
