#!/usr/bin/env python3
"""Lint of the Dockerfile (hadolint is not in Debian 12; where it is on PATH it
runs too). No docker daemon is needed: the image is not built here.

  dockerfile_lint.py SOURCE_DIR [WINNOW_BINARY]

Checks, each naming the Dockerfile line it is about:
  * every stage is FROM debian:12 or debian:12-slim; at least two stages, each
    named; the last copies the install tree from an earlier one;
  * only the Debian archive and PyPI: no ADD of a URL, no curl/wget/git in RUN;
  * apt-get install has -y and --no-install-recommends, follows apt-get update in
    the same RUN, and that RUN removes /var/lib/apt/lists;
  * the runtime stage installs no -dev package and no compiler, runs as a
    non-root USER, has an exec-form ENTRYPOINT and STOPSIGNAL SIGTERM;
  * .dockerignore keeps build/ and models/ out of the context;
  * with the built binary: every shared library it links (ldd) is provided by
    a package the runtime stage installs (dpkg -S on this Debian 12 machine),
    and every runtime package is known to apt here (apt-cache show).
"""
import os
import re
import shutil
import subprocess
import sys

errors = []


def error(line_no, message):
    errors.append(f"Dockerfile:{line_no}: {message}" if line_no else f"Dockerfile: {message}")


def logical_lines(path):
    """(first line number, instruction text) with continuations joined, comments dropped."""
    out, buf, start = [], "", 0
    with open(path, encoding="utf-8") as f:
        for no, raw in enumerate(f, 1):
            line = raw.rstrip("\n")
            if not buf and (not line.strip() or line.lstrip().startswith("#")):
                continue
            if buf and line.lstrip().startswith("#"):
                continue
            if not buf:
                start = no
            if line.endswith("\\"):
                buf += line[:-1] + " "
                continue
            buf += line
            out.append((start, buf.strip()))
            buf = ""
    if buf:
        out.append((start, buf.strip()))
    return out


def parse_stages(lines):
    stages = []
    for no, text in lines:
        word, _, rest = text.partition(" ")
        word = word.upper()
        if word == "FROM":
            m = re.match(r"^(?:--platform=\S+\s+)?(\S+)(?:\s+AS\s+(\S+))?$", rest.strip(), re.I)
            if not m:
                error(no, f"cannot parse FROM: {rest}")
                continue
            stages.append({"line": no, "image": m.group(1), "name": m.group(2), "instr": []})
        elif not stages:
            if word != "ARG":
                error(no, f"{word} before the first FROM")
        else:
            stages[-1]["instr"].append((no, word, rest.strip()))
    return stages


def apt_packages(run_text):
    """Packages named by `apt-get install` in one RUN text."""
    pkgs = []
    for m in re.finditer(r"apt-get\s+install\s+([^&;|]*)", run_text):
        pkgs += [w for w in m.group(1).split() if not w.startswith("-")]
    return pkgs


def check(source_dir, binary):
    dockerfile = os.path.join(source_dir, "Dockerfile")
    if not os.path.isfile(dockerfile):
        error(0, f"missing: {dockerfile}")
        return
    stages = parse_stages(logical_lines(dockerfile))
    if len(stages) < 2:
        error(0, f"expected a multi-stage build (build, runtime); found {len(stages)} stage(s)")
        return
    names = set()
    for s in stages:
        if s["image"] not in ("debian:12", "debian:12-slim", "debian:bookworm", "debian:bookworm-slim"):
            error(s["line"], f"base image {s['image']}: expected Debian 12 (debian:12 or debian:12-slim)")
        if not s["name"]:
            error(s["line"], "unnamed stage: name it (FROM ... AS NAME) so COPY --from can say which")
        names.add(s["name"])

    runtime_packages = []
    for index, s in enumerate(stages):
        is_runtime = index == len(stages) - 1
        user = None
        entrypoint = None
        stopsignal = None
        copied_from_build = False
        for no, word, rest in s["instr"]:
            if word == "ADD" and re.search(r"https?://|git@", rest):
                error(no, "ADD of a URL: the build may use only the Debian archive and PyPI")
            if word == "RUN":
                if re.search(r"\b(curl|wget)\b|\bgit\s+clone\b", rest):
                    error(no, "downloads in RUN (curl/wget/git clone): only the Debian archive "
                              "and PyPI (through scripts/setup) are allowed")
                if re.search(r"\bpip3?\s+install\b|-m\s+pip\s+install", rest) and "--index-url" in rest:
                    error(no, "pip with another index than PyPI")
                if "apt-get install" in rest:
                    if not re.search(r"apt-get\s+install\s+(?:\S+\s+)*?-y\b|-y\s", rest):
                        error(no, "apt-get install without -y")
                    if "--no-install-recommends" not in rest:
                        error(no, "apt-get install without --no-install-recommends")
                    if "apt-get update" not in rest.split("apt-get install")[0]:
                        error(no, "apt-get install without apt-get update before it in the same RUN")
                    if "rm -rf /var/lib/apt/lists" not in rest:
                        error(no, "apt lists not removed (rm -rf /var/lib/apt/lists/*) in the same RUN")
                    if is_runtime:
                        runtime_packages += apt_packages(rest)
                if "apt-get upgrade" in rest or "apt-get dist-upgrade" in rest:
                    error(no, "apt-get upgrade in an image build (pin the base image instead)")
            if word == "USER":
                user = (no, rest)
            if word == "ENTRYPOINT":
                entrypoint = (no, rest)
            if word == "STOPSIGNAL":
                stopsignal = (no, rest)
            if word == "COPY":
                m = re.search(r"--from=(\S+)", rest)
                if m:
                    if m.group(1) not in names:
                        error(no, f"COPY --from={m.group(1)}: no stage of that name")
                    copied_from_build = True
        if is_runtime:
            if not copied_from_build:
                error(s["line"], "the runtime stage copies nothing from the build stage")
            if user is None or user[1] in ("root", "0"):
                error(s["line"], "the runtime stage runs as root: add USER with a user of its own")
            if entrypoint is None or not entrypoint[1].startswith("["):
                error(entrypoint[0] if entrypoint else s["line"],
                      "ENTRYPOINT missing or in shell form (use the exec form [\"...\"] so "
                      "SIGTERM reaches winnow)")
            if stopsignal is None or stopsignal[1] != "SIGTERM":
                error(s["line"], "STOPSIGNAL SIGTERM missing (winnow drains on SIGTERM)")
            for p in runtime_packages:
                if p.endswith("-dev") or p in ("build-essential", "cmake", "gcc", "g++", "ccache"):
                    error(s["line"], f"runtime stage installs build package {p}")
    if not runtime_packages:
        error(stages[-1]["line"], "the runtime stage installs no libraries")

    ignore = os.path.join(source_dir, ".dockerignore")
    patterns = open(ignore, encoding="utf-8").read().split() if os.path.isfile(ignore) else []
    for needed in ("build/", "models/"):
        if needed not in patterns and needed.rstrip("/") not in patterns:
            error(0, f".dockerignore does not exclude {needed} (a local build or model would "
                     "enter the image)")

    if binary:
        check_libraries(binary, runtime_packages)


def check_libraries(binary, runtime_packages):
    if not (shutil.which("ldd") and shutil.which("dpkg")):
        print("dockerfile_lint: no ldd/dpkg here: runtime libraries not checked")
        return
    ldd = subprocess.run(["ldd", binary], capture_output=True, text=True, check=True).stdout
    libs = sorted({m.group(1) for m in re.finditer(r"=>\s+(/\S+)", ldd)})
    installed = set(runtime_packages)
    for lib in libs:
        real = os.path.realpath(lib)
        # The image is built with -DWINNOW_CUDA=OFF; a CUDA build here links the toolkit's
        # runtime (cudart, cuBLASLt), which the image neither has nor needs.
        if "/cuda" in real and re.search(r"lib(cudart|cublas|cublasLt|cudnn|nvidia-ml)", real):
            continue
        owner = None
        for candidate in (lib, real, real.replace("/usr/lib/", "/lib/", 1),
                          lib.replace("/lib/", "/usr/lib/", 1)):
            r = subprocess.run(["dpkg", "-S", candidate], capture_output=True, text=True)
            if r.returncode == 0:
                owner = r.stdout.split(":")[0].strip()
                break
        if owner is None:
            error(0, f"{lib}: no Debian package owns it (built by hand?)")
            continue
        # libc6, libstdc++6 and libgcc-s1 are in every Debian image.
        if owner in ("libc6", "libstdc++6", "libgcc-s1") or owner in installed:
            continue
        error(0, f"the binary links {os.path.basename(lib)} (package {owner}), which the runtime "
                 "stage does not install")
    if shutil.which("apt-cache"):
        for p in runtime_packages:
            r = subprocess.run(["apt-cache", "show", p], capture_output=True, text=True)
            if r.returncode != 0 or not r.stdout.strip():
                error(0, f"runtime package {p} is unknown to apt on this Debian 12 machine")


def main():
    if len(sys.argv) not in (2, 3):
        print(__doc__, file=sys.stderr)
        return 2
    source_dir = sys.argv[1]
    binary = sys.argv[2] if len(sys.argv) == 3 else None
    check(source_dir, binary)
    if shutil.which("hadolint"):
        r = subprocess.run(["hadolint", os.path.join(source_dir, "Dockerfile")])
        if r.returncode != 0:
            errors.append("hadolint found problems (above)")
    for e in errors:
        print(e, file=sys.stderr)
    if errors:
        print(f"dockerfile_lint: {len(errors)} problem(s)", file=sys.stderr)
        return 1
    print("dockerfile_lint: ok (image not built: no docker daemon is needed or used)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
