#!/usr/bin/env python3
"""Soak test: does mr lose work or leave a repository broken when it is killed?

    bench/soak.py [--repos 100] [--kills 200] [--jobs 2] [--dir /tmp/mr-soak] [--seed 1]

Builds a workspace of REPOS repositories, each a clone of its own local bare remote, with
local work of every kind in it: a staged new file, an unstaged edit, an untracked file, and
in some repositories a local commit (the branch diverges), a staged edit to a file upstream
changes (the update must refuse), or a staged edit whose work-tree file was put back to
HEAD's content (git pull --ff-only refuses that too). Each upstream has a long history ready
in its object store; every round moves each remote's branch one commit on.

Then, KILLS times: `mr -jJOBS update` over the whole workspace, killed with SIGKILL after a
random delay within the time an update takes (measured from the runs that finish, widened
after each kill until one does); then `mr status`, and for every repository:
- lost work: the staged file, the unstaged edit, the untracked file, the local commit, the
  staged edits that must survive (each compared with what it was);
- a half-updated tree (paths changed that the user did not change) that `mr status` did not
  report as an interrupted update.
At the end, two unkilled `mr update`s must finish every interrupted fast-forward, and then:
`git fsck` of every repository, lock files or mr's update notes left behind, and every
repository that could fast-forward is at its upstream.

A second phase races `git add` loops (one file at a time) against `mr status` loops and
counts staged files that went missing.

After each kill it also counts index.lock files that no update note names (a lock only a
human could remove). Every command has a time limit.

Prints the counts and exits 1 if anything was lost, corrupt, left locked or unreported.
"""
import argparse
import os
import random
import shutil
import signal
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
MR = os.environ.get("MR_BIN", os.path.join(HERE, "..", "build", "mr"))

FILES = [f"d{d}/f{d}{i}" for d in range(3) for i in range(10)]  # 30 tracked files
CONFLICT_FILE = "d0/f00"  # upstream changes it in its first commit
RESTORED_FILE = "d1/f10"  # likewise


def run(args, cwd=None, env=None, check=True, input=None, timeout=600):
    """Every wait has an end: a command that hangs for 10 minutes ends the soak."""
    try:
        p = subprocess.run(args, cwd=cwd, env=env, input=input, capture_output=True,
                           timeout=timeout)
    except subprocess.TimeoutExpired:
        sys.exit(f"soak: {' '.join(map(str, args))} hung in {cwd} (killed after {timeout} s)")
    if check and p.returncode != 0:
        sys.exit(f"soak: {' '.join(map(str, args))} failed in {cwd}: {p.stderr.decode()}")
    return p


WORDS = ["alpha", "beta", "gamma", "delta", "kappa", "omega", "sigma", "tau"]
_LINES = []


def content(rng, n):
    """About n bytes of text: random lines from a fixed pool (fast to make, and diffs of
    two versions look like real edits)."""
    if not _LINES:
        pool = random.Random(0)
        _LINES.extend(" ".join(pool.choice(WORDS) for _ in range(12)) + "\n"
                      for _ in range(512))
    return "".join(rng.choices(_LINES, k=max(1, n // 60))).encode()


def fast_import_stream(rng, commits):
    """Commit 0 is the base; commit k (1..commits) rewrites some files of the last one."""
    out = []
    mark = 0

    def blob(data):
        nonlocal mark
        mark += 1
        out.append(b"blob\nmark :%d\ndata %d\n" % (mark, len(data)) + data + b"\n")
        return mark

    files = {f: blob(content(rng, rng.randint(4000, 40000))) for f in FILES}
    files["local/unstaged.txt"] = blob(b"committed\n")
    commit_marks = []
    for k in range(commits + 1):
        if k > 0:
            changed = rng.sample(FILES, 8)
            if k == 1:
                changed = list(set(changed) | {CONFLICT_FILE, RESTORED_FILE})
            for f in changed:
                files[f] = blob(content(rng, rng.randint(4000, 40000)))
        ref = b"refs/heads/main" if k == 0 else b"refs/soak/c%d" % k
        msg = b"commit %d\n" % k
        when = 1_700_000_000 + k * 60
        mark += 1
        commit_marks.append(mark)
        out.append(b"commit " + ref + b"\nmark :%d\n" % mark)
        out.append(b"committer Soak <soak@example.org> %d +0000\n" % when)
        out.append(b"data %d\n" % len(msg) + msg)
        if k > 0:
            out.append(b"from :%d\n" % commit_marks[k - 1])
        out.append(b"deleteall\n")
        for f, m in sorted(files.items()):
            out.append(b"M 100644 :%d %s\n" % (m, f.encode()))
        out.append(b"\n")
    return b"".join(out)


class Repo:
    def __init__(self, root, i, rng):
        self.name = f"r{i:03d}"
        self.bare = os.path.join(root, "remotes", self.name + ".git")
        self.path = os.path.join(root, "work", self.name)
        kind = rng.random()
        self.local_commit = kind < 0.1
        self.staged_conflict = 0.1 <= kind < 0.2
        self.staged_restored = 0.2 <= kind < 0.3
        self.expect = {}  # what must survive: path -> (where, bytes)
        self.commit = None


def setup(args, env):
    rng = random.Random(args.seed)
    root = args.dir
    if os.path.exists(root):
        shutil.rmtree(root)
    os.makedirs(os.path.join(root, "remotes"))
    os.makedirs(os.path.join(root, "work"))
    os.makedirs(env["HOME"])
    repos = [Repo(root, i, rng) for i in range(args.repos)]
    lines = []
    for r in repos:
        run(["git", "init", "-q", "--bare", "-b", "main", r.bare], env=env)
        run(["git", "fast-import", "--quiet"], cwd=r.bare, env=env,
            input=fast_import_stream(rng, args.kills + 2))
        run(["git", "clone", "-q", r.bare, r.path], env=env)
        g = lambda *a: run(["git", *a], cwd=r.path, env=env)
        os.makedirs(os.path.join(r.path, "local"), exist_ok=True)
        with open(os.path.join(r.path, "local", "staged.txt"), "wb") as f:
            f.write(b"staged " + r.name.encode() + b"\n")
        g("add", "local/staged.txt")
        r.expect["local/staged.txt"] = ("index", b"staged " + r.name.encode() + b"\n")
        with open(os.path.join(r.path, "local", "unstaged.txt"), "wb") as f:
            f.write(b"edited, not staged\n")
        r.expect["local/unstaged.txt"] = ("worktree", b"edited, not staged\n")
        with open(os.path.join(r.path, "local", "untracked.txt"), "wb") as f:
            f.write(b"untracked\n")
        r.expect["local/untracked.txt"] = ("worktree", b"untracked\n")
        if r.local_commit:
            with open(os.path.join(r.path, "local", "committed.txt"), "wb") as f:
                f.write(b"committed here\n")
            g("add", "local/committed.txt")
            g("commit", "-q", "-m", "local work")
            r.commit = g("rev-parse", "HEAD").stdout.decode().strip()
        if r.staged_conflict:
            data = b"my staged version\n"
            with open(os.path.join(r.path, CONFLICT_FILE), "wb") as f:
                f.write(data)
            g("add", CONFLICT_FILE)
            r.expect[CONFLICT_FILE] = ("index", data)
        if r.staged_restored:
            data = b"staged, then the file restored\n"
            full = os.path.join(r.path, RESTORED_FILE)
            with open(full, "rb") as f:
                original = f.read()
            with open(full, "wb") as f:
                f.write(data)
            g("add", RESTORED_FILE)
            with open(full, "wb") as f:
                f.write(original)
            r.expect[RESTORED_FILE] = ("index", data)
        lines.append(f'[repos."{r.name}"]\nurl = "{r.bare}"\n')
    registry = os.path.join(root, "work", ".mrconfig.toml")
    with open(registry, "w") as f:
        f.write("\n".join(lines))
    return repos, registry


def lost_work(r, env):
    lost = []
    for path, (where, data) in r.expect.items():
        if where == "index":
            p = run(["git", "cat-file", "blob", ":" + path], cwd=r.path, env=env, check=False)
            ok = p.returncode == 0 and p.stdout == data
        else:
            try:
                with open(os.path.join(r.path, path), "rb") as f:
                    ok = f.read() == data
            except OSError:
                ok = False
        if not ok:
            lost.append(path)
    if r.commit:
        p = run(["git", "merge-base", "--is-ancestor", r.commit, "HEAD"], cwd=r.path, env=env,
                check=False)
        if p.returncode != 0:
            lost.append("commit " + r.commit[:12])
    return lost


def changed_paths(r, env):
    """Paths git sees changed, other than the user's own local work."""
    p = run(["git", "status", "--porcelain", "-z", "--untracked-files=all"], cwd=r.path,
            env=env, check=False)
    if p.returncode != 0:
        return {"<git status failed: " + p.stderr.decode().strip() + ">"}
    paths = set()
    for entry in p.stdout.split(b"\0"):
        if len(entry) > 3:
            path = entry[3:].decode(errors="replace")
            if not path.startswith("local/") and path not in r.expect:
                paths.add(path)
    return paths


def status_blocks(text):
    blocks = {}
    current = None
    for line in text.splitlines():
        if line.startswith("mr status: ") and not line.startswith("mr status: finished"):
            current = os.path.basename(line[len("mr status: "):].split(" ")[0])
            blocks[current] = []
        elif current is not None:
            blocks[current].append(line)
    return {k: "\n".join(v) for k, v in blocks.items()}


def leftovers(r):
    gitdir = os.path.join(r.path, ".git")
    found = []
    for dirpath, _, files in os.walk(gitdir):
        for f in files:
            if f.endswith(".lock") or f.startswith("mr-update"):
                found.append(os.path.relpath(os.path.join(dirpath, f), r.path))
    return found


def unrecognised_lock(r):
    """An index.lock that no update note names: nothing but a human would ever remove it
    (the note names a lock by device and inode, and birth time, which Python cannot read)."""
    gitdir = os.path.join(r.path, ".git")
    try:
        st = os.lstat(os.path.join(gitdir, "index.lock"))
    except FileNotFoundError:
        return False
    try:
        with open(os.path.join(gitdir, "mr-update")) as f:
            fields = dict(line.rstrip("\n").split(" ", 1) for line in f if " " in line)
    except FileNotFoundError:
        return True
    dev, ino = (int(x) for x in fields.get("lock", "0 0").split()[:2])
    return (ino != st.st_ino or
            dev != (os.major(st.st_dev) << 32 | os.minor(st.st_dev)))


def kill_phase(args, env, repos, registry):
    counts = dict(landed=0, completed=0, lost=0, unreported=0, half=0, stale=0)
    stale_seen = []
    lost_seen = {}
    unreported_seen = []
    limit = 0.5
    rng = random.Random(args.seed + 1)
    mr = [MR, "-c", registry, f"-j{args.jobs}"]
    for k in range(1, args.kills + 1):
        for r in repos:
            run(["git", "update-ref", "refs/heads/main", f"refs/soak/c{k}"], cwd=r.bare, env=env)
        delay = rng.uniform(0, limit)
        start = time.monotonic()
        p = subprocess.Popen(mr + ["update"], cwd=os.path.dirname(registry), env=env,
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            p.wait(timeout=delay)
            counts["completed"] += 1
            limit = max(0.02, (time.monotonic() - start) * 1.1)
        except subprocess.TimeoutExpired:
            p.send_signal(signal.SIGKILL)
            p.wait()
            counts["landed"] += 1
            # Until a run completes, no one knows how long an update takes: widen the window
            # so that later kills also land late in a run, not only in its first moments.
            limit *= 1.15
        for r in repos:
            if unrecognised_lock(r):
                counts["stale"] += 1
                stale_seen.append((k, r.name))
        st = run(mr + ["status"], cwd=os.path.dirname(registry), env=env, check=False)
        blocks = status_blocks(st.stdout.decode(errors="replace") +
                               st.stderr.decode(errors="replace"))
        for r in repos:
            lost = lost_work(r, env)
            if lost and r.name not in lost_seen:
                lost_seen[r.name] = lost
            half = changed_paths(r, env)
            if half:
                counts["half"] += 1
                if "interrupt" not in blocks.get(r.name, "").lower():
                    counts["unreported"] += 1
                    unreported_seen.append((k, r.name, sorted(half)[:3]))
        if k % 20 == 0:
            print(f"soak: {k}/{args.kills} kills, {counts['landed']} landed mid-run, "
                  f"{len(lost_seen)} repositories lost work, {counts['unreported']} unreported, "
                  f"{counts['stale']} locks no note names",
                  file=sys.stderr)
    counts["lost"] = len(lost_seen)
    return counts, lost_seen, unreported_seen, stale_seen


def final_checks(args, env, repos, registry):
    mr = [MR, "-c", registry, f"-j{args.jobs}"]
    for _ in range(2):
        run(mr + ["update"], cwd=os.path.dirname(registry), env=env, check=False)
    result = dict(fsck=[], locks=[], behind=[], lost=[], dirty=[])
    for r in repos:
        if run(["git", "fsck", "--no-progress", "--no-dangling"], cwd=r.path, env=env,
               check=False).returncode != 0:
            result["fsck"].append(r.name)
        left = leftovers(r)
        if left:
            result["locks"].append((r.name, left))
        if lost_work(r, env):
            result["lost"].append(r.name)
        if changed_paths(r, env):
            result["dirty"].append(r.name)
        can_ff = not (r.local_commit or r.staged_conflict or r.staged_restored)
        head = run(["git", "rev-parse", "HEAD"], cwd=r.path, env=env).stdout
        tip = run(["git", "rev-parse", "main"], cwd=r.bare, env=env).stdout
        if can_ff and head != tip:
            result["behind"].append(r.name)
    return result


def add_race(args, env, repos, registry):
    chosen = repos[: min(5, len(repos))]
    per_repo = 300
    procs = []
    for r in chosen:
        os.makedirs(os.path.join(r.path, "race"), exist_ok=True)
        for n in range(per_repo):
            with open(os.path.join(r.path, "race", f"n{n:03d}"), "w") as f:
                f.write(f"{n}\n")
        # Each add is retried while index.lock is held (by mr status, briefly), for at
        # most 10 s: a lock held longer is a lock left behind, and the file counts as lost.
        script = ("for f in race/n*; do n=0; until git add \"$f\" 2>/dev/null; do "
                  "n=$((n+1)); [ $n -ge 10000 ] && break; sleep 0.001; done; done")
        procs.append(subprocess.Popen(["sh", "-c", script], cwd=r.path, env=env))
    # mr status over just these repositories, so that it runs often while the adds run.
    race_registry = os.path.join(os.path.dirname(registry), ".mrconfig-race.toml")
    with open(race_registry, "w") as f:
        f.write("".join(f'[repos."{r.name}"]\nurl = "{r.bare}"\n' for r in chosen))
    mr = [MR, "-c", race_registry, f"-j{args.jobs}"]
    runs = 0
    while any(p.poll() is None for p in procs):
        run(mr + ["status"], cwd=os.path.dirname(registry), env=env, check=False)
        runs += 1
    missing = 0
    for r in chosen:
        staged = run(["git", "diff", "--cached", "--name-only", "--", "race"], cwd=r.path,
                     env=env).stdout.decode().split()
        missing += per_repo - len(staged)
    return missing, per_repo * len(chosen), runs


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repos", type=int, default=100)
    ap.add_argument("--kills", type=int, default=200)
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--dir", default="/tmp/mr-soak")
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()
    if not os.access(MR, os.X_OK):
        sys.exit(f"soak: no mr binary at {MR} (scripts/build.sh, or set MR_BIN)")
    env = {
        "HOME": os.path.join(args.dir, "home"), "PATH": "/usr/local/bin:/usr/bin:/bin",
        "LANG": "C.UTF-8", "GIT_CONFIG_NOSYSTEM": "1", "GIT_AUTHOR_NAME": "Soak",
        "GIT_AUTHOR_EMAIL": "soak@example.org", "GIT_COMMITTER_NAME": "Soak",
        "GIT_COMMITTER_EMAIL": "soak@example.org",
    }
    t0 = time.monotonic()
    repos, registry = setup(args, env)
    print(f"soak: workspace of {len(repos)} repositories ready in {time.monotonic() - t0:.0f} s",
          file=sys.stderr)
    counts, lost_seen, unreported, stale = kill_phase(args, env, repos, registry)
    final = final_checks(args, env, repos, registry)
    missing, staged, runs = add_race(args, env, repos, registry)

    print(f"mr soak: {len(repos)} repositories, {args.kills} kill -9s of `mr -j{args.jobs} "
          f"update` ({counts['landed']} mid-run, {counts['completed']} after it finished)")
    print(f"  repositories that lost staged, unstaged, untracked or committed work: "
          f"{counts['lost']}")
    print(f"  half-updated trees seen after a kill: {counts['half']}, not reported by "
          f"mr status: {counts['unreported']}")
    print(f"  index.lock files no update note names, seen after a kill: {counts['stale']}")
    print(f"  after two unkilled updates: fsck failures {len(final['fsck'])}, locks or notes "
          f"left {len(final['locks'])}, lost work {len(final['lost'])}, still half-updated "
          f"{len(final['dirty'])}, not at upstream {len(final['behind'])}")
    print(f"  git add beside mr status ({runs} status runs): {missing} of {staged} staged "
          f"files lost")
    for name, what in sorted(lost_seen.items())[:10]:
        print(f"    lost in {name}: {', '.join(what)}")
    for k, name, paths in unreported[:10]:
        print(f"    unreported after kill {k} in {name}: {', '.join(paths)}")
    for k, name in stale[:10]:
        print(f"    unnamed index.lock after kill {k} in {name}")
    for key in ("fsck", "locks", "lost", "dirty", "behind"):
        for item in final[key][:5]:
            print(f"    final {key}: {item}")
    bad = (counts["lost"] or counts["unreported"] or counts["stale"] or missing or final["fsck"] or final["locks"]
           or final["lost"] or final["dirty"] or final["behind"])
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
