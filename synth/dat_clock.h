/* SPDX-License-Identifier: MIT */
/*
 * dat_clock.h - the options of a v7 trace.dat as written by trace-cmd restore (dat_clock.c):
 * find an option, rewrite the clock of the top instance's BUFFER option.
 *
 * A v7 file: "\x17\x08\x44tracing", "7\0", endianness, long size, u32 page size, the
 * compression name and version (strings), u64 offset of the first options section.  A
 * section: u16 id (0 = options), u16 flags (1 = compressed), u32 string id, u64 size, then
 * its body; an options body is a list of (u16 id, u32 size, body); option 0 (DONE) holds the
 * u64 offset of the next options section (0: none).  Only uncompressed sections are walked.
 */
#ifndef DS_DAT_CLOCK_H
#define DS_DAT_CLOCK_H

#include <stdint.h>
#include <glib.h>

#define DS_DAT_OPT_BUFFER 3
#define DS_DAT_OPT_TRACECLOCK 4
#define DS_DAT_OPT_CPUCOUNT 8

/* Where one option is in the file. */
struct ds_dat_option {
	uint64_t off;		/* of the option's body (its u16 id and u32 size are before it) */
	uint32_t size;		/* of the body */
	uint64_t section_off;	/* of the options section holding it */
	uint64_t section_size;	/* of that section's body */
};

/* ds_dat_option_find() - the first option @id of the v7 file @path; FALSE (no error set)
 * when there is none, FALSE with @error when the file cannot be read as v7. */
gboolean ds_dat_option_find(const char *path, uint16_t id, struct ds_dat_option *out,
			    GError **error);
/* ds_dat_clock_set() - the clock string of the BUFFER option (the last section) := @clock */
gboolean ds_dat_clock_set(const char *path, const char *clock, GError **error);

#endif
