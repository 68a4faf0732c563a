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

/* Longest name of decap's state: "decap-" IFNAME. */
#define DECAP_PIN_NAME_LEN	(6 + IF_NAMESIZE)

/*
 * The name of ifname's decap state for kernel/pin.h, "decap-<ifname>" (which gives it
 * the network namespace's mark outside the initial namespace).
 */
void decap_pin_name(const char *ifname, char buf[DECAP_PIN_NAME_LEN]);

#endif /* SLUICE_KERNEL_DECAP_PINS_H */
