#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
"""Stand in for journald's native socket: bind SOCKET (a datagram Unix socket, which
tests mount at /run/systemd/journal/socket in a mount namespace of their own) and
append every entry sd_journal_send() sends to LOG as one JSON object per line.

The native protocol: fields separated by newlines, each KEY=VALUE, or, for a value
holding a newline, KEY, a newline, the value's length as 64-bit little-endian, the
value and a newline."""
import json
import socket
import struct
import sys


def fields(data):
	entry = {}
	while data:
		line, sep, rest = data.partition(b'\n')
		if b'=' in line:
			key, _, value = line.partition(b'=')
			data = rest
		else:
			key = line
			(size,) = struct.unpack('<Q', rest[:8])
			value = rest[8:8 + size]
			data = rest[8 + size + 1:]
		if not sep and not key:
			break
		entry[key.decode()] = value.decode('utf-8', 'replace')
	return entry


def main():
	path, log = sys.argv[1], sys.argv[2]
	sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
	sock.bind(path)
	with open(log, 'a', encoding='utf-8') as out:
		while True:
			out.write(json.dumps(fields(sock.recv(1 << 20))) + '\n')
			out.flush()


if __name__ == '__main__':
	main()
