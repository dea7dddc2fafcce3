// SPDX-License-Identifier: MIT
/*
 * open.c - ds_sim_open_trace(): a trace opened for a run, with what the run needs to know of
 * the whole trace before it starts.
 *
 * think_scale=auto (spec §4.1) divides by the trace's median measured release duration,
 * which a stream only knows at its end.  A cached trace carries it in its header; otherwise
 * the trace is read once to its end (which also writes the cache) and opened again.
 * The recording probes' own cost is what the capture's provenance file says it measured, and
 * its time base (real or emulated) what that file says of the machine.
 */
#include <string.h>

#include "ds_sim.h"

/* "KEY: N" at the start of a line of @text; FALSE when absent or not a number. */
static gboolean prov_value(const char *text, const char *key, uint64_t *out)
{
	g_autofree char *pat = g_strdup_printf("\n%s: ", key);
	const char *p = strstr(text, pat);
	guint64 v;
	char *end = NULL;

	if (!p)
		return FALSE;
	p += strlen(pat);
	v = g_ascii_strtoull(p, &end, 10);
	if (end == p || v > 1000000000000000ull)
		return FALSE;
	*out = v;
	return TRUE;
}

/* @field left "auto": the provenance's KEY, or 0 when it states none. */
static void prov_field(const char *text, const char *key, uint64_t *field, struct ds_params *p)
{
	uint64_t v = 0;
	gboolean stated;

	if (*field != DS_NS_AUTO)
		return;
	stated = text && prov_value(text, key, &v);
	*field = stated ? v : 0;
	p->probe_provenance |= stated;
}

/*
 * The trace's time base from its provenance: "- accelerator: tcg" (scripts/capture-vm) is
 * software emulation, "kvm" (or any other accelerator) hardware time; a "- time_base: real" or
 * "emulated" line (any recorder may write one) says it outright and wins.
 */
static enum ds_time_base time_from_text(const char *text, char *line, size_t size)
{
	static const char *const keys[] = { "\n- time_base: ", "\n- accelerator: " };

	for (size_t k = 0; text && k < G_N_ELEMENTS(keys); k++) {
		const char *at = strstr(text, keys[k]);
		size_t len;

		if (!at)
			continue;
		at++;
		len = strcspn(at, "\n");
		if (line)
			g_strlcpy(line, at, MIN(len + 1, size));
		at += strlen(keys[k]) - 1;
		if (k == 0)
			return g_str_has_prefix(at, "emulated") ? DS_TIME_EMULATED :
				g_str_has_prefix(at, "real") ? DS_TIME_REAL : DS_TIME_UNKNOWN;
		return g_str_has_prefix(at, "tcg") ? DS_TIME_EMULATED : DS_TIME_REAL;
	}
	return DS_TIME_UNKNOWN;
}

/* TRACE.md beside TRACE.dat, at most 1 MiB of text; NULL when there is none. */
static char *provenance_text(const char *trace)
{
	g_autofree char *base = g_str_has_suffix(trace, ".dat") ?
		g_strndup(trace, strlen(trace) - 4) : g_strdup(trace);
	g_autofree char *md = g_strconcat(base, ".md", NULL);
	char *text = NULL;
	gsize len = 0;

	if (!g_file_test(md, G_FILE_TEST_IS_REGULAR) ||
	    !g_file_get_contents(md, &text, &len, NULL) || len > (1u << 20))
		g_clear_pointer(&text, g_free);
	return text;
}

enum ds_time_base ds_trace_time_base(const char *trace, char *line, size_t size)
{
	g_autofree char *text = provenance_text(trace);

	if (line && size)
		line[0] = 0;
	return time_from_text(text, line, size);
}

/*
 * What a capture's provenance (TRACE.md beside TRACE.dat) states: the probe costs, for the
 * parameters left "auto" (0 when it states none), and the time base.  A provenance file is
 * small text: at most 1 MiB is read.
 */
static void read_provenance(const char *trace, struct ds_params *p)
{
	g_autofree char *text = provenance_text(trace);

	p->trace_time_line[0] = 0;
	p->trace_time = time_from_text(text, p->trace_time_line, sizeof(p->trace_time_line));
	prov_field(text, "probe_overhead_ns", &p->probe_overhead_ns, p);
	prov_field(text, "probe_gap_ns", &p->probe_gap_ns, p);
}

struct ds_source *ds_sim_open_trace(const char *trace, const struct ds_trace_opts *topts,
				    struct ds_params *p, GError **error)
{
	struct ds_source *src = ds_source_open_trace(trace, topts, error);
	const struct ds_trace_info *info;

	if (src)
		read_provenance(trace, p);
	if (!src || p->think_scale != 0 || p->think_ref_ns)
		return src;
	info = ds_source_info(src);
	if (!info || !info->durations) {
		if (ds_source_drain(src, error) < 0) {
			ds_source_close(src);
			return NULL;
		}
		info = ds_source_info(src);
		p->think_ref_ns = info ? info->dur_p50_ns : 0;
		ds_source_close(src);
		return ds_source_open_trace(trace, topts, error);
	}
	p->think_ref_ns = info->dur_p50_ns;
	return src;
}
