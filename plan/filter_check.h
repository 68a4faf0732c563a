/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
#ifndef SLUICE_PLAN_FILTER_CHECK_H
#define SLUICE_PLAN_FILTER_CHECK_H

#include <stddef.h>

#include "conf/config.h"

/*
 * Compile filter's rules and its default policy as apply would (without the SSH
 * session apply may spare, which exists only at apply time). 0, or -errno with the
 * compiler's reason in err.
 */
int plan_filter_check(const struct conf_filter *filter, char *err, size_t len);

#endif /* SLUICE_PLAN_FILTER_CHECK_H */
