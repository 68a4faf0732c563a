/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * The program backends run to strip sluice's ipip outer headers (`sluice decap`),
 * and where its state lives.
 */
#ifndef SLUICE_KERNEL_DECAP_PINS_H
#define SLUICE_KERNEL_DECAP_PINS_H

#include <net/if.h>

/* The name the decap program has in the kernel. */
#define DECAP_PROG_NAME		"sluice_decap"

/* Longest pin directory name: "decap-" IFNAME "@" NETNS. */
#define DECAP_PIN_NAME_LEN	128

/*
 * Name of ifname's decap directory under SLUICE_PIN_ROOT: "decap-<ifname>", or in a
 * network namespace named by `ip netns`, "decap-<ifname>@<namespace>": bpffs is
 * shared by every namespace, and their interfaces' names are not unique.
 */
int decap_pin_name(const char *ifname, char buf[DECAP_PIN_NAME_LEN]);

/* Interfaces of this network namespace with decap state; returns the count (<= max). */
int decap_list(char names[][IF_NAMESIZE], int max);

#endif /* SLUICE_KERNEL_DECAP_PINS_H */
