// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/*
 * What sluice reads of a BPF object before it loads it for `sluice upgrade`: the map
 * layout it is built for, and the identity that tells builds apart. No kernel needed.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <cmocka.h>
#include <bpf/libbpf.h>

#include "xdp/sluice.skel.h"
#include "kernel/identity.h"

/* Objects built beside the tests: argv of the test, in this order. */
static const char *next_obj, *bumped_obj, *pass_obj;

static struct bpf_object *open_file(const char *path)
{
	struct bpf_object *obj = bpf_object__open_file(path, NULL);

	assert_non_null(obj);
	return obj;
}

static __u64 digest_of_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	char *buf;
	long len;
	__u64 d;

	assert_non_null(f);
	assert_int_equal(fseek(f, 0, SEEK_END), 0);
	len = ftell(f);
	rewind(f);
	buf = malloc((size_t)len);
	assert_non_null(buf);
	assert_int_equal(fread(buf, 1, (size_t)len, f), (size_t)len);
	fclose(f);
	d = identity_digest(buf, (size_t)len);
	free(buf);
	return d;
}

static void test_this_object_has_this_layout(void **state)
{
	struct sluice_bpf *skel = sluice_bpf__open();
	__u32 layout = 0;

	(void)state;
	assert_non_null(skel);
	assert_int_equal(identity_object_layout(skel->obj, &layout), 0);
	assert_int_equal(layout, SLUICE_LAYOUT_VERSION);
	sluice_bpf__destroy(skel);
}

static void test_layouts_of_other_builds(void **state)
{
	struct bpf_object *next = open_file(next_obj), *bumped = open_file(bumped_obj);
	struct bpf_object *pass = open_file(pass_obj);
	__u32 layout = 0;

	(void)state;
	assert_int_equal(identity_object_layout(next, &layout), 0);
	assert_int_equal(layout, SLUICE_LAYOUT_VERSION);
	assert_int_equal(identity_object_layout(bumped, &layout), 0);
	assert_int_equal(layout, SLUICE_LAYOUT_VERSION + 1);
	/* Not a sluice program: no layout to read. */
	assert_int_equal(identity_object_layout(pass, &layout), -ENOENT);
	bpf_object__close(next);
	bpf_object__close(bumped);
	bpf_object__close(pass);
}

static void test_builds_told_apart(void **state)
{
	const void *bytes;
	size_t len;

	(void)state;
	bytes = sluice_bpf__elf_bytes(&len);
	assert_true(identity_this_object() == identity_digest(bytes, len));
	assert_true(digest_of_file(next_obj) != identity_this_object());
	assert_true(digest_of_file(next_obj) != digest_of_file(bumped_obj));
	/* FNV-1a 64 as published: "a" -> af63dc4c8601ec8c. */
	assert_true(identity_digest("a", 1) == 0xaf63dc4c8601ec8cULL);
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_this_object_has_this_layout),
		cmocka_unit_test(test_layouts_of_other_builds),
		cmocka_unit_test(test_builds_told_apart),
	};

	if (argc != 4) {
		fprintf(stderr, "usage: test_identity NEXT.bpf.o BUMPED.bpf.o PASS.bpf.o\n");
		return 2;
	}
	next_obj = argv[1];
	bumped_obj = argv[2];
	pass_obj = argv[3];
	libbpf_set_print(NULL);
	return cmocka_run_group_tests_name("identity", tests, NULL, NULL) ? 1 : 0;
}
