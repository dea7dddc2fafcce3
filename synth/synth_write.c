// SPDX-License-Identifier: MIT
/*
 * synth_write.c - ds_synth_write(): a synthetic workload into a file, the format chosen by
 * the file's extension (.dat: trace.dat via synth_dat.c; .dsev: synth_file.c).
 */
#include "synth_impl.h"

static const char *const comms[DS_SYNTH__COUNT] = {
	[DS_SYNTH_MUNMAP] = "synth-munmap",
	[DS_SYNTH_LMK] = "synth-lmk",
	[DS_SYNTH_CHURN] = "synth-churn",
	[DS_SYNTH_POISSON] = "synth-poisson",
};

gboolean ds_synth_write(const struct ds_synth_params *p, const char *path, GError **error)
{
	gboolean dat = g_str_has_suffix(path, ".dat");
	struct ds_source *src;
	g_autofree char *desc = NULL;
	gboolean ok;

	if (!dat && !g_str_has_suffix(path, ".dsev")) {
		g_set_error(error, DS_ERROR, DS_ERROR_PARAM, "%s: the output must end in .dat "
			    "(a trace.dat) or .dsev (a synthetic event file)", path);
		return FALSE;
	}
	if (!ds_output_path_check(path, error))
		return FALSE;
	src = ds_synth_open(p, error);
	if (!src)
		return FALSE;
	desc = ds_synth_params_describe(p);
	ok = dat ? ds_synth_write_dat(src, desc, comms[p->workload], p->cpus, p->t0_ns, path,
				      error) :
		ds_synth_write_dsev(src, desc, p->cpus, path, error);
	ds_source_close(src);
	return ok;
}
