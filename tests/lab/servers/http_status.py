#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
"""A health endpoint whose answer a test sets: serves HTTP on PORT (every address)
and answers every GET with the status written in FILE (200 when it is missing or
empty), read afresh for each request. Usage: http_status.py PORT FILE"""
import http.server
import sys


class Handler(http.server.BaseHTTPRequestHandler):
	def do_GET(self):
		try:
			with open(sys.argv[2], encoding='utf-8') as f:
				status = int(f.read().strip() or 200)
		except (OSError, ValueError):
			status = 200
		self.send_response(status)
		self.send_header('Content-Length', '0')
		self.end_headers()

	def log_message(self, *args):
		pass


class Server(http.server.ThreadingHTTPServer):
	address_family = __import__('socket').AF_INET6
	allow_reuse_address = True

	def server_bind(self):
		import socket
		self.socket.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0)
		super().server_bind()


if __name__ == '__main__':
	Server(('::', int(sys.argv[1])), Handler).serve_forever()
