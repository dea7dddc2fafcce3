// SPDX-License-Identifier: MIT
/*
 * test_files.c - synthetic traces on disk: the .dsev file and the trace.dat read back by the
 * trace reader give exactly the generator's stream (every field of every event), outputs
 * are byte-identical for the same seed, bad files fail with the offset named, `trace-cmd
 * report` reads the trace.dat, and the CLI (`defersim synth`, `info`, `replay`) behaves.
 */
#include <string.h>
#include <glib/gstdio.h>

#include "synthtest.h"

#define EV(a, i) (&g_array_index((a), struct ds_event, (i)))

static struct ds_source *open_nocache(const char *path, GError **err)
{
	struct ds_trace_opts o = { .use_cache = FALSE };

	return ds_source_open_trace(path, &o, err);
}

static void assert_same_stream(const GArray *a, const GArray *b)
{
	g_assert_cmpuint(a->len, ==, b->len);
	for (guint i = 0; i < a->len; i++) {
		const struct ds_event *x = EV(a, i), *y = EV(b, i);

		if (memcmp(x, y, sizeof(*x)))
			g_error("event %u differs: ts %" G_GUINT64_FORMAT "/%" G_GUINT64_FORMAT
				" type %u/%u cpu %u/%u pid %d/%d value %" G_GUINT64_FORMAT "/%"
				G_GUINT64_FORMAT " aux %" G_GUINT64_FORMAT "/%" G_GUINT64_FORMAT
				" flags %u/%u", i, x->ts, y->ts, x->type, y->type, x->cpu, y->cpu,
				x->pid, y->pid, x->value, y->value, x->aux, y->aux, x->flags,
				y->flags);
	}
}

/* Write @p to @name, read it back through ds_source_open_trace(), compare with the stream. */
static void round_trip(const struct ds_synth_params *p, const char *name)
{
	g_autofree char *path = synthtest_tmp(name);
	g_autoptr(GArray) want = synthtest_stream(p);
	g_autoptr(GArray) got = NULL;
	GError *err = NULL;
	struct ds_source *src;
	const struct ds_trace_info *info;
	struct ds_event ev;
	guint n = 0;

	g_assert_true(ds_synth_write(p, path, &err));
	g_assert_no_error(err);
	src = open_nocache(path, &err);
	g_assert_no_error(err);
	g_assert_nonnull(src);
	got = g_array_new(FALSE, FALSE, sizeof(struct ds_event));
	while (ds_source_next(src, &ev, &err) > 0)
		g_array_append_val(got, ev);
	g_assert_no_error(err);
	info = ds_source_info(src);
	g_assert_true(ds_trace_info_is_synthetic(info));
	g_assert_cmpuint(info->ncpus, ==, p->cpus);
	g_assert_true(info->clock_synced);
	g_assert_cmpstr(info->clock, ==, "mono");
	g_assert_cmpuint(info->start_ts, ==, p->t0_ns);
	for (guint i = 0; i < want->len; i++)
		n += EV(want, i)->type == DS_EV_RELEASE;
	g_assert_cmpuint(info->events_per_type[DS_EV_RELEASE], ==, n);
	g_assert_cmpuint(info->lost_total, ==, 0);
	g_assert_cmpuint(info->dropped_before_start, ==, 0);
	ds_source_close(src);
	assert_same_stream(want, got);
}

/* Workload @w's params @p cut down to a small stream, so that every workload runs quickly. */
static void shrink(struct ds_synth_params *p, unsigned int w)
{
	p->size_mib = 1;
	p->duration_ns = 20000000;
	p->count = 2000;
	if (w == DS_SYNTH_LMK) {
		p->fp_min_mib = 1;
		p->fp_max_mib = 4;
	}
}

static void test_dsev_round_trip(void)
{
	for (unsigned int w = 0; w < DS_SYNTH__COUNT; w++) {
		struct ds_synth_params p = synthtest_params(ds_synth_workload_name(w), "cpus=3",
							    NULL);
		g_autofree char *name = g_strdup_printf("rt-%u.dsev", w);

		shrink(&p, w);
		round_trip(&p, name);
	}
}

static void test_dat_round_trip(void)
{
	if (!synthtest_have_trace_cmd()) {
		g_test_skip("trace-cmd not installed");
		return;
	}
	for (unsigned int w = 0; w < DS_SYNTH__COUNT; w++) {
		struct ds_synth_params p = synthtest_params(ds_synth_workload_name(w), "cpus=3",
							    "wq_items=3", "wq_gap=exp:200us", NULL);
		g_autofree char *name = g_strdup_printf("rt-%u.dat", w);

		shrink(&p, w);
		round_trip(&p, name);
	}
	/* zswap releases, a gap long enough for time extends (> 2^27 ns), t0 = 0 */
	struct ds_synth_params z = synthtest_params("lmk", "backend=zswap", "procs=3",
						    "footprint_mib=1", "window=2s", "t0=0", NULL);

	round_trip(&z, "zswap-extend.dat");
}

/* Same seed: the same bytes; another seed: other bytes.  For both formats. */
static void test_byte_identical(void)
{
	const char *const ext[] = { "dsev", "dat" };

	for (int f = 0; f < 2; f++) {
		struct ds_synth_params p = synthtest_params("munmap", "procs=2", "size_mib=2",
							    "cpus=2", "wq_gap=exp:100us", NULL);
		g_autofree char *a = g_strdup_printf("same-a.%s", ext[f]);
		g_autofree char *b = g_strdup_printf("same-b.%s", ext[f]);
		g_autofree char *c = g_strdup_printf("other.%s", ext[f]);
		g_autofree char *pa = synthtest_tmp(a), *pb = synthtest_tmp(b), *pc = synthtest_tmp(c);
		g_autoptr(GBytes) ba = NULL, bb = NULL, bc = NULL;

		if (f == 1 && !synthtest_have_trace_cmd())
			continue;
		g_assert_true(ds_synth_write(&p, pa, NULL));
		g_assert_true(ds_synth_write(&p, pb, NULL));
		p.seed = 99;
		g_assert_true(ds_synth_write(&p, pc, NULL));
		ba = synthtest_read(pa);
		bb = synthtest_read(pb);
		bc = synthtest_read(pc);
		g_assert_true(g_bytes_equal(ba, bb));
		g_assert_false(g_bytes_equal(ba, bc));
	}
}

/* A copy of @src with only its first @len bytes. */
static char *cut_copy(const char *src, gsize len, const char *name)
{
	g_autoptr(GBytes) b = synthtest_read(src);
	char *dst = synthtest_tmp(name);

	g_assert_true(g_file_set_contents(dst, g_bytes_get_data(b, NULL), (gssize)len, NULL));
	return dst;
}

static void expect_open_error(const char *path, const char *needle)
{
	GError *err = NULL;
	struct ds_source *src = open_nocache(path, &err);

	g_assert_null(src);
	g_assert_error(err, DS_ERROR, DS_ERROR_FORMAT);
	if (!strstr(err->message, needle))
		g_error("'%s' does not contain '%s'", err->message, needle);
	g_error_free(err);
}

static void test_dsev_bad(void)
{
	struct ds_synth_params p = synthtest_params("munmap", "size_mib=1", NULL);
	g_autofree char *path = synthtest_tmp("good.dsev");
	g_autoptr(GBytes) whole = NULL;
	gsize len;

	g_assert_true(ds_synth_write(&p, path, NULL));
	whole = synthtest_read(path);
	len = g_bytes_get_size(whole);
	/* every cut is refused; long enough to hold the magic, the message names the format */
	const gsize cuts[] = { 8, 20, 63, 64, 100, 64 + 32 * 10, len / 2, len - 16, len - 1 };
	for (size_t i = 0; i < G_N_ELEMENTS(cuts); i++) {
		g_autofree char *name = g_strdup_printf("cut-%zu.dsev", i);
		g_autofree char *cut = cut_copy(path, cuts[i], name);

		expect_open_error(cut, "synthetic event file");
	}
	{
		g_autofree char *cut = cut_copy(path, len - 1, "cut-last.dsev");

		expect_open_error(cut, "truncated at offset");
	}
	/* a flipped byte among the events: the checksum catches it */
	{
		g_autofree char *bad = synthtest_tmp("flip.dsev");
		guint8 *data = g_memdup2(g_bytes_get_data(whole, NULL), len);

		data[len / 2] ^= 0x40;
		g_assert_true(g_file_set_contents(bad, (const char *)data, (gssize)len, NULL));
		g_free(data);
		expect_open_error(bad, "checksum mismatch");
	}
}

/* Files with a valid checksum but a bad stream: the reader names event and offset. */
static void expect_stream_error(const struct ds_event *evs, size_t n, const char *name,
				const char *needle)
{
	g_autofree char *path = synthtest_tmp(name);
	struct ds_source *in = ds_source_new_array(evs, n), *src;
	GError *err = NULL;
	struct ds_event ev;
	int rc;

	g_assert_true(ds_synth_write_dsev(in, "test", 2, path, &err));
	g_assert_no_error(err);
	ds_source_close(in);
	src = open_nocache(path, &err);
	g_assert_no_error(err);
	while ((rc = ds_source_next(src, &ev, &err)) > 0)
		;
	g_assert_cmpint(rc, ==, -1);
	g_assert_error(err, DS_ERROR, DS_ERROR_FORMAT);
	if (!strstr(err->message, needle))
		g_error("'%s' does not contain '%s'", err->message, needle);
	g_clear_error(&err);
	/* the error sticks */
	g_assert_cmpint(ds_source_next(src, &ev, &err), ==, -1);
	g_clear_error(&err);
	ds_source_close(src);
}

static void test_dsev_bad_stream(void)
{
	/* the header is 64 bytes, the text "test" padded to 8: events start at offset 72 */
	struct ds_event ooo[] = {
		{ .ts = 100, .type = DS_EV_RELEASE, .cpu = 0, .pid = 1 },
		{ .ts = 50, .type = DS_EV_RELEASE, .cpu = 1, .pid = 1 },
	};
	struct ds_event badtype[] = { { .ts = 100, .type = 99, .cpu = 0 } };
	struct ds_event badcpu[] = {
		{ .ts = 100, .type = DS_EV_EXIT, .cpu = 0 },
		{ .ts = 100, .type = DS_EV_EXIT, .cpu = 0 },
		{ .ts = 100, .type = DS_EV_EXIT, .cpu = 7 },
	};

	expect_stream_error(ooo, 2, "ooo.dsev", "event 1 at offset 104: time 50 ns before");
	expect_stream_error(badtype, 1, "type.dsev", "event 0 at offset 72: unknown type 99");
	expect_stream_error(badcpu, 3, "cpu.dsev", "event 2 at offset 136: CPU 7 of 2");
}

static void test_dat_trace_cmd_report(void)
{
	struct ds_synth_params p = synthtest_params("munmap", "size_mib=1", "cpus=2", NULL);
	g_autofree char *path = synthtest_tmp("report.dat");
	g_autofree char *out = NULL, *err = NULL;
	const char *s;
	guint frees = 0;

	if (!synthtest_have_trace_cmd()) {
		g_test_skip("trace-cmd not installed");
		return;
	}
	g_assert_true(ds_synth_write(&p, path, NULL));
	g_assert_cmpint(synthtest_run(&out, &err, "trace-cmd", "report", path, NULL), ==, 0);
	g_assert_nonnull(strstr(out, "synth_info:"));
	g_assert_nonnull(strstr(out, "SYNTHETIC trace made by defersim synth"));
	g_assert_nonnull(strstr(out, "workload=munmap"));
	for (s = out; (s = strstr(s, " zram_free: ")); s++)
		frees++;
	g_assert_cmpuint(frees, ==, 256);
	g_assert_nonnull(strstr(out, "sched_process_exit:"));
	g_assert_nonnull(strstr(out, "synth-munmap"));
}

static void test_unknown_extension(void)
{
	struct ds_synth_params p = synthtest_params("munmap", NULL);
	g_autofree char *path = synthtest_tmp("out.txt");
	GError *err = NULL;

	g_assert_false(ds_synth_write(&p, path, &err));
	g_assert_error(err, DS_ERROR, DS_ERROR_PARAM);
	g_assert_nonnull(strstr(err->message, ".dsev"));
	g_clear_error(&err);
	g_assert_false(g_file_test(path, G_FILE_TEST_EXISTS));
}

static void test_cli(void)
{
	const char *d = synthtest_defersim();
	g_autofree char *dsev = synthtest_tmp("cli.dsev");
	g_autofree char *out = NULL, *err = NULL;

	if (!d) {
		g_test_skip("DS_DEFERSIM not set");
		return;
	}
	g_assert_cmpint(synthtest_run(&out, &err, d, "synth", "lmk", "procs=3", "footprint_mib=8",
				      "--seed", "5", "-o", dsev, NULL), ==, 0);
	g_assert_nonnull(strstr(out, "synthetic trace"));
	g_assert_nonnull(strstr(out, "6144 releases"));
	g_clear_pointer(&out, g_free);
	g_clear_pointer(&err, g_free);
	g_assert_cmpint(synthtest_run(&out, &err, d, "info", dsev, NULL), ==, 0);
	g_assert_nonnull(strstr(out, "synthetic: yes"));
	g_assert_nonnull(strstr(out, "releases: 6144\n"));
	g_assert_nonnull(strstr(out, "cpus: 4\n"));
	g_clear_pointer(&out, g_free);
	g_clear_pointer(&err, g_free);
	g_assert_cmpint(synthtest_run(&out, &err, d, "info", "--json", "-", dsev, NULL), ==, 0);
	g_assert_nonnull(strstr(out, "\"synthetic\" : true"));
	g_clear_pointer(&out, g_free);
	g_clear_pointer(&err, g_free);
	g_assert_cmpint(synthtest_run(&out, &err, d, "replay", dsev, "--tasks", "0", NULL), ==, 0);
	g_assert_nonnull(strstr(out, "SYNTHETIC"));
	g_assert_nonnull(strstr(out, "analytic cross-check"));
	g_clear_pointer(&out, g_free);
	g_clear_pointer(&err, g_free);
	/* bad usage: exit 2 and the message names what is wrong */
	g_assert_cmpint(synthtest_run(&out, &err, d, "synth", "munmap", "procz=3", "-o", dsev,
				      NULL), ==, 2);
	g_assert_nonnull(strstr(err, "procz"));
	g_clear_pointer(&out, g_free);
	g_clear_pointer(&err, g_free);
	g_assert_cmpint(synthtest_run(&out, &err, d, "synth", "munmap", "cost=fast", "-o", dsev,
				      NULL), ==, 2);
	g_assert_nonnull(strstr(err, "cost = 'fast'"));
	g_clear_pointer(&out, g_free);
	g_clear_pointer(&err, g_free);
	g_assert_cmpint(synthtest_run(&out, &err, d, "synth", "munmap", NULL), ==, 2);
	g_assert_nonnull(strstr(err, "no output"));
	g_clear_pointer(&out, g_free);
	g_clear_pointer(&err, g_free);
	g_assert_cmpint(synthtest_run(&out, &err, d, "synth", "-o", dsev, NULL), ==, 2);
	g_assert_nonnull(strstr(err, "no workload"));
	g_clear_pointer(&out, g_free);
	g_clear_pointer(&err, g_free);
	g_assert_cmpint(synthtest_run(&out, &err, d, "synth", "--list", NULL), ==, 0);
	g_assert_nonnull(strstr(out, "poisson:\n"));
	g_assert_nonnull(strstr(out, "footprint_mib"));
	g_clear_pointer(&out, g_free);
	g_clear_pointer(&err, g_free);
	/* a directory that does not exist: failure, exit 1, nothing left behind */
	g_assert_cmpint(synthtest_run(&out, &err, d, "synth", "munmap", "-o",
				      "/nonexistent-dir/x.dsev", NULL), ==, 1);
	g_assert_nonnull(strstr(err, "/nonexistent-dir/x.dsev"));
}

int main(int argc, char **argv)
{
	int rc;

	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/synth/files/dsev-round-trip", test_dsev_round_trip);
	g_test_add_func("/synth/files/dat-round-trip", test_dat_round_trip);
	g_test_add_func("/synth/files/byte-identical", test_byte_identical);
	g_test_add_func("/synth/files/dsev-bad", test_dsev_bad);
	g_test_add_func("/synth/files/dsev-bad-stream", test_dsev_bad_stream);
	g_test_add_func("/synth/files/trace-cmd-report", test_dat_trace_cmd_report);
	g_test_add_func("/synth/files/unknown-extension", test_unknown_extension);
	g_test_add_func("/synth/files/cli", test_cli);
	rc = g_test_run();
	synthtest_cleanup();
	return rc;
}
