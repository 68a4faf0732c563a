/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * The write points of apply and attach, where the crash tests kill sluice. Every
 * write sluice makes to the kernel's view of an interface (a map update, delete or
 * batch, an inner map filled, a pin made or removed, the program attached) first
 * calls fault_point(). With SLUICE_FAULT_WRITE=N in the environment, the N-th call
 * raises SIGKILL instead of returning, so a test can stop sluice before every one
 * of them in turn; without it the call is a counter increment.
 */
#ifndef SLUICE_KERNEL_FAULT_H
#define SLUICE_KERNEL_FAULT_H

void fault_point(void);

/*
 * A point between writes that numbers cannot name, as the writes before it vary:
 * with SLUICE_FAULT_AT=name in the environment, SIGKILL here. Not a write point.
 */
void fault_at(const char *name);

#endif /* SLUICE_KERNEL_FAULT_H */
