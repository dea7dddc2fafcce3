// SPDX-License-Identifier: MIT
/*
 * pageplan.c - choose the page decoder or libtracecmd for a reader's CPUs (pageplan.h).
 */
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "pageplan.h"

/*
 * trace-cmd.dat.v7(5) option ids that leave libtracecmd's time stamps alone: DONE,
 * CPUSTAT, BUFFER, TRACECLOCK, UNAME, HOOK, CPUCOUNT, VERSION, PROCMAPS, TRACEID, GUEST,
 * STRINGS, the header section offsets (16..21) and BUFFER_TEXT.  Not in it: DATE (1) and
 * OFFSET (7) add to every time stamp, TIME_SHIFT (12) maps a guest's to the host's,
 * TSC2NSEC (14) scales them; ids from 23 on are newer than this list.
 */
#define SAFE_OPTIONS ((1ull << 0) | (1ull << 2) | (1ull << 3) | (1ull << 4) | (1ull << 5) | \
		      (1ull << 6) | (1ull << 8) | (1ull << 9) | (1ull << 10) | (1ull << 11) | \
		      (1ull << 13) | (1ull << 15) | (0x7full << 16))

static const char *const why_names[DS_PAGEPLAN_N_WHY] = {
	[DS_PAGEPLAN_NATIVE] = "page decoder",
	[DS_PAGEPLAN_FORCED] = "libtracecmd (DS_TEST_DECODE_LIBTRACECMD)",
	[DS_PAGEPLAN_COMPRESSED] = "libtracecmd (compressed data)",
	[DS_PAGEPLAN_LATENCY] = "libtracecmd (latency trace)",
	[DS_PAGEPLAN_OPTIONS] = "libtracecmd (options that change time stamps)",
	[DS_PAGEPLAN_LAYOUT] = "libtracecmd (page layout)",
	[DS_PAGEPLAN_CPUS] = "libtracecmd (CPU table)",
	[DS_PAGEPLAN_MAP] = "libtracecmd (mmap failed)",
	[DS_PAGEPLAN_MISMATCH] = "libtracecmd (a first record differed)",
};

const char *ds_pageplan_why_name(enum ds_pageplan_why why)
{
	return why < DS_PAGEPLAN_N_WHY ? why_names[why] : "?";
}

/* What the whole file allows, before any CPU is looked at. */
static enum ds_pageplan_why file_allows(const struct ds_datfile *df, struct tep_handle *tep)
{
	const char *env = g_getenv("DS_TEST_DECODE_LIBTRACECMD");
	int long_size = tep_get_header_page_size(tep);
	unsigned int ps = df->page_size;

	if (env && *env && strcmp(env, "0"))
		return DS_PAGEPLAN_FORCED;
	if (df->compression && strcmp(df->compression, "none"))
		return DS_PAGEPLAN_COMPRESSED;
	if (df->latency)
		return DS_PAGEPLAN_LATENCY;
	if (df->options_unread || (df->option_ids & ~SAFE_OPTIONS))
		return DS_PAGEPLAN_OPTIONS;
	/* libtracecmd takes the commit word's size from the header page's format */
	if (tep_get_header_timestamp_size(tep) != 8 || tep_is_old_format(tep) ||
	    (long_size != 4 && long_size != 8) ||
	    (bool)tep_is_file_bigendian(tep) != (bool)df->big_endian ||
	    ps & (ps - 1) || ps < 8u + (unsigned int)long_size + 8)
		return DS_PAGEPLAN_LAYOUT;
	return DS_PAGEPLAN_NATIVE;
}

/* Map @size bytes at file offset @off (any alignment); NULL on failure. */
static const uint8_t *map_range(struct ds_pageplan *p, unsigned int c, int fd, uint64_t off,
				uint64_t size)
{
	uint64_t sys = (uint64_t)sysconf(_SC_PAGESIZE), at = off & ~(sys - 1);
	void *m = mmap(NULL, size + (off - at), PROT_READ, MAP_PRIVATE, fd, (off_t)at);

	if (m == MAP_FAILED)
		return NULL;
	/* each CPU's pages are read once, front to back */
	madvise(m, size + (off - at), MADV_SEQUENTIAL);
	p->map[c] = m;
	p->map_len[c] = size + (off - at);
	return (const uint8_t *)m + (off - at);
}

void ds_pageplan_make(struct ds_pageplan *p, int fd, const struct ds_datfile *df,
		      struct tep_handle *tep, unsigned int ncpus, const guint8 *cpus)
{
	struct ds_page_layout lay;

	memset(p, 0, sizeof(*p));
	p->ncpus = ncpus;
	p->by_cpu = g_new0(struct ds_pagedec *, ncpus ? ncpus : 1);
	p->why = file_allows(df, tep);
	if (p->why != DS_PAGEPLAN_NATIVE)
		return;
	if (df->cpus->len != ncpus) {
		p->why = DS_PAGEPLAN_CPUS;
		return;
	}
	for (unsigned int c = 0; c < ncpus; c++) {
		if (g_array_index(df->cpus, struct ds_datfile_cpu, c).cpu != c) {
			p->why = DS_PAGEPLAN_CPUS;
			return;
		}
	}
	lay = (struct ds_page_layout){ .big_endian = df->big_endian,
		.long_size = (unsigned int)tep_get_header_page_size(tep),
		.page_size = df->page_size };
	p->dec = g_new0(struct ds_pagedec, ncpus ? ncpus : 1);
	p->map = g_new0(void *, ncpus ? ncpus : 1);
	p->map_len = g_new0(size_t, ncpus ? ncpus : 1);
	for (unsigned int c = 0; c < ncpus; c++) {
		const struct ds_datfile_cpu *cd = &g_array_index(df->cpus, struct ds_datfile_cpu, c);
		const uint8_t *base = NULL;

		/* not whole, aligned pages, or past the end: libtracecmd's own reading */
		if (!cpus[c] || cd->offset % lay.page_size || cd->size % lay.page_size ||
		    cd->offset > df->file_size || cd->size > df->file_size - cd->offset)
			continue;
		if (cd->size && !(base = map_range(p, c, fd, cd->offset, cd->size))) {
			ds_pageplan_clear(p);
			p->ncpus = ncpus;
			p->by_cpu = g_new0(struct ds_pagedec *, ncpus ? ncpus : 1);
			p->why = DS_PAGEPLAN_MAP;
			return;
		}
		ds_pagedec_init(&p->dec[c], &lay, base, cd->offset, cd->size / lay.page_size);
		p->by_cpu[c] = &p->dec[c];
	}
}

void ds_pageplan_clear(struct ds_pageplan *p)
{
	for (unsigned int c = 0; p->map && c < p->ncpus; c++)
		if (p->map[c])
			munmap(p->map[c], p->map_len[c]);
	g_free(p->map);
	g_free(p->map_len);
	g_free(p->dec);
	g_free(p->by_cpu);
	memset(p, 0, sizeof(*p));
}
