// SPDX-License-Identifier: MIT
/*
 * test_cache.c - the binary cache: same stream and info as the trace, byte for byte; a
 * corrupt or truncated cache is ignored (and rebuilt); nothing is cached from a failed or
 * unfinished read; --map rules and the clock check apply to cached traces too.
 *
 * White-box: a source's ops pointer (source_impl.h) tells a cache source from a trace source.
 */
#include <string.h>
#include <glib/gstdio.h>

#include "ds_source.h"
#include "helpers.h"
#include "source_impl.h"
#include "trace_impl.h"

static char *cache_file(const char *trace, const struct ds_trace_opts *opts)
{
	char *path = ds_cache_path(trace, opts, NULL);

	g_assert_nonnull(path);
	return path;
}

static guint count_files(const char *dir)
{
	GDir *d = g_dir_open(dir, 0, NULL);
	guint n = 0;

	while (d && g_dir_read_name(d))
		n++;
	if (d)
		g_dir_close(d);
	return n;
}

static void test_round_trip(void)
{
	g_autofree char *dir = dstest_tmp_dir();
	g_autofree char *path = dstest_fixture("basic.dat");
	struct ds_trace_opts opts = { .use_cache = TRUE, .cache_dir = dir };
	g_autofree char *cpath = cache_file(path, &opts);
	struct run plain = read_run(path, NULL);
	struct run first, second;

	g_assert_false(g_file_test(cpath, G_FILE_TEST_EXISTS));
	first = read_run(path, &opts);
	g_assert_true(g_file_test(cpath, G_FILE_TEST_EXISTS));
	g_assert_cmpuint(count_files(dir), ==, 1);	/* no temporary left behind */
	second = read_run(path, &opts);
	g_assert_true(first.ops == plain.ops);		/* read from the trace */
	g_assert_true(second.ops != plain.ops);		/* read from the cache */
	assert_same_run(&plain, &first);
	assert_same_run(&plain, &second);
	/* the cache holds exactly the events plus a bounded header/info/trailer */
	struct stat st;

	g_assert_cmpint(g_stat(cpath, &st), ==, 0);
	g_assert_cmpuint((guint64)st.st_size, >, plain.evs->len * sizeof(struct ds_event));
	g_array_unref(plain.evs);
	g_array_unref(first.evs);
	g_array_unref(second.evs);
	dstest_rm_rf(dir);
}

/* Info strings and arrays survive the cache too. */
static void test_info_from_cache(void)
{
	g_autofree char *dir = dstest_tmp_dir();
	g_autofree char *path = dstest_fixture("probes.dat");
	struct ds_trace_opts opts = { .use_cache = TRUE, .cache_dir = dir };
	g_autoptr(GArray) evs = g_array_new(FALSE, TRUE, sizeof(struct ds_event));
	g_autoptr(GError) err = NULL;
	struct run first = read_run(path, &opts);
	struct ds_source *src = ds_source_open_trace(path, &opts, &err);
	const struct ds_trace_info *info = ds_source_info(src);
	gboolean found = FALSE;

	g_assert_true(src->ops != first.ops);
	g_assert_cmpstr(info->path, ==, path);
	g_assert_cmpstr(info->clock, ==, "global");
	g_assert_cmpuint(info->releases_per_cpu[0], ==, 3);
	for (guint i = 0; i < info->maps->len; i++) {
		const struct ds_event_map_info *mi = g_ptr_array_index(info->maps, i);

		if (!strcmp(mi->name, "foo")) {
			g_assert_cmpstr(mi->how, ==, "probe-ip");
			g_assert_cmpstr(mi->symbol, ==, "zram_slot_free_notify+0x4");
			g_assert_cmpstr(mi->field, ==, "flags");
			g_assert_cmpuint(mi->count, ==, 2);
			found = TRUE;
		}
	}
	g_assert_true(found);
	g_assert_true(read_all(src, evs, &err));
	g_assert_cmpuint(evs->len, ==, first.evs->len);
	ds_source_close(src);
	g_array_unref(first.evs);
	dstest_rm_rf(dir);
}

static void damage(const char *cpath, gboolean truncate)
{
	g_autofree char *data = NULL;
	gsize len;

	g_assert_true(g_file_get_contents(cpath, &data, &len, NULL));
	if (truncate) {
		len -= 40;
	} else {
		data[144 + 3 * 32 + 9] ^= 0x10;	/* the value of the fourth event */
	}
	g_assert_true(g_file_set_contents(cpath, data, (gssize)len, NULL));
}

/*
 * A flipped bit inside the events passes the checks made at open (which stay O(1)); the MD5
 * trailer, checked as the events stream past, fails the stream at its end and removes the
 * cache; the next read re-reads the trace.
 */
static void test_corrupt_streamed(void)
{
	g_autofree char *dir = dstest_tmp_dir();
	g_autofree char *path = dstest_fixture("basic.dat");
	struct ds_trace_opts opts = { .use_cache = TRUE, .cache_dir = dir };
	g_autofree char *cpath = cache_file(path, &opts);
	struct run plain = read_run(path, NULL);
	g_autoptr(GError) err = NULL;
	g_autoptr(GArray) evs = g_array_new(FALSE, TRUE, sizeof(struct ds_event));
	struct ds_source *src;

	g_array_unref(read_run(path, &opts).evs);
	damage(cpath, FALSE);
	src = ds_source_open_trace(path, &opts, &err);
	g_assert_no_error(err);
	g_assert_true(src->ops != plain.ops);
	g_assert_false(read_all(src, evs, &err));
	g_assert_error(err, DS_ERROR, DS_ERROR_FORMAT);
	g_assert_nonnull(strstr(err->message, "corrupt cache"));
	ds_source_close(src);
	g_assert_false(g_file_test(cpath, G_FILE_TEST_EXISTS));
	struct run again = read_run(path, &opts);

	g_assert_true(again.ops == plain.ops);
	assert_same_run(&plain, &again);
	g_array_unref(plain.evs);
	g_array_unref(again.evs);
	dstest_rm_rf(dir);
}

/* A cache renamed to another trace's key, or another file with the same content: the key
 * stored in its header does not match, it is not served. */
static void test_key_mismatch(void)
{
	g_autofree char *dir = dstest_tmp_dir();
	g_autofree char *path = dstest_fixture("basic.dat");
	g_autofree char *copy = g_build_filename(dir, "copy.dat", NULL);
	g_autofree char *data = NULL;
	gsize len;
	struct ds_trace_opts opts = { .use_cache = TRUE, .cache_dir = dir };
	g_autofree char *cpath = cache_file(path, &opts);

	g_array_unref(read_run(path, &opts).evs);
	g_assert_true(g_file_get_contents(path, &data, &len, NULL));
	g_assert_true(g_file_set_contents(copy, data, (gssize)len, NULL));
	g_autofree char *ccopy = cache_file(copy, &opts);

	g_assert_cmpstr(cpath, !=, ccopy);	/* another inode: another key */
	g_assert_cmpint(g_rename(cpath, ccopy), ==, 0);
	struct run plain = read_run(copy, NULL);
	struct run r = read_run(copy, &opts);	/* warns, re-reads the copy */

	g_assert_true(r.ops == plain.ops);
	assert_same_run(&plain, &r);
	g_array_unref(r.evs);
	r = read_run(copy, &opts);		/* its own cache now */
	g_assert_true(r.ops != plain.ops);
	assert_same_run(&plain, &r);
	g_array_unref(r.evs);
	g_array_unref(plain.evs);
	dstest_rm_rf(dir);
}

static void corrupt_case(gboolean truncate)
{
	g_autofree char *dir = dstest_tmp_dir();
	g_autofree char *path = dstest_fixture("basic.dat");
	/* --verify checks the whole cache at open: a bad one is ignored, the trace re-read */
	struct ds_trace_opts opts = { .use_cache = TRUE, .cache_dir = dir, .verify = TRUE };
	g_autofree char *cpath = cache_file(path, &opts);
	struct run plain = read_run(path, NULL);
	struct run again, third;

	g_array_unref(read_run(path, &opts).evs);
	damage(cpath, truncate);
	again = read_run(path, &opts);		/* warns, re-reads the trace */
	g_assert_true(again.ops == plain.ops);
	assert_same_run(&plain, &again);
	third = read_run(path, &opts);		/* the cache was rebuilt */
	g_assert_true(third.ops != plain.ops);
	assert_same_run(&plain, &third);
	g_array_unref(plain.evs);
	g_array_unref(again.evs);
	g_array_unref(third.evs);
	dstest_rm_rf(dir);
}

static void test_corrupt(void)
{
	corrupt_case(FALSE);
}

static void test_truncated(void)
{
	corrupt_case(TRUE);
}

/* A foreign trace fails at its end, and a read abandoned half way: neither is cached. */
static void test_no_cache_on_failure(void)
{
	g_autofree char *dir = dstest_tmp_dir();
	g_autofree char *foreign = dstest_fixture("foreign.dat");
	g_autofree char *basic = dstest_fixture("basic.dat");
	struct ds_trace_opts opts = { .use_cache = TRUE, .cache_dir = dir };
	g_autoptr(GError) err = NULL;
	g_autoptr(GArray) evs = g_array_new(FALSE, TRUE, sizeof(struct ds_event));
	struct ds_source *src = ds_source_open_trace(foreign, &opts, &err);
	struct ds_event ev;

	g_assert_false(read_all(src, evs, &err));
	ds_source_close(src);
	g_assert_cmpuint(count_files(dir), ==, 0);
	g_clear_error(&err);
	src = ds_source_open_trace(basic, &opts, &err);
	for (int i = 0; i < 3; i++)
		g_assert_cmpint(ds_source_next(src, &ev, &err), ==, 1);
	ds_source_close(src);
	g_assert_cmpuint(count_files(dir), ==, 0);
	dstest_rm_rf(dir);
}

/* --map rules are part of the key: a mapped read neither uses nor overwrites the plain one. */
static void test_key_has_rules(void)
{
	g_autofree char *dir = dstest_tmp_dir();
	g_autofree char *path = dstest_fixture("probes.dat");
	struct ds_map_rule rule;
	struct ds_trace_opts plain = { .use_cache = TRUE, .cache_dir = dir };

	g_assert_true(ds_map_rule_parse("myprobes/foo=zram_release:idx", &rule, NULL));
	struct ds_trace_opts mapped = { .use_cache = TRUE, .cache_dir = dir, .map = &rule,
					.n_map = 1 };
	g_autofree char *p1 = cache_file(path, &plain);
	g_autofree char *p2 = cache_file(path, &mapped);
	struct run a, b, c;

	g_assert_cmpstr(p1, !=, p2);
	a = read_run(path, &plain);
	b = read_run(path, &mapped);
	c = read_run(path, &mapped);
	g_assert_true(b.ops == a.ops);		/* not served the plain cache */
	g_assert_true(c.ops != a.ops);
	g_assert_cmpuint(g_array_index(a.evs, struct ds_event, 0).value, ==, 1);
	g_assert_cmpuint(g_array_index(c.evs, struct ds_event, 0).value, ==, 500);
	g_assert_cmpuint(count_files(dir), ==, 2);
	{
		/* the mapped cache renamed to the plain name is another stream: not served
		 * (the rules' digest is in its header, not only in its name) */
		struct run d;

		g_assert_cmpint(g_rename(p2, p1), ==, 0);
		d = read_run(path, &plain);
		g_assert_true(d.ops == a.ops);	/* the trace was read again */
		g_assert_cmpuint(g_array_index(d.evs, struct ds_event, 0).value, ==, 1);
		g_array_unref(d.evs);
	}
	g_array_unref(a.evs);
	g_array_unref(b.evs);
	g_array_unref(c.evs);
	ds_map_rule_clear(&rule);
	dstest_rm_rf(dir);
}

/* A cached trace with an unsynchronised clock is still refused without --force-clock. */
static void test_cache_clock(void)
{
	g_autofree char *dir = dstest_tmp_dir();
	g_autofree char *path = dstest_fixture("local.dat");
	struct ds_trace_opts forced = { .use_cache = TRUE, .cache_dir = dir, .force_clock = TRUE };
	struct ds_trace_opts strict = { .use_cache = TRUE, .cache_dir = dir };
	g_autoptr(GError) err = NULL;

	g_array_unref(read_run(path, &forced).evs);
	g_assert_cmpuint(count_files(dir), ==, 1);
	g_assert_null(ds_source_open_trace(path, &strict, &err));
	g_assert_error(err, DS_ERROR, DS_ERROR_CLOCK);
	dstest_rm_rf(dir);
}

/*
 * The writer checksums and writes its batches on a thread of its own: the file must be what
 * the format says, whatever the hand-over.  Many batches' worth of events (more than the
 * writer holds at once), then the file checked field by field against the format
 * (cache.c's layout: a 144-byte header, the events, the info, the MD5 of events + info +
 * header), computed here independently, and read back through the reader.
 */
/* @n synthetic events (hand-made: ts 10 i, cpu i % 4, aux 7 i), cached at @cpath by the
 * writer with @key and the empty rules' digest; the info is basic.dat's */
static struct ds_event *write_synthetic(const char *cpath, const char *key, size_t n,
					char **info_sha)
{
	g_autofree char *basic = dstest_fixture("basic.dat");
	g_autofree char *digest = ds_map_rules_digest(NULL, 0);
	g_autoptr(GError) err = NULL;
	struct ds_event *evs = g_new0(struct ds_event, n);
	struct ds_source *src = ds_source_open_trace(basic, NULL, &err);
	struct ds_cache_writer *w;

	g_assert_no_error(err);
	g_assert_cmpint(ds_source_drain(src, &err), >, 0);	/* its info: complete */
	for (size_t i = 0; i < n; i++) {
		evs[i].ts = 10 * (uint64_t)i;
		evs[i].type = DS_EV_RELEASE;
		evs[i].cpu = (uint16_t)(i % 4);
		evs[i].aux = i * 7;
	}
	w = ds_cache_writer_new(cpath, key, digest, &err);
	g_assert_no_error(err);
	for (size_t i = 0; i < n; i++)
		g_assert_true(ds_cache_writer_add(w, &evs[i], &err));
	g_assert_true(ds_cache_writer_commit(w, ds_source_info(src), &err));
	g_assert_no_error(err);
	if (info_sha)
		*info_sha = g_strdup(ds_source_info(src)->sha256);
	ds_source_close(src);
	return evs;
}

static const char synth_key[] = "0123456789abcdef0123456789abcdef";

/*
 * The writer checksums and writes its batches on a thread of its own: the file must be what
 * the format says, whatever the hand-over.  Many batches' worth of events (more than the
 * writer holds at once), then the file checked field by field against the format
 * (cache.c's layout: a 144-byte header, the events, the info, the MD5 of events + info +
 * header), computed here independently, and read back through the reader.
 */
static void test_writer_file(void)
{
	g_autofree char *dir = dstest_tmp_dir();
	g_autofree char *cpath = g_build_filename(dir, "w.dscache", NULL);
	g_autofree char *digest = ds_map_rules_digest(NULL, 0);
	g_autofree char *data = NULL;
	g_autofree char *sha = NULL;
	g_autoptr(GError) err = NULL;
	g_autoptr(GArray) back = g_array_new(FALSE, TRUE, sizeof(struct ds_event));
	const size_t n = 4096 * 9 * 4 + 7;
	struct ds_event *evs = write_synthetic(cpath, synth_key, n, &sha);
	struct ds_source *src;
	uint64_t hdr_n, hdr_info;
	guint8 md5[16];
	gsize len, mlen = sizeof(md5);

	g_assert_true(g_file_get_contents(cpath, &data, &len, NULL));
	g_assert_cmpuint(len, >, 144 + n * sizeof(*evs) + 16);
	g_assert_cmpint(memcmp(data, "DSCACHE", 8), ==, 0);
	memcpy(&hdr_n, data + 16, 8);
	memcpy(&hdr_info, data + 24, 8);
	g_assert_cmpuint(hdr_n, ==, n);
	g_assert_cmpuint(144 + n * sizeof(*evs) + hdr_info + 16, ==, len);
	g_assert_cmpint(memcmp(data + 64 + 32, digest, 16), ==, 0);	/* map */
	g_assert_cmpint(memcmp(data + 112, synth_key, 32), ==, 0);
	g_assert_cmpint(memcmp(data + 32, sha, 64), ==, 0);
	g_assert_cmpint(memcmp(data + 144, evs, n * sizeof(*evs)), ==, 0);
	GChecksum *ck = g_checksum_new(G_CHECKSUM_MD5);

	g_checksum_update(ck, (const guchar *)data + 144, (gssize)(len - 144 - 16));
	g_checksum_update(ck, (const guchar *)data, 144);
	g_checksum_get_digest(ck, md5, &mlen);
	g_checksum_free(ck);
	g_assert_cmpint(memcmp(data + len - 16, md5, 16), ==, 0);
	/* and the reader takes it whole (--verify's full check, then the events) */
	src = ds_cache_open(cpath, "x.dat", synth_key, NULL, digest, TRUE, &err);
	g_assert_no_error(err);
	g_assert_nonnull(src);
	g_assert_true(read_all(src, back, &err));
	g_assert_cmpuint(back->len, ==, n);
	g_assert_cmpint(memcmp(back->data, evs, n * sizeof(*evs)), ==, 0);
	ds_source_close(src);
	g_free(evs);
	dstest_rm_rf(dir);
}

/* Read @src to its end by chunks, with a plain ds_source_next() every @every-th take (0:
 * never): the events in order into @out; the last return code */
static int read_chunks(struct ds_source *src, GArray *out, guint every, GError **error)
{
	for (guint take = 1;; take++) {
		const struct ds_event *evs;
		struct ds_event ev;
		size_t n;
		int rc;

		if (every && take % every == 0) {
			rc = ds_source_next(src, &ev, error);
			if (rc <= 0)
				return rc;
			g_array_append_val(out, ev);
			continue;
		}
		rc = ds_source_chunk(src, &evs, &n, error);
		if (rc <= 0)
			return rc;
		g_assert_cmpuint(n, >=, 1);
		g_array_append_vals(out, evs, (guint)n);
	}
}

/*
 * The reader reads ahead on a thread of its own, in chunks, and lends them out
 * (ds_source_chunk()): many chunks' worth of synthetic events (more than it holds at once)
 * must come back exactly, by chunks, by single events and both mixed; the end is the end
 * again when asked twice; closing it early, before or after the first event, returns.
 */
static void test_reader_chunks(void)
{
	g_autofree char *dir = dstest_tmp_dir();
	g_autofree char *cpath = g_build_filename(dir, "r.dscache", NULL);
	g_autofree char *digest = ds_map_rules_digest(NULL, 0);
	const size_t n = 16384 * 9 + 5;
	struct ds_event *evs = write_synthetic(cpath, synth_key, n, NULL);
	const struct ds_event *chunk;
	struct ds_event ev;
	size_t cn;

	for (guint every = 0; every < 4; every++) {
		for (int full_check = 0; full_check < 2; full_check++) {
			g_autoptr(GError) err = NULL;
			g_autoptr(GArray) got = g_array_new(FALSE, TRUE, sizeof(struct ds_event));
			struct ds_source *src = ds_cache_open(cpath, "x.dat", synth_key, NULL,
							      digest, full_check, &err);

			g_assert_no_error(err);
			g_assert_nonnull(src);
			g_assert_cmpint(read_chunks(src, got, every, &err), ==, 0);
			g_assert_no_error(err);
			assert_events(evs, n, got);
			g_assert_cmpint(ds_source_chunk(src, &chunk, &cn, &err), ==, 0);
			g_assert_cmpint(ds_source_next(src, &ev, &err), ==, 0);
			ds_source_close(src);
		}
	}
	/* closed early: before any event, after one, after one chunk */
	for (int taken = 0; taken < 3; taken++) {
		g_autoptr(GError) err = NULL;
		struct ds_source *src = ds_cache_open(cpath, "x.dat", synth_key, NULL, digest,
						      FALSE, &err);

		g_assert_nonnull(src);
		if (taken == 1)
			g_assert_cmpint(ds_source_next(src, &ev, &err), ==, 1);
		if (taken == 2)
			g_assert_cmpint(ds_source_chunk(src, &chunk, &cn, &err), ==, 1);
		ds_source_close(src);
	}
	g_assert_true(g_file_test(cpath, G_FILE_TEST_EXISTS));	/* nothing was wrong */
	g_free(evs);
	dstest_rm_rf(dir);
}

/*
 * An event out of range in the middle of a chunk (its type beyond the known ones), past the
 * open's O(1) checks: the events before it come out exactly, then the stream fails there
 * ("bad event"), whether read by chunks or one by one.
 */
static void test_reader_bad_event(void)
{
	g_autofree char *dir = dstest_tmp_dir();
	g_autofree char *cpath = g_build_filename(dir, "b.dscache", NULL);
	g_autofree char *digest = ds_map_rules_digest(NULL, 0);
	g_autofree char *data = NULL;
	const size_t n = 16384 * 6, bad = 16384 * 4 + 123;
	struct ds_event *evs = write_synthetic(cpath, synth_key, n, NULL);
	struct ds_event ev;
	gsize len;

	g_assert_true(g_file_get_contents(cpath, &data, &len, NULL));
	memcpy(&ev, data + 144 + bad * sizeof(ev), sizeof(ev));
	ev.type = DS_EV__COUNT;
	memcpy(data + 144 + bad * sizeof(ev), &ev, sizeof(ev));
	g_assert_true(g_file_set_contents(cpath, data, (gssize)len, NULL));
	for (guint every = 0; every < 2; every++) {
		g_autoptr(GError) err = NULL;
		g_autoptr(GArray) got = g_array_new(FALSE, TRUE, sizeof(struct ds_event));
		struct ds_source *src = ds_cache_open(cpath, "x.dat", synth_key, NULL, digest,
						      FALSE, &err);

		g_assert_nonnull(src);
		g_assert_cmpint(read_chunks(src, got, every ? 1 : 0, &err), ==, -1);
		g_assert_error(err, DS_ERROR, DS_ERROR_FORMAT);
		g_assert_nonnull(strstr(err->message, "bad event"));
		assert_events(evs, bad, got);
		ds_source_close(src);
	}
	g_free(evs);
	dstest_rm_rf(dir);
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/replay/cache/corrupt-streamed", test_corrupt_streamed);
	g_test_add_func("/replay/cache/key-mismatch", test_key_mismatch);
	g_test_add_func("/replay/cache/round-trip", test_round_trip);
	g_test_add_func("/replay/cache/writer-file", test_writer_file);
	g_test_add_func("/replay/cache/reader-chunks", test_reader_chunks);
	g_test_add_func("/replay/cache/reader-bad-event", test_reader_bad_event);
	g_test_add_func("/replay/cache/info", test_info_from_cache);
	g_test_add_func("/replay/cache/corrupt-ignored", test_corrupt);
	g_test_add_func("/replay/cache/truncated-ignored", test_truncated);
	g_test_add_func("/replay/cache/not-on-failure", test_no_cache_on_failure);
	g_test_add_func("/replay/cache/key-has-rules", test_key_has_rules);
	g_test_add_func("/replay/cache/clock", test_cache_clock);
	return g_test_run();
}
