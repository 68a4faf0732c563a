/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * `sluice decap`: the program backends run to strip sluice's ipip outer headers,
 * and where its state lives.
 */
#ifndef SLUICE_CLI_DECAP_H
#define SLUICE_CLI_DECAP_H

#include <net/if.h>

/* The name the decap program has in the kernel. */
#define DECAP_PROG_NAME		"sluice_decap"

/* Longest name of decap's state: "decap-" IFNAME. */
#define DECAP_PIN_NAME_LEN	(6 + IF_NAMESIZE)

/*
 * The name of ifname's decap state for cli/pin.h, "decap-<ifname>" (which gives it
 * the network namespace's mark outside the initial namespace).
 */
void decap_pin_name(const char *ifname, char buf[DECAP_PIN_NAME_LEN]);

int cmd_decap_status(int argc, char **argv);

#endif /* SLUICE_CLI_DECAP_H */
