// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "tests/bpf/suites.h"

const struct CMUnitTest icmp_tests[] = {};
const size_t n_icmp_tests = 0;
