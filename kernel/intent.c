// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/*
 * The commit journal (intent.h), kept in a BPF array since bpffs holds nothing
 * else: element 0 a header, the next ones a stream of records, each the map's
 * index in sluice_map_names, the kind of write, the key and the value.
 */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <bpf/bpf.h>

#include "kernel/fault.h"
#include "kernel/intent.h"
#include "kernel/pin.h"

#define INTENT_CHUNK	65536
#define INTENT_MAGIC	0x736c7569636a6e6cULL	/* "sluicjnl" */

struct intent_header {
	__u64 magic;
	__u64 bytes;		/* of the record stream */
	__u32 n_ops;
	__u32 pad;
};

struct intent_record {
	__u8 map;		/* index in sluice_map_names */
	__u8 kind;		/* OP_UPDATE or OP_DELETE */
	__u16 pad;
	__u32 key_len;
	__u32 value_len;
};

static void intent_path(const char *name, char *path)
{
	pin_map_path(name, INTENT_PIN, path);
}

static int map_index(const struct sluice_maps *maps, int fd)
{
	const int *fds = (const int *)maps;

	for (unsigned int i = 0; i < sluice_map_count; i++)
		if (fds[i] == fd)
			return (int)i;
	return -1;
}

/* The record stream of ops, into a buffer of whole chunks. */
static int encode(const struct sluice_maps *maps, const struct op *ops, size_t n,
		  char **out, size_t *bytes)
{
	size_t len = 0, i, off = 0;
	char *buf;

	for (i = 0; i < n; i++)
		len += sizeof(struct intent_record) + ops[i].key_len +
		       (ops[i].kind == OP_UPDATE ? ops[i].value_len : 0);
	buf = calloc(1, (len / INTENT_CHUNK + 1) * INTENT_CHUNK);
	if (!buf)
		return -ENOMEM;
	for (i = 0; i < n; i++) {
		struct intent_record rec = {
			.kind = (__u8)ops[i].kind,
			.key_len = ops[i].key_len,
			.value_len = ops[i].kind == OP_UPDATE ? ops[i].value_len : 0,
		};
		int idx = map_index(maps, ops[i].map_fd);

		if (idx < 0 || (ops[i].kind != OP_UPDATE && ops[i].kind != OP_DELETE)) {
			free(buf);
			return -EINVAL;
		}
		rec.map = (__u8)idx;
		memcpy(buf + off, &rec, sizeof(rec));
		off += sizeof(rec);
		memcpy(buf + off, ops[i].key, rec.key_len);
		off += rec.key_len;
		memcpy(buf + off, ops[i].value, rec.value_len);
		off += rec.value_len;
	}
	*out = buf;
	*bytes = len;
	return 0;
}

int intent_write(const char *name, const struct sluice_maps *maps, const struct op *ops,
		  size_t n)
{
	struct intent_header head = { .magic = INTENT_MAGIC, .n_ops = (__u32)n };
	char path[PATH_MAX], *stream = NULL, *first = NULL;
	size_t bytes = 0;
	__u32 chunks, key;
	int fd = -1, err;

	err = encode(maps, ops, n, &stream, &bytes);
	head.bytes = bytes;
	chunks = (__u32)(bytes / INTENT_CHUNK + 1);
	if (!err) {
		fd = bpf_map_create(BPF_MAP_TYPE_ARRAY, "sluice_journal", sizeof(__u32),
				    INTENT_CHUNK, chunks + 1, NULL);
		err = fd < 0 ? -errno : 0;
	}
	first = calloc(1, INTENT_CHUNK);
	if (!err && !first)
		err = -ENOMEM;
	for (key = 0; !err && key < chunks; key++) {
		__u32 k = key + 1;

		if (bpf_map_update_elem(fd, &k, stream + (size_t)key * INTENT_CHUNK, BPF_ANY))
			err = -errno;
	}
	if (!err) {
		memcpy(first, &head, sizeof(head));
		key = 0;
		if (bpf_map_update_elem(fd, &key, first, BPF_ANY))
			err = -errno;
	}
	/* The commit point: the journal is there whole, or not at all. */
	if (!err) {
		intent_path(name, path);
		fault_point();
		if (bpf_obj_pin(fd, path))
			err = -errno;
	}
	if (err)
		fprintf(stderr, "sluice: cannot write the commit journal: %s\n", strerror(-err));
	if (fd >= 0)
		close(fd);
	free(first);
	free(stream);
	return err;
}

int intent_clear(const char *name)
{
	char path[PATH_MAX];

	intent_path(name, path);
	fault_point();
	if (unlink(path) && errno != ENOENT)
		return -errno;
	return 0;
}

bool intent_present(const char *name)
{
	char path[PATH_MAX];

	intent_path(name, path);
	return !access(path, F_OK);
}

/* The journal's stream, read back whole; its header into head. */
static int read_stream(int fd, struct intent_header *head, char **out)
{
	struct bpf_map_info info = {0};
	__u32 len = sizeof(info), key;
	char *buf;

	if (bpf_obj_get_info_by_fd(fd, &info, &len))
		return -errno;
	if (info.value_size != INTENT_CHUNK || info.max_entries < 2)
		return -EINVAL;
	buf = malloc((size_t)info.max_entries * INTENT_CHUNK);
	if (!buf)
		return -ENOMEM;
	for (key = 0; key < info.max_entries; key++) {
		if (bpf_map_lookup_elem(fd, &key, buf + (size_t)key * INTENT_CHUNK)) {
			free(buf);
			return -errno;
		}
	}
	memcpy(head, buf, sizeof(*head));
	if (head->magic != INTENT_MAGIC ||
	    head->bytes > (size_t)(info.max_entries - 1) * INTENT_CHUNK) {
		free(buf);
		return -EINVAL;
	}
	*out = buf;
	return 0;
}

/* The records as ops on the maps now open (keys and values point into stream). */
static int decode(const struct sluice_maps *maps, const struct intent_header *head,
		  char *stream, struct op *ops)
{
	const int *fds = (const int *)maps;
	size_t off = 0;

	for (__u32 i = 0; i < head->n_ops; i++) {
		struct intent_record rec;

		if (off + sizeof(rec) > head->bytes)
			return -EINVAL;
		memcpy(&rec, stream + off, sizeof(rec));
		off += sizeof(rec);
		if (rec.map >= sluice_map_count || off + rec.key_len + rec.value_len > head->bytes ||
		    (rec.kind != OP_UPDATE && rec.kind != OP_DELETE))
			return -EINVAL;
		memset(&ops[i], 0, sizeof(ops[i]));
		ops[i].kind = rec.kind;
		ops[i].map_fd = fds[rec.map];
		ops[i].key = stream + off;
		ops[i].key_len = rec.key_len;
		off += rec.key_len;
		ops[i].value = rec.value_len ? stream + off : NULL;
		ops[i].value_len = rec.value_len;
		off += rec.value_len;
	}
	return 0;
}

int intent_replay(const char *name)
{
	struct intent_header head = {0};
	struct sluice_maps maps;
	char path[PATH_MAX], *buf = NULL;
	struct op *ops = NULL;
	int fd, err;

	intent_path(name, path);
	fd = bpf_obj_get(path);
	if (fd < 0)
		return errno == ENOENT ? 0 : -errno;
	err = read_stream(fd, &head, &buf);
	close(fd);
	if (!err && maps_open(name, &maps))
		err = -EIO;
	else if (!err) {
		ops = calloc(head.n_ops ? head.n_ops : 1, sizeof(*ops));
		err = ops ? decode(&maps, &head, buf + INTENT_CHUNK, ops) : -ENOMEM;
		err = err ?: map_writes_execute(ops, head.n_ops);
		maps_close(&maps);
	}
	free(ops);
	free(buf);
	if (err) {
		fprintf(stderr, "sluice: cannot finish the apply that %s records: %s\n", path,
			strerror(-err));
		return err;
	}
	fprintf(stderr, "sluice: %s: finished an apply that was interrupted (%u writes)\n",
		name, head.n_ops);
	return 1;
}

int intent_mark_attach(const char *name)
{
	char path[PATH_MAX];
	int fd, err = 0;

	pin_map_path(name, INTENT_ATTACH_PIN, path);
	fd = bpf_map_create(BPF_MAP_TYPE_ARRAY, "sluice_attach", sizeof(__u32), sizeof(__u32),
			    1, NULL);
	if (fd < 0)
		return -errno;
	fault_point();
	if (bpf_obj_pin(fd, path))
		err = -errno;
	close(fd);
	return err;
}

bool intent_attach_marked(const char *name)
{
	char path[PATH_MAX];

	pin_map_path(name, INTENT_ATTACH_PIN, path);
	return !access(path, F_OK);
}

int intent_unmark_attach(const char *name)
{
	char path[PATH_MAX];

	pin_map_path(name, INTENT_ATTACH_PIN, path);
	fault_point();
	if (unlink(path) && errno != ENOENT)
		return -errno;
	return 0;
}

bool intent_bare_dir(const char *name)
{
	char dir[PATH_MAX];
	struct dirent *de;
	bool bare = true;
	DIR *d;

	pin_dir(name, dir);
	d = opendir(dir);
	if (!d)
		return false;
	while (bare && (de = readdir(d)))
		bare = de->d_name[0] == '.';
	closedir(d);
	return bare;
}
