// SPDX-License-Identifier: MIT
/*
 * test_decode.c - each fixture decodes to the stream worked out by hand from what
 * mkfixture.c put in its ring-buffer pages (the expectations below restate those records
 * and apply the rules of traces/FORMAT.md by hand: start at the latest per-CPU first
 * timestamp, pair by pid, give up on the same pid's next release/exit or after 100 ms).
 */
#include <string.h>
#include <json-glib/json-glib.h>

#include "ds_source.h"
#include "helpers.h"

#define W 0xffff888000001000ull		/* work_struct in the fixtures */
#define WQF 0xffffffff81500000ull	/* drain_work_fn in the fake kallsyms */
#define D DS_EVF_DURATION
#define U DS_EVF_UNPAIRED
#define NV DS_EVF_NOVALUE
#define Z DS_EVF_ZSWAP

#define EV(t, c, p, ty, v, a, f) \
	{ .ts = (t), .cpu = (c), .pid = (p), .type = DS_EV_##ty, .value = (v), .aux = (a), .flags = (f) }

/* basic.dat: CPU0 starts at 1.000000 ms, CPU1 at 1.000500 ms: the replay starts there, so
 * CPU0's first sched_switch is dropped. */
static const struct ds_event basic_want[] = {
	EV(1000500, 1, 200, SWITCH, 0, 0, 0),
	EV(1001000, 0, 100, RELEASE, 7, 5000, D),		/* returns at 1006000 */
	EV(1002000, 0, 100, ZS_FREE, 0xabc0, 0, 0),		/* nested in the call */
	EV(1004000, 1, 200, RELEASE, 100, 12000, D),		/* returns at 1016000 */
	EV(1006000, 0, 100, RELEASE_END, 7, 5000, 0),
	EV(1010000, 0, 100, RELEASE, 8, 3500, D),
	EV(1013500, 0, 100, RELEASE_END, 8, 3500, 0),
	EV(1016000, 1, 200, RELEASE_END, 100, 12000, 0),	/* after a discarded event */
	EV(1020000, 0, 100, WQ_QUEUE, WQF, W, 0),
	EV(1021000, 1, 200, WQ_ACTIVATE, WQF, W, 0),
	EV(1021500, 1, 50, SWITCH, 0, 200, 0),
	EV(1022000, 1, 50, WQ_START, WQF, W, 0),
	EV(1025000, 1, 50, WQ_END, WQF, W, 0),
	EV(1026000, 1, 200, SWITCH, 0, 50, 0),
	EV(1030000, 0, 100, RELEASE, 9, 0, 0),			/* its pid exits first */
	EV(1040000, 0, 100, EXIT, 0, 0, 0),
	EV(1041000, 0, 0, SWITCH, 0, 100, 0),
	EV(150000000, 1, 400, RELEASE, 55, 0, 0),		/* return 110 ms later: too late */
	EV(200000000, 0, 300, RELEASE_END, 0, 0, U),		/* on a new page; no entry */
	EV(260000000, 1, 400, RELEASE_END, 0, 0, U),
};

static const struct ds_event_map_info *find_map(const struct ds_trace_info *info,
						const char *sys, const char *name)
{
	for (guint i = 0; i < info->maps->len; i++) {
		const struct ds_event_map_info *mi = g_ptr_array_index(info->maps, i);

		if (!strcmp(mi->system, sys) && !strcmp(mi->name, name))
			return mi;
	}
	g_assert_not_reached();
	return NULL;
}

/* within 1% (the histogram's promise) */
static void assert_near(uint64_t got, uint64_t want)
{
	g_assert_cmpfloat((double)got, >=, (double)want * 0.99);
	g_assert_cmpfloat((double)got, <=, (double)want * 1.01);
}

static void check_basic_info(const struct ds_trace_info *info)
{
	g_assert_cmpuint(info->ncpus, ==, 2);
	g_assert_cmpuint(info->cpus_with_events, ==, 2);
	g_assert_cmpuint(info->first_ts, ==, 1000000);
	g_assert_cmpuint(info->start_ts, ==, 1000500);
	g_assert_cmpuint(info->last_ts, ==, 260000000);
	g_assert_cmpuint(info->events_per_type[DS_EV_RELEASE], ==, 5);
	g_assert_cmpuint(info->events_per_type[DS_EV_RELEASE_END], ==, 5);
	g_assert_cmpuint(info->events_per_type[DS_EV_SWITCH], ==, 4);
	g_assert_cmpuint(info->events_per_type[DS_EV_EXIT], ==, 1);
	g_assert_cmpuint(info->events_per_type[DS_EV_ZS_FREE], ==, 1);
	g_assert_cmpuint(info->events_per_type[DS_EV_WQ_QUEUE], ==, 1);
	g_assert_cmpuint(info->events_per_type[DS_EV_LOST], ==, 0);
	g_assert_cmpuint(info->releases_per_cpu[0], ==, 3);
	g_assert_cmpuint(info->releases_per_cpu[1], ==, 2);
	g_assert_cmpuint(info->releases_per_backend[0], ==, 5);
	g_assert_cmpuint(info->releases_per_backend[1], ==, 0);
	g_assert_cmpuint(info->lost_total, ==, 0);
	g_assert_cmpuint(info->dropped_before_start, ==, 1);
	g_assert_cmpuint(info->unpaired_ends, ==, 2);
	g_assert_cmpuint(info->unreturned, ==, 2);
	g_assert_cmpuint(info->reordered, ==, 0);
	/* durations 3500, 5000, 12000: median 5000, p99 12000 */
	g_assert_cmpuint(info->durations, ==, 3);
	assert_near(info->dur_p50_ns, 5000);
	assert_near(info->dur_p99_ns, 12000);
	g_assert_cmpuint(info->dur_max_ns, ==, 12000);

	const struct ds_event_map_info *mi = find_map(info, "defersim", "zram_free");

	g_assert_cmpstr(mi->how, ==, "name");
	g_assert_cmpuint(mi->type, ==, DS_EV_RELEASE);
	g_assert_cmpstr(mi->symbol, ==, "zram_slot_free_notify");
	g_assert_cmpstr(mi->field, ==, "index");
	g_assert_cmpuint(mi->count, ==, 5);
	mi = find_map(info, "sched", "sched_switch");
	g_assert_cmpuint(mi->count, ==, 5);	/* records seen, the dropped one too */
	g_assert_cmpuint(mi->type, ==, DS_EV_SWITCH);
}

static void test_basic(void)
{
	g_autofree char *path = dstest_fixture("basic.dat");
	g_autoptr(GError) err = NULL;
	g_autoptr(GArray) evs = g_array_new(FALSE, TRUE, sizeof(struct ds_event));
	struct ds_source *src = ds_source_open_trace(path, NULL, &err);
	const struct ds_trace_info *info;

	g_assert_no_error(err);
	info = ds_source_info(src);
	g_assert_cmpstr(info->clock, ==, "mono");
	g_assert_true(info->clock_synced);
	g_assert_cmpuint(info->file_version, ==, 7);
	g_assert_cmpstr(info->path, ==, path);
	g_assert_true(read_all(src, evs, &err));
	g_assert_no_error(err);
	assert_events(basic_want, G_N_ELEMENTS(basic_want), evs);
	check_basic_info(info);
	ds_source_close(src);
}

/* The same trace converted by trace-cmd to file format v6 and to zstd-compressed v7, and
 * with the local clock (all forced: v6 from convert has no clock). */
static void test_basic_converted(void)
{
	struct ds_trace_opts forced = { .force_clock = TRUE };
	const char *names[] = { "basic-v6.dat", "basic-zstd.dat", "local.dat" };

	for (size_t i = 0; i < G_N_ELEMENTS(names); i++) {
		g_autofree char *path = dstest_fixture(names[i]);
		g_autoptr(GArray) evs = decode(path, &forced);

		assert_events(basic_want, G_N_ELEMENTS(basic_want), evs);
	}
}

/* A v6 file whose TRACECLOCK option (as trace-cmd record writes it) names the clock. */
static void test_v6_clock(void)
{
	g_autofree char *path = dstest_fixture("basic-v6clock.dat");
	g_autoptr(GError) err = NULL;
	g_autoptr(GArray) evs = g_array_new(FALSE, TRUE, sizeof(struct ds_event));
	struct ds_source *src = ds_source_open_trace(path, NULL, &err);

	g_assert_no_error(err);
	g_assert_cmpstr(ds_source_info(src)->clock, ==, "mono");
	g_assert_cmpuint(ds_source_info(src)->file_version, ==, 6);
	g_assert_true(read_all(src, evs, &err));
	assert_events(basic_want, G_N_ELEMENTS(basic_want), evs);
	ds_source_close(src);
}

static void test_lost(void)
{
	/* CPU0: page 2 says 42 events were lost before it; CPU1: page 2 says some were lost,
	 * count unknown.  CPU1 starts at 1500, so CPU0's release at 1000 is dropped and its
	 * return at 2000 is unpaired. */
	static const struct ds_event want[] = {
		EV(1500, 1, 11, RELEASE, 3, 1000, D),
		EV(2000, 0, 10, RELEASE_END, 0, 0, U),
		EV(2500, 1, 11, RELEASE_END, 3, 1000, 0),
		EV(6000, 0, 0, LOST, 42, 0, 0),
		EV(6000, 0, 10, RELEASE, 2, 1000, D),
		EV(7000, 0, 10, RELEASE_END, 2, 1000, 0),
		EV(9000, 1, 0, LOST, 0, 0, 0),
		EV(9000, 1, 11, RELEASE, 4, 500, D),
		EV(9500, 1, 11, RELEASE_END, 4, 500, 0),
	};
	g_autofree char *path = dstest_fixture("lost.dat");
	g_autoptr(GError) err = NULL;
	g_autoptr(GArray) evs = g_array_new(FALSE, TRUE, sizeof(struct ds_event));
	struct ds_source *src = ds_source_open_trace(path, NULL, &err);
	const struct ds_trace_info *info = ds_source_info(src);

	g_assert_true(read_all(src, evs, &err));
	assert_events(want, G_N_ELEMENTS(want), evs);
	g_assert_cmpuint(info->lost_total, ==, 42);
	g_assert_cmpuint(info->lost_unknown, ==, 1);
	g_assert_cmpuint(info->lost_per_cpu[0], ==, 42);
	g_assert_cmpuint(info->lost_per_cpu[1], ==, 0);
	g_assert_cmpuint(info->lost_markers_per_cpu[0], ==, 1);
	g_assert_cmpuint(info->lost_markers_per_cpu[1], ==, 1);
	g_assert_cmpuint(info->events_per_type[DS_EV_LOST], ==, 2);
	g_assert_cmpuint(info->dropped_before_start, ==, 1);
	g_assert_cmpuint(info->unpaired_ends, ==, 1);
	ds_source_close(src);
}

/* myprobes/foo is a kprobe at zram_slot_free_notify+4 with fields (flags u8, idx u64):
 * without --map the value is the first numeric field (flags). */
static void test_probes(void)
{
	static const struct ds_event want[] = {
		EV(1000, 0, 10, RELEASE, 1, 800, D),
		EV(1800, 0, 10, RELEASE_END, 1, 800, 0),
		EV(3000, 0, 10, RELEASE, 0xffff888000abc000ull, 0, Z),	/* given up at 5000 */
		EV(5000, 0, 10, RELEASE, 0, 250, D),
		EV(5250, 0, 10, RELEASE_END, 0, 250, 0),
	};
	g_autofree char *path = dstest_fixture("probes.dat");
	g_autoptr(GError) err = NULL;
	g_autoptr(GArray) evs = g_array_new(FALSE, TRUE, sizeof(struct ds_event));
	struct ds_source *src = ds_source_open_trace(path, NULL, &err);
	const struct ds_trace_info *info = ds_source_info(src);
	const struct ds_event_map_info *mi;

	g_assert_true(read_all(src, evs, &err));
	assert_events(want, G_N_ELEMENTS(want), evs);
	g_assert_cmpstr(info->clock, ==, "global");
	mi = find_map(info, "myprobes", "foo");
	g_assert_cmpstr(mi->how, ==, "probe-ip");
	g_assert_cmpstr(mi->symbol, ==, "zram_slot_free_notify+0x4");
	g_assert_cmpstr(mi->field, ==, "flags");
	g_assert_cmpuint(mi->type, ==, DS_EV_RELEASE);
	g_assert_cmpuint(mi->count, ==, 2);
	mi = find_map(info, "myprobes", "foo_ret");
	g_assert_cmpstr(mi->how, ==, "probe-func");
	g_assert_cmpuint(mi->type, ==, DS_EV_RELEASE_END);
	g_assert_cmpstr(mi->symbol, ==, "zram_slot_free_notify");
	mi = find_map(info, "myprobes", "inv");
	g_assert_cmpstr(mi->how, ==, "probe-ip");
	g_assert_cmpuint(mi->flags, ==, DS_EVF_ZSWAP);
	g_assert_cmpstr(mi->field, ==, "e");
	mi = find_map(info, "myprobes", "other");
	g_assert_cmpstr(mi->how, ==, "ignored");
	g_assert_cmpstr(mi->symbol, ==, "do_exit");
	g_assert_cmpuint(mi->count, ==, 1);
	mi = find_map(info, "myprobes", "other_ret");
	g_assert_cmpstr(mi->how, ==, "ignored");
	g_assert_cmpuint(info->releases_per_backend[0], ==, 2);
	g_assert_cmpuint(info->releases_per_backend[1], ==, 1);
	g_assert_cmpuint(info->unreturned, ==, 1);
	ds_source_close(src);
}

static void parse_rules(const char *const *specs, size_t n, struct ds_map_rule *rules)
{
	for (size_t i = 0; i < n; i++) {
		g_autoptr(GError) err = NULL;

		g_assert_true(ds_map_rule_parse(specs[i], &rules[i], &err));
		g_assert_no_error(err);
	}
}

/* --map overrides: foo's value from idx; do_exit's probe becomes a slot write. */
static void test_probes_mapped(void)
{
	static const struct ds_event want[] = {
		EV(1000, 0, 10, RELEASE, 500, 800, D),
		EV(1800, 0, 10, RELEASE_END, 500, 800, 0),
		EV(3000, 0, 10, RELEASE, 0xffff888000abc000ull, 0, Z),
		EV(4000, 0, 10, SLOT_WRITE, 77, 0, 0),
		EV(5000, 0, 10, RELEASE, 501, 250, D),
		EV(5250, 0, 10, RELEASE_END, 501, 250, 0),
	};
	static const char *const specs[] = { "myprobes/foo=zram_release:idx",
					     "myprobes/other=slot_write" };
	struct ds_map_rule rules[2];
	g_autofree char *path = dstest_fixture("probes.dat");

	parse_rules(specs, 2, rules);
	struct ds_trace_opts opts = { .map = rules, .n_map = 2 };
	g_autoptr(GError) err = NULL;
	g_autoptr(GArray) evs = g_array_new(FALSE, TRUE, sizeof(struct ds_event));
	struct ds_source *src = ds_source_open_trace(path, &opts, &err);
	const struct ds_event_map_info *mi;

	g_assert_true(read_all(src, evs, &err));
	assert_events(want, G_N_ELEMENTS(want), evs);
	mi = find_map(ds_source_info(src), "myprobes", "foo");
	g_assert_cmpstr(mi->how, ==, "map");
	g_assert_cmpstr(mi->field, ==, "idx");
	mi = find_map(ds_source_info(src), "myprobes", "other");
	g_assert_cmpstr(mi->how, ==, "map");
	g_assert_cmpstr(mi->field, ==, "arg");
	g_assert_cmpstr(mi->symbol, ==, "do_exit");
	ds_source_close(src);
	for (size_t i = 0; i < 2; i++)
		ds_map_rule_clear(&rules[i]);
}

/* function_graph of zram_slot_free_notify (zs_free nested at depth 1 is not a release):
 * the duration is rettime - calltime from the exit record. */
static void test_fgraph(void)
{
	static const struct ds_event want[] = {
		EV(1000, 0, 20, RELEASE, 0, 1000, NV | D),
		EV(2000, 0, 20, RELEASE_END, 0, 1000, NV),
		EV(3000, 0, 20, RELEASE, 0, 3500, NV | D),
		EV(7000, 0, 20, RELEASE_END, 0, 3500, NV),	/* 6500 - 3000, not 7000 - 3000 */
	};
	g_autofree char *path = dstest_fixture("fgraph.dat");
	g_autoptr(GArray) evs = decode(path, NULL);

	assert_events(want, G_N_ELEMENTS(want), evs);
}

/* CPU0's second page starts at 11500, before the last event of the first (12000): the
 * return at 11600 is clamped to 12000 and counted. */
static void test_out_of_order(void)
{
	static const struct ds_event want[] = {
		EV(10000, 0, 10, RELEASE, 1, 1000, D),
		EV(11000, 0, 10, RELEASE_END, 1, 1000, 0),
		EV(12000, 0, 10, RELEASE, 2, 0, D),
		EV(12000, 0, 10, RELEASE_END, 2, 0, 0),
		EV(13000, 0, 10, RELEASE, 3, 1000, D),
		EV(14000, 0, 10, RELEASE_END, 3, 1000, 0),
	};
	g_autofree char *path = dstest_fixture("ooo.dat");
	g_autoptr(GError) err = NULL;
	g_autoptr(GArray) evs = g_array_new(FALSE, TRUE, sizeof(struct ds_event));
	struct ds_source *src = ds_source_open_trace(path, NULL, &err);

	g_assert_true(read_all(src, evs, &err));
	assert_events(want, G_N_ELEMENTS(want), evs);
	assert_ordered(evs);
	g_assert_cmpuint(ds_source_info(src)->reordered, ==, 1);
	ds_source_close(src);
}

static void test_json(void)
{
	g_autofree char *path = dstest_fixture("basic.dat");
	g_autoptr(GError) err = NULL;
	g_autoptr(GArray) evs = g_array_new(FALSE, TRUE, sizeof(struct ds_event));
	struct ds_source *src = ds_source_open_trace(path, NULL, &err);
	JsonNode *node;
	JsonObject *o;

	g_assert_true(read_all(src, evs, &err));
	node = ds_trace_info_to_json(ds_source_info(src));
	o = json_node_get_object(node);
	g_assert_cmpint(json_object_get_int_member(o, "releases"), ==, 5);
	g_assert_cmpint(json_object_get_int_member(o, "cpus"), ==, 2);
	g_assert_cmpint(json_object_get_int_member(o, "lost_events"), ==, 0);
	g_assert_cmpstr(json_object_get_string_member(o, "clock"), ==, "mono");
	g_assert_true(json_object_get_boolean_member(o, "clock_synced"));
	g_assert_cmpint(json_array_get_int_element(json_object_get_array_member(o,
						   "releases_per_cpu"), 1), ==, 2);
	g_assert_cmpint(json_object_get_int_member(json_object_get_object_member(o, "durations"),
						   "max_ns"), ==, 12000);
	gboolean found = FALSE;
	JsonArray *maps = json_object_get_array_member(o, "events");

	for (guint i = 0; i < json_array_get_length(maps); i++) {
		JsonObject *m = json_array_get_object_element(maps, i);

		if (!strcmp(json_object_get_string_member(m, "name"), "zram_free")) {
			g_assert_cmpstr(json_object_get_string_member(m, "kind"), ==, "release");
			g_assert_cmpstr(json_object_get_string_member(m, "backend"), ==, "zram");
			g_assert_cmpstr(json_object_get_string_member(m, "how"), ==, "name");
			found = TRUE;
		}
	}
	g_assert_true(found);
	json_node_unref(node);
	ds_source_close(src);
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/replay/decode/basic", test_basic);
	g_test_add_func("/replay/decode/converted-v6-zstd-local", test_basic_converted);
	g_test_add_func("/replay/decode/v6-traceclock", test_v6_clock);
	g_test_add_func("/replay/decode/lost", test_lost);
	g_test_add_func("/replay/decode/probes-by-ip", test_probes);
	g_test_add_func("/replay/decode/probes-mapped", test_probes_mapped);
	g_test_add_func("/replay/decode/function-graph", test_fgraph);
	g_test_add_func("/replay/decode/out-of-order", test_out_of_order);
	g_test_add_func("/replay/decode/json", test_json);
	return g_test_run();
}
