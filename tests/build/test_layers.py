#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
"""The control plane's layers, as DESIGN.md draws them, checked on the includes.

Every #include "..." of our C sources is an edge from the including file's folder
to the included file's folder. The check fails (TAP, one case per rule) on an edge
that points up the layers, on a cycle of includes, and on a header of libbpf,
libxdp or libnl included by a layer that must not talk to the kernel.
"""
import os
import re
import sys

# What each folder may include besides itself. Commands sit on top (`sluice run` is
# a command that starts the daemon), the daemon beside them composing the layers
# below and never including a command; the planner on the pure algorithms and the
# kernel layer; nothing below includes anything above. metrics/ (the Prometheus
# exposition and its HTTP server) sits under both, so that each serves the same
# metrics; it renders snapshots that kernel/ reads and talks to no kernel itself.
# tests/, bench/ and fuzz/ may include anything.
MAY_INCLUDE = {
	'xdp': set(),
	'lb': {'xdp'},
	'conf': {'lb', 'xdp'},
	'filter': {'xdp'},
	'kernel': {'conf', 'lb', 'xdp'},
	'plan': {'kernel', 'filter', 'lb', 'conf', 'xdp'},
	'metrics': {'plan', 'kernel', 'conf', 'lb', 'xdp'},
	'cli': {'daemon', 'metrics', 'plan', 'kernel', 'filter', 'lb', 'conf', 'xdp'},
	'daemon': {'metrics', 'plan', 'kernel', 'filter', 'lb', 'conf', 'xdp'},
}
OPEN_FOLDERS = ('tests', 'bench', 'fuzz')
# Folders that must not talk to the kernel, and the headers that would. The
# commands read and write maps through kernel/ too, never with libbpf themselves.
PURE = ('lb', 'conf', 'filter', 'plan', 'metrics', 'cli')
KERNEL_HEADER = re.compile(r'#\s*include\s*<((?:bpf|xdp|netlink)/[^>]+)>')
LOCAL_INCLUDE = re.compile(r'#\s*include\s*"([^"]+)"')


def sources(root):
	for folder in list(MAY_INCLUDE) + list(OPEN_FOLDERS):
		for top, dirs, files in os.walk(os.path.join(root, folder)):
			dirs.sort()
			for name in sorted(files):
				if name.endswith(('.c', '.h')):
					yield os.path.relpath(os.path.join(top, name), root)


def read_includes(root, path):
	"""(line number, included path from the root, kernel header or None) per include."""
	with open(os.path.join(root, path), encoding='utf-8') as f:
		for number, line in enumerate(f, 1):
			local = LOCAL_INCLUDE.match(line.strip())
			if local:
				name = local.group(1)
				# Sources name our headers from the root; tests' own may be relative.
				beside = os.path.normpath(os.path.join(os.path.dirname(path), name))
				if not os.path.exists(os.path.join(root, name)) and \
				   os.path.exists(os.path.join(root, beside)):
					name = beside
				yield number, name, None
				continue
			system = KERNEL_HEADER.match(line.strip())
			if system:
				yield number, None, system.group(1)


def find_cycle(graph):
	"""One cycle of the include graph as a list of files, or None."""
	state = {}
	stack = []

	def visit(node):
		state[node] = 'open'
		stack.append(node)
		for succ in sorted(graph.get(node, ())):
			if state.get(succ) == 'open':
				return stack[stack.index(succ):] + [succ]
			if succ not in state:
				found = visit(succ)
				if found:
					return found
		stack.pop()
		state[node] = 'done'
		return None

	for node in sorted(graph):
		if node not in state:
			found = visit(node)
			if found:
				return found
	return None


def main():
	root = sys.argv[1] if len(sys.argv) > 1 else os.environ.get('SOURCE_ROOT', '.')
	upward, impure = [], []
	graph = {}		# file -> files it includes
	why = {}		# (file, file) -> "file:line includes header"
	for path in sources(root):
		layer = path.split('/')[0]
		for number, name, kernel_header in read_includes(root, path):
			where = f'{path}:{number}'
			if kernel_header:
				if layer in PURE:
					impure.append(f'{where} includes <{kernel_header}>: {layer}/ must '
						      'not talk to the kernel (that is kernel/)')
				continue
			target = name.split('/')[0]
			if layer in MAY_INCLUDE and target != layer and \
			   target not in MAY_INCLUDE[layer]:
				upward.append(f'{where} includes "{name}": {layer}/ may include only '
					      f'{", ".join(sorted(MAY_INCLUDE[layer])) or "itself"}')
			graph.setdefault(path, set()).add(name)
			why.setdefault((path, name), f'{where} includes "{name}"')

	failed = 0
	cases = []
	cycle = find_cycle(graph)
	cases.append(('no file includes itself through others (no include cycle)',
		      [why[(a, b)] for a, b in zip(cycle, cycle[1:])] if cycle else []))
	cases.append(('every include points down the layers', upward))
	cases.append((f'{", ".join(PURE)} include no libbpf, libxdp or libnl header', impure))
	for n, (what, problems) in enumerate(cases, 1):
		print(f'{"not ok" if problems else "ok"} {n} - {what}')
		for problem in problems:
			print(f'# {problem}')
		failed += bool(problems)
	print(f'1..{len(cases)}')
	return 1 if failed else 0


if __name__ == '__main__':
	sys.exit(main())
