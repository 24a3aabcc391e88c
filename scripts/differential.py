#!/usr/bin/env python3
"""Differential test: zhfix vs OpenCC 1.4.2 (python module `opencc`) on real text.

Usage:
    scripts/differential.py --zhfix PATH_TO_ZHFIX [--corpus DIR] [--configs s2t,t2s,...]

For each config, the corpus is chosen by the source script of the config:
    s2*                -> zh-hans.txt
    t2*, tw2*, hk2*    -> zh-hant.txt
    jp2t               -> ja.txt
(build the corpora with scripts/fetch-corpus).

OpenCC's expected output is `opencc.OpenCC(cfg).convert(whole_text)`, cached in
DIR/expected/CFG.txt (+ CFG.key, keyed by the corpus's sha256 and the opencc
version). zhfix is run as `ZHFIX convert -c CFG FILE` and its stdout bytes are
compared with the expected bytes line by line.

Note: OpenCC 1.4.2 marks TSCharactersExt.ocd2 (in t2s, tw2s, tw2sp, hk2s, hk2sp)
as "may_output_tofu". The library (and `opencc.OpenCC(cfg)`) includes it by
default; the `opencc` command-line tools skip it unless given
--include-tofu-risk-dictionaries. The default here is the library's; use
--tofu exclude to compare against the command-line default instead.

Exit status: 0 if every config matches exactly, 1 if any config has a differing
line, a different line count, or zhfix failed; 2 on a usage/setup error.
"""

import argparse
import hashlib
import json
import os
import shutil
import subprocess
import sys
import time

OPENCC_VERSION = "1.4.2"
ALL_CONFIGS = [
    "s2t", "t2s", "s2tw", "tw2s", "s2twp", "tw2sp", "s2hk", "hk2s",
    "s2hkp", "hk2sp", "t2tw", "tw2t", "t2hk", "hk2t", "t2jp", "jp2t",
]
MAX_SHOWN = 5       # differing lines shown per config
CONTEXT = 30        # characters shown on each side of the first difference

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def corpus_for(cfg):
    src = cfg.split("2", 1)[0]
    if src == "s":
        return "zh-hans.txt"
    if src in ("t", "tw", "hk"):
        return "zh-hant.txt"
    if src == "jp":
        return "ja.txt"
    raise ValueError(f"no corpus rule for config {cfg!r}")


def die(msg):
    print(f"differential: {msg}", file=sys.stderr)
    sys.exit(2)


def check_opencc():
    try:
        import opencc
    except ImportError:
        die(f"python module 'opencc' not found; run: pip install opencc=={OPENCC_VERSION}")
    version = getattr(opencc, "__version__", None)
    if version != OPENCC_VERSION:
        die(f"opencc python module is version {version!r}, need {OPENCC_VERSION!r}; "
            f"run: pip install opencc=={OPENCC_VERSION}")
    return opencc


def expected_output(opencc, cfg, corpus_path, corpus_bytes, corpus_sha, cache_dir, tofu):
    """OpenCC's conversion of the whole corpus, cached on disk. Returns (bytes, cached?)."""
    os.makedirs(cache_dir, exist_ok=True)
    stem = cfg if tofu else f"{cfg}.no-tofu"
    out_path = os.path.join(cache_dir, f"{stem}.txt")
    key_path = os.path.join(cache_dir, f"{stem}.key")
    key = {"corpus": os.path.basename(corpus_path), "sha256": corpus_sha,
           "opencc": opencc.__version__, "config": cfg, "include_tofu_risk": tofu}
    try:
        with open(key_path, encoding="utf-8") as fh:
            if json.load(fh) == key:
                with open(out_path, "rb") as fh2:
                    return fh2.read(), True
    except (OSError, ValueError):
        pass
    text = corpus_bytes.decode("utf-8")
    converter = opencc.OpenCC(cfg, include_tofu_risk_dictionaries=tofu)
    data = converter.convert(text).encode("utf-8")
    tmp = out_path + ".tmp"
    with open(tmp, "wb") as fh:
        fh.write(data)
    os.replace(tmp, out_path)
    with open(key_path + ".tmp", "w", encoding="utf-8") as fh:
        json.dump(key, fh)
    os.replace(key_path + ".tmp", key_path)
    return data, False


def excerpt(s, start, end):
    pre = "…" if start > 0 else ""
    post = "…" if end < len(s) else ""
    return pre + s[start:end] + post


def show_diff(lineno, src, exp, got):
    """Print one differing line, cut around the first differing character."""
    src_s = src.decode("utf-8", "replace")
    exp_s = exp.decode("utf-8", "replace")
    got_s = got.decode("utf-8", "replace")
    i = 0
    n = min(len(exp_s), len(got_s))
    while i < n and exp_s[i] == got_s[i]:
        i += 1
    start = max(0, i - CONTEXT)
    end = i + CONTEXT
    print(f"    line {lineno} (first difference at char {i}):")
    print(f"      input:    {excerpt(src_s, start, end)!r}")
    print(f"      expected: {excerpt(exp_s, start, end)!r}")
    print(f"      got:      {excerpt(got_s, start, end)!r}")


def run_config(opencc, zhfix, corpus_dir, cfg, timeout, tofu):
    """Returns True if zhfix matches OpenCC exactly for cfg."""
    name = corpus_for(cfg)
    path = os.path.join(corpus_dir, name)
    with open(path, "rb") as fh:
        corpus = fh.read()
    sha = hashlib.sha256(corpus).hexdigest()
    mb = len(corpus) / 1e6

    t0 = time.monotonic()
    expected, cached = expected_output(opencc, cfg, path, corpus, sha,
                                       os.path.join(corpus_dir, "expected"), tofu)
    t_opencc = time.monotonic() - t0

    t0 = time.monotonic()
    try:
        command = [zhfix, "convert", "-c", cfg, path]
        if not tofu:
            command.append("--no-rare-forms")
        proc = subprocess.run(command,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              stdin=subprocess.DEVNULL, timeout=timeout)
    except subprocess.TimeoutExpired:
        print(f"{cfg:6} {name:12} {mb:6.1f} MB  FAIL: zhfix timed out after {timeout}s")
        return False
    except OSError as e:
        print(f"{cfg:6} {name:12} {mb:6.1f} MB  FAIL: cannot run zhfix: {e}")
        return False
    t_zhfix = time.monotonic() - t0
    got = proc.stdout

    timing = (f"opencc {'cached' if cached else f'{t_opencc:.1f}s'}, "
              f"zhfix {t_zhfix:.1f}s")

    problems = []
    if proc.returncode != 0:
        problems.append(f"zhfix exited with status {proc.returncode}")

    if got == expected:
        diff_lines = []
        n_exp = n_got = expected.count(b"\n") + 1
    else:
        exp_lines = expected.split(b"\n")
        got_lines = got.split(b"\n")
        n_exp, n_got = len(exp_lines), len(got_lines)
        diff_lines = [i for i, (e, g) in enumerate(zip(exp_lines, got_lines)) if e != g]
        if n_exp != n_got:
            problems.append(f"line count differs: expected {n_exp}, got {n_got} (lines are "
                            "compared by number, so all lines after a dropped or extra "
                            "line count as differing)")
        elif not diff_lines:
            problems.append("output differs but no line differs (?)")

    ok = not problems and not diff_lines
    status = "OK" if ok else "FAIL"
    print(f"{cfg:6} {name:12} {mb:6.1f} MB  differing lines: {len(diff_lines):7d}  "
          f"{status}  ({timing})", flush=True)
    for p in problems:
        print(f"    {p}")
    if proc.returncode != 0 and proc.stderr:
        tail = proc.stderr.decode("utf-8", "replace").strip().splitlines()[-10:]
        print("    zhfix stderr (last lines):")
        for line in tail:
            print(f"      {line}")
    if diff_lines:
        src_lines = corpus.split(b"\n")
        exp_lines = expected.split(b"\n")
        got_lines = got.split(b"\n")
        for i in diff_lines[:MAX_SHOWN]:
            src = src_lines[i] if i < len(src_lines) else b""
            show_diff(i + 1, src, exp_lines[i], got_lines[i])
        if len(diff_lines) > MAX_SHOWN:
            print(f"    ... and {len(diff_lines) - MAX_SHOWN} more differing lines")
    return ok


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--zhfix", required=True, help="path to the zhfix binary")
    ap.add_argument("--corpus", default=os.path.join(ROOT, "target", "corpus"),
                    help="corpus directory (default: target/corpus in the repo)")
    ap.add_argument("--configs", default=",".join(ALL_CONFIGS),
                    help="comma-separated configs (default: all 16)")
    ap.add_argument("--timeout", type=float, default=600,
                    help="seconds allowed for one zhfix run (default: 600)")
    ap.add_argument("--tofu", choices=["include", "exclude"], default="include",
                    help="OpenCC's tofu-risk dictionaries (TSCharactersExt, used by t2s, "
                         "tw2s, tw2sp, hk2s, hk2sp): 'include' = the library/python default "
                         "(default), 'exclude' = what the opencc command-line tools do by default")
    args = ap.parse_args()

    configs = [c.strip() for c in args.configs.split(",") if c.strip()]
    unknown = [c for c in configs if c not in ALL_CONFIGS]
    if unknown or not configs:
        die(f"unknown config(s): {', '.join(unknown) or '(none given)'}; "
            f"known: {','.join(ALL_CONFIGS)}")

    opencc = check_opencc()

    zhfix = args.zhfix if os.sep in args.zhfix else (shutil.which(args.zhfix) or args.zhfix)
    zhfix = os.path.abspath(zhfix)
    if not (os.path.isfile(zhfix) and os.access(zhfix, os.X_OK)):
        die(f"zhfix binary not found or not executable: {args.zhfix}")

    for name in sorted({corpus_for(c) for c in configs}):
        if not os.path.isfile(os.path.join(args.corpus, name)):
            die(f"corpus {os.path.join(args.corpus, name)} missing; run scripts/fetch-corpus")

    print(f"differential: zhfix={zhfix} opencc={opencc.__version__} corpus={args.corpus} "
          f"tofu-risk dictionaries={args.tofu}")
    t0 = time.monotonic()
    failed = [cfg for cfg in configs
              if not run_config(opencc, zhfix, args.corpus, cfg, args.timeout,
                                args.tofu == "include")]
    elapsed = time.monotonic() - t0
    passed = len(configs) - len(failed)
    if failed:
        print(f"differential: failing configs: {','.join(failed)}")
    print(f"differential: total time {elapsed:.1f}s")
    print(f"differential: {passed} passed, {len(failed)} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
