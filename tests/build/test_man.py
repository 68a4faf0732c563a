#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
"""The man pages against what they describe, so neither drifts from the other.

sluice(8): every command `sluice --help` lists (and decap's subcommands) has its
section, and every flag of its --help, short and long, is in that section.
sluice.yaml(5): every key the config loader accepts (the key arrays conf/ hands to
conf_mapping_fields) is described. Speaks TAP: one case per command and per
config section.

usage: test_man.py SLUICE SOURCE_ROOT
"""
import glob
import os
import re
import subprocess
import sys

sluice, root = sys.argv[1], sys.argv[2]
count = 0
failed = 0


def check(ok, what, missing=()):
	global count, failed
	count += 1
	if not ok:
		failed += 1
	print(f"{'ok' if ok else 'not ok'} {count} - {what}")
	for m in missing:
		print(f"# missing: {m}")


def help_of(*words):
	out = subprocess.run([sluice, *words, '--help'], capture_output=True, text=True)
	if out.returncode != 0:
		raise SystemExit(f"Bail out! sluice {' '.join(words)} --help exited {out.returncode}")
	return out.stdout


# Flags in the option lines of a --help: "  -f, --file CONFIG ..." or "      --force".
FLAG_LINE = re.compile(r'^\s{2,}((?:-[\w]|--[\w-]+)(?:, --[\w-]+)?)(?=\s|$)')


def flags_of(text):
	flags = []
	for line in text.splitlines():
		m = FLAG_LINE.match(line)
		if m:
			flags += [f.strip() for f in m.group(1).split(',')]
	return flags


def sections(page):
	"""The `## ...` sections of an scdoc page: heading -> text."""
	out = {}
	heading = None
	for line in page.splitlines():
		if line.startswith('#'):
			heading = line.lstrip('#').strip() if line.startswith('## ') else None
			if heading:
				out[heading] = ''
		elif heading:
			out[heading] += line + '\n'
	return out


with open(os.path.join(root, 'man', 'sluice.8.scd'), encoding='utf-8') as f:
	man8 = sections(f.read())

top = help_of()
commands = re.findall(r'^  ([a-z]+)\s', top.split('commands:', 1)[1], re.M)
check(len(commands) >= 10, f"`sluice --help` lists the commands ({len(commands)})")
for cmd in commands:
	text = help_of(cmd)
	# Subcommands (decap's) share their command's options: each has its section, and
	# every flag of theirs is described in one of them.
	subs = list(dict.fromkeys(re.findall(rf'sluice {cmd} ([a-z]+)\b', text)))
	names = [f'{cmd} {s}' for s in subs] or [cmd]
	flags = list(dict.fromkeys(flags_of(text) + [f for s in subs for f in flags_of(help_of(cmd, s))]))
	found = [h for h in man8 for name in names
		 if re.match(rf'sluice {name}( |,|$)', h) or re.search(rf', sluice {name}( |$)', h)]
	body = ''.join(man8[h] for h in found) + ''.join(found)
	missing = [f'a section "## sluice {name} ..."' for name in names
		   if not any(re.search(rf'(^|, )sluice {name}( |,|$)', h) for h in found)]
	missing += [f for f in flags if f not in ('-h', '--help') and f'*{f}*' not in body]
	check(not missing, f"sluice(8) describes `sluice {' | '.join(names)}` and the flags "
	      f"{' '.join(flags)}", missing)

# The keys of each mapping of the config format, as the loader declares them.
KEYS = re.compile(r'static const char \*const (\w+)_keys\[\w*\] = \{(.*?)\};', re.S)
with open(os.path.join(root, 'man', 'sluice.yaml.5.scd'), encoding='utf-8') as f:
	man5 = f.read()
n_keys = 0
for path in sorted(glob.glob(os.path.join(root, 'conf', '*.c'))):
	with open(path, encoding='utf-8') as f:
		for array, body in KEYS.findall(f.read()):
			keys = re.findall(r'"([a-z_]+)"', body)
			n_keys += len(keys)
			missing = [k for k in keys if f'*{k}*' not in man5]
			check(bool(keys) and not missing, f"sluice.yaml(5) describes every key of "
			      f"{array}_keys ({os.path.basename(path)}): {' '.join(keys)}", missing)
check(n_keys >= 40, f"the loader's key arrays were found ({n_keys} keys)")
print(f"1..{count}")
sys.exit(1 if failed else 0)
