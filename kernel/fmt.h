/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/* Text forms of addresses, MACs and protocols, shared by every command's output. */
#ifndef SLUICE_KERNEL_FMT_H
#define SLUICE_KERNEL_FMT_H

#include <netinet/in.h>
#include <linux/types.h>

#include "xdp/abi.h"

#define FMT_MAC_LEN	18

/* family is SLUICE_AF_INET or SLUICE_AF_INET6. */
const char *fmt_addr(__u8 family, const __be32 addr[4], char buf[INET6_ADDRSTRLEN]);
/* "10.99.0.0/24", "2001:db8::/64": a prefix of len bits, buf of at least 64 bytes. */
const char *fmt_prefix(__u8 family, const __be32 addr[4], __u8 len, char *buf, size_t size);
const char *fmt_mac(const __u8 mac[6], char buf[FMT_MAC_LEN]);
const char *fmt_proto(__u8 proto);
/* "192.0.2.10:80/tcp", "[2001:db8::10]:*\/udp" */
const char *fmt_vip(const struct sluice_vip_key *vip, char *buf, size_t len);
const char *fmt_backend_state(__u8 state);

#endif /* SLUICE_KERNEL_FMT_H */
