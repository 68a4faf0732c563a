/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * The ICMPv4 header and the message types the data plane reads or writes.
 * <linux/icmp.h> cannot serve: it includes <linux/if.h>, which pulls in glibc's
 * <sys/socket.h>, and glibc's headers for the BPF target want the 32-bit stubs of
 * a package a fresh machine does not have. BPF code includes only self-contained
 * uapi headers and sluice's own.
 */
#ifndef SLUICE_XDP_ICMP4_H
#define SLUICE_XDP_ICMP4_H

#include <linux/types.h>

#define ICMP4_DEST_UNREACH	3	/* RFC 792 */
#define ICMP4_FRAG_NEEDED	4	/* code of DEST_UNREACH (RFC 1191) */
#define ICMP4_TIME_EXCEEDED	11

struct icmp4_hdr {
	__u8	type;
	__u8	code;
	__sum16	checksum;
	union {
		__be32	rest;
		struct {
			__be16	unused;
			__be16	mtu;
		} frag;
	};
};

#endif /* SLUICE_XDP_ICMP4_H */
