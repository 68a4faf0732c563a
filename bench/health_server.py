#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
"""The backends of bench-health: one listener on PORT for every 127.x address, that
accepts and answers as fast as one process can. tcp: close at once; http: answer
each request with "HTTP/1.0 200 OK" and close. Runs until killed."""
import selectors
import socket
import sys


def main():
	port, mode = int(sys.argv[1]), sys.argv[2]
	listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
	listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
	listener.bind(('0.0.0.0', port))
	listener.listen(65535)
	listener.setblocking(False)
	sel = selectors.DefaultSelector()
	sel.register(listener, selectors.EVENT_READ)
	while True:
		for key, _ in sel.select():
			if key.fileobj is listener:
				while True:
					try:
						conn, _ = listener.accept()
					except BlockingIOError:
						break
					if mode == 'tcp':
						conn.close()
						continue
					conn.setblocking(False)
					sel.register(conn, selectors.EVENT_READ)
				continue
			conn = key.fileobj
			try:
				data = conn.recv(4096)
				if data:
					conn.send(b'HTTP/1.0 200 OK\r\nContent-Length: 0\r\n\r\n')
			except OSError:
				pass
			sel.unregister(conn)
			conn.close()


if __name__ == '__main__':
	main()
