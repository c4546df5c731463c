#!/usr/bin/env python3
"""Scan Debian's Go sources and let the compiler judge every compile-class finding.

Debian builds these packages on mips64el, so a compile-class finding there is a false
positive unless `GOARCH=X go build` agrees. For each (package, arch) with findings this
builds the package in GOPATH mode and sorts findings into:
  confirmed  the compiler reports an error on that very line for that arch
  package    the package fails to build for that arch (e.g. a dependency breaks first)
  refuted    the package builds: a false positive
Usage: scripts/check-debian-tree.py [ABIPORT_BINARY] [--arch LIST]
Installs nothing; see scripts/install-debian-tree.sh for the packages.
"""
import collections, json, os, re, subprocess, sys, time

SRC = "/usr/share/gocode/src"
COMPILE_RULES = {"undefined-on-arch", "struct-field-width", "epoll-event-layout"}

def main():
    binary = sys.argv[1] if len(sys.argv) > 1 and not sys.argv[1].startswith("-") else "target/release/abiport"
    arch = "all"
    if "--arch" in sys.argv:
        arch = sys.argv[sys.argv.index("--arch") + 1]
    t = time.time()
    out = subprocess.run([binary, "scan", SRC, "--arch", arch, "--format", "json"], capture_output=True, text=True)
    wall = time.time() - t
    if out.returncode not in (0, 1):
        sys.exit(f"scan failed ({out.returncode}): {out.stderr}")
    report = json.loads(out.stdout)
    stats = report["stats"]
    findings = report["findings"]
    print(f"scan: {stats['files']} files, {stats['parsed_files']} parsed, {stats['bytes']/1e6:.0f} MB, "
          f"{stats['seconds']:.2f} s (wall {wall:.2f} s), {len(findings)} findings, {len(report.get('notes', []))} notes")
    by_rule = collections.Counter(f["rule"] for f in findings)
    by_arch = collections.Counter(a for f in findings for a in f["arches"])
    print("by rule:", dict(by_rule))
    print("by arch:", dict(sorted(by_arch.items())))
    groups = collections.defaultdict(list)
    for f in findings:
        if f["rule"] not in COMPILE_RULES:
            continue
        pkg = os.path.dirname(f["path"])
        for a in f["arches"]:
            groups[(pkg, a)].append(f)
    env = dict(os.environ, GO111MODULE="off", GOPATH="/usr/share/gocode", CGO_ENABLED="0", GOPROXY="off", GOFLAGS="")
    verdicts = collections.Counter()
    for (pkg, a), fs in sorted(groups.items()):
        r = subprocess.run(["go", "build", "-gcflags=-e", "-o", "/dev/null", pkg], cwd=SRC,
                           env=dict(env, GOARCH=a), capture_output=True, text=True)
        lines = set()
        for m in re.finditer(r"^(\S+?\.go):(\d+):\d+: ", r.stderr, re.M):
            path = m.group(1)
            lines.add((os.path.relpath(path, SRC) if path.startswith("/") else path, int(m.group(2))))
        for f in fs:
            if (f["path"], f["line"]) in lines:
                v = "confirmed"
            elif r.returncode != 0:
                v = "package"
            else:
                v = "refuted"
            verdicts[v] += 1
            if v != "confirmed":
                print(f"  {v}: {a} {f['path']}:{f['line']}: {f['message']}")
    print("compiler verdicts (finding x arch):", dict(verdicts))
    return 1 if verdicts["refuted"] else 0

if __name__ == "__main__":
    sys.exit(main())
