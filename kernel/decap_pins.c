// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/* The name of `sluice decap`'s state on an interface, for kernel/pin.h. */
#include <stdio.h>

#include "kernel/decap_pins.h"
#include "kernel/pin.h"

void decap_pin_name(const char *ifname, char buf[DECAP_PIN_NAME_LEN])
{
	snprintf(buf, DECAP_PIN_NAME_LEN, PIN_DECAP_PREFIX "%s", ifname);
}
