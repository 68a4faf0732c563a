#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
"""Stand in for systemd's notification socket: bind SOCKET (a datagram Unix socket,
as NOTIFY_SOCKET names it) and append every message to LOG, one line per assignment
(READY=1, STATUS=...), so a test can tell what a daemon told systemd and when."""
import socket
import sys


def main():
	path, log = sys.argv[1], sys.argv[2]
	sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
	sock.bind(path)
	with open(log, 'a', encoding='utf-8') as out:
		while True:
			message = sock.recv(65536).decode('utf-8', 'replace')
			out.write(message.rstrip('\n') + '\n')
			out.flush()


if __name__ == '__main__':
	main()
