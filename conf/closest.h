/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/* "Did you mean ...?" hints for misspelt keys and keywords. */
#ifndef SLUICE_CONF_CLOSEST_H
#define SLUICE_CONF_CLOSEST_H

#include <stddef.h>

/*
 * The word of choices[0..n-1] that `word` most likely misspells (ties go to the
 * earlier choice), or NULL when none is close enough to be worth suggesting.
 */
const char *conf_closest(const char *word, const char *const *choices, size_t n);

/* "a, b or c" into buf, for messages that list what is accepted. */
void conf_join_choices(char *buf, size_t len, const char *const *choices, size_t n);

#endif /* SLUICE_CONF_CLOSEST_H */
