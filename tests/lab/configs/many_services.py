#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
"""A lab config of N services (default 100) for the output-at-scale checks.

Names run from 4 to 21 characters, half the VIPs are IPv6, ports and protocols
vary, each service has the lab's three backends of its family (weights 100, 200,
300), and a few filter rules have long names: what `status` and `stats` must lay
out in 80 columns. The next to last service (dns-98 of 100, IPv4) has port 80,
where the lab's backends answer; the others' ports have no server.
"""
import sys

WORDS = ['web', 'api', 'dns', 'cache', 'search', 'payments', 'auth', 'img', 'mq',
	 'metrics-ingest', 'checkout-frontend', 'recommendations-v2']


def main():
	n = int(sys.argv[1]) if len(sys.argv) > 1 else 100
	print('settings:\n  malformed: pass\n')
	print('filter:\n  default: allow\n  rules:')
	print('    - {name: no-redis, proto: tcp, dport: 6379, action: deny}')
	print('    - {name: ssh-from-the-lab-segment, proto: tcp, dport: 22, '
	      'src: 10.200.0.0/24, action: allow}')
	print('    - {name: memcached-amplification, proto: udp, dport: 11211, action: deny}')
	print('\nservices:')
	for i in range(n):
		name = f'{WORDS[i % len(WORDS)]}-{i}'
		six = i % 2 == 1
		proto = 'udp' if i % 5 == 4 else 'tcp'
		print(f'  - name: {name}')
		print(f'    vip: {"2001:db8::10" if six else "192.0.2.10"}')
		print(f'    port: {80 if i == n - 2 else 1000 + i}')
		print(f'    proto: {proto}')
		print('    table_size: 251')
		print('    backends:')
		for b in (11, 12, 13):
			addr = f'fd00:200::{b}' if six else f'10.200.0.{b}'
			print(f'      - {{addr: {addr}, weight: {100 * (b - 10)}}}')


if __name__ == '__main__':
	main()
