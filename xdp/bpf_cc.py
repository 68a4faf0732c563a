#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
"""Compile one BPF object, refusing any header that is not self-contained.

usage: bpf_cc.py MULTIARCH -- CLANG ARGS...

BPF code may include the kernel's uapi headers, libbpf's and sluice's own (the
folders given with -I, and the source's), and nothing else. A libc header compiles on a machine that has glibc's 32-bit stubs
(libc6-dev-i386) and fails with "gnu/stubs-32.h not found" on one that does not,
such as a fresh Debian 12: so any header outside those folders fails the build
here, on every machine, with the chain of includes that brought it in.

clang runs once, with -H: it prints every header it opens, one per line, as dots
(the depth) and the path; those lines are read here, everything else is passed on.
"""
import os
import subprocess
import sys


def allowed_dirs(command, multiarch):
	usr = "/usr/include"
	own = [command[i + 1] for i, arg in enumerate(command[:-1]) if arg == "-I"]
	own += [os.path.dirname(a) or "." for a in command if a.endswith(".c")]
	return [os.path.realpath(d) + "/" for d in own + [
		f"{usr}/linux", f"{usr}/asm-generic", f"{usr}/{multiarch}/asm", f"{usr}/bpf",
	]]


def split_tree(stderr):
	"""(headers as (depth, path), the other lines) from clang -H's stderr."""
	headers, other = [], []
	for line in stderr.splitlines():
		dots, _, path = line.partition(" ")
		if dots and set(dots) == {"."} and path:
			headers.append((len(dots), path))
		else:
			other.append(line)
	return headers, other


def first_offender(headers, allowed):
	"""The include chain down to the first header outside allowed, or None."""
	chain = []
	for depth, path in headers:
		del chain[depth - 1:]
		chain.append(path)
		real = os.path.realpath(path)
		if not any(real.startswith(d) for d in allowed):
			return chain
	return None


def main(argv):
	if len(argv) < 4 or argv[2] != "--":
		sys.stderr.write(__doc__.split("\n\n")[1] + "\n")
		return 2
	multiarch, command = argv[1], argv[3:]
	source = next((a for a in command if a.endswith(".c")), "?")
	run = subprocess.run(command + ["-H"], stderr=subprocess.PIPE, text=True)
	headers, other = split_tree(run.stderr)
	if other:
		sys.stderr.write("\n".join(other) + "\n")
	chain = first_offender(headers, allowed_dirs(command, multiarch))
	if chain:
		sys.stderr.write(
			f"{source}: BPF code includes {chain[-1]}, which is not a kernel uapi, "
			"libbpf or sluice header (a libc header needs 32-bit stubs that a fresh "
			"machine lacks). Included through:\n")
		for depth, path in enumerate([source] + chain):
			sys.stderr.write(f"  {'  ' * depth}{path}\n")
		if "-o" in command and os.path.exists(command[command.index("-o") + 1]):
			os.unlink(command[command.index("-o") + 1])
		return 1
	return run.returncode


if __name__ == "__main__":
	sys.exit(main(sys.argv))
