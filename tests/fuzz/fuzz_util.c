// SPDX-License-Identifier: MIT
/*
 * fuzz_util.c - what the harnesses share: the input as a file (the readers take paths), a
 * corrected checksum (so that mutations reach the checks behind it), and a simulation of
 * what a reader delivered with every invariant checked.
 */
#include <string.h>
#include <unistd.h>
#include <glib.h>

#include "ds_sim.h"
#include "fuzz.h"

#define FUZZ_DIGEST_LEN 16

char *fuzz_write(const uint8_t *data, size_t size, const char *suffix)
{
	g_autofree char *tmpl = g_strconcat("ds-fuzz-XXXXXX", suffix, NULL);
	char *path = NULL;
	int fd = g_file_open_tmp(tmpl, &path, NULL);

	if (fd < 0)
		return NULL;
	if (write(fd, data, size) != (ssize_t)size) {
		close(fd);
		unlink(path);
		g_free(path);
		return NULL;
	}
	close(fd);
	return path;
}

void fuzz_fix_digest(uint8_t *data, size_t size, size_t header_len)
{
	g_autoptr(GChecksum) ck = g_checksum_new(G_CHECKSUM_MD5);
	gsize dlen = FUZZ_DIGEST_LEN;

	if (size < header_len + FUZZ_DIGEST_LEN)
		return;
	g_checksum_update(ck, data + header_len, (gssize)(size - header_len - FUZZ_DIGEST_LEN));
	g_checksum_update(ck, data, (gssize)header_len);
	g_checksum_get_digest(ck, data + size - FUZZ_DIGEST_LEN, &dlen);
}

void fuzz_simulate(struct ds_source *src, unsigned int cpus, unsigned int choice)
{
	const char *const *policies = ds_policy_names();
	struct ds_profile *prof = ds_profile_new_default();
	struct ds_params p;
	struct ds_results *r;
	unsigned int npol = 0;

	while (policies[npol])
		npol++;
	ds_params_init(&p);
	p.policy = policies[choice % npol];
	p.cpus = cpus;
	p.pool_pages = 1 + (choice / npol) % 8;	/* small pools: fallbacks and stranding */
	p.check_invariants = true;
	r = ds_sim_run(&p, prof, src, cpus, NULL);	/* a refused stream is an answer too */
	if (r && (r->inv.freed_twice || r->inv.never_freed || r->inv.pages_violations ||
		  r->inv.cpu_violations || r->inv.time_violations))
		__builtin_trap();	/* whatever a reader accepts, the run's invariants hold */
	ds_results_free(r);
	ds_profile_free(prof);
}
