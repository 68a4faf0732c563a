#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
"""Build one libFuzzer harness with clang, whatever compiler builds the rest.

usage: fuzz_cc.py OUTPUT DEPFILE CLANG CFLAGS... -- SOURCES... -- LDFLAGS...

Every source is compiled with CFLAGS (the fuzzer's coverage and the sanitizers),
so the code under test is instrumented, not only the harness; the objects are
linked with LDFLAGS. One depfile lists every header any source read, so ninja
rebuilds the harness when one of them changes.
"""
import os
import subprocess
import sys


def main(argv):
	try:
		first = argv.index("--")
		second = argv.index("--", first + 1)
	except ValueError:
		sys.stderr.write(__doc__.split("\n\n")[1] + "\n")
		return 2
	output, depfile, clang = argv[1:4]
	cflags, sources, ldflags = argv[4:first], argv[first + 1:second], argv[second + 1:]
	objdir = output + ".p"
	os.makedirs(objdir, exist_ok=True)
	objects, deps = [], []
	for n, source in enumerate(sources):
		obj = os.path.join(objdir, f"{n}-{os.path.basename(source)}.o")
		dep = obj + ".d"
		run = subprocess.run([clang, *cflags, "-MD", "-MF", dep, "-c", source, "-o", obj])
		if run.returncode:
			return run.returncode
		with open(dep) as f:
			_, _, listed = f.read().replace("\\\n", " ").partition(":")
		deps += listed.split()
		objects.append(obj)
	run = subprocess.run([clang, *objects, *ldflags, "-o", output])
	if run.returncode:
		return run.returncode
	with open(depfile, "w") as f:
		f.write(f"{output}: {' '.join(sorted(set(deps)))}\n")
	return 0


if __name__ == "__main__":
	sys.exit(main(sys.argv))
