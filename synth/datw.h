/* SPDX-License-Identifier: MIT */
/*
 * datw.h - the one trace.dat writer (datw.c): synthetic traces (synth_dat.c), the reader's
 * test fixtures (tests/replay/mkfixture.c) and the corrupt-input corpus
 * (tests/corrupt/mkcorrupt.c) are all written through it.
 *
 * Without tracing rights, a trace.dat is made the way trace-cmd itself would make one from a
 * tracing directory and raw per-CPU buffers:
 *  1. a fake tracing directory: events/header_page, events/header_event, the format file of
 *     every event given (struct ds_datw_format), saved_cmdlines, trace_clock, kallsyms;
 *  2. per CPU, ring-buffer pages as in per_cpu/cpuN/trace_pipe_raw (64-bit kernel, 4 KiB):
 *     u64 page timestamp; u64 commit = bytes of data, bit 31 = events were lost before this
 *     page, bit 30 = their count is stored as a u64 right after the data; then records: a
 *     u32 header (type_len:5 low bits, time_delta:27) and, for type_len 1..28, type_len*4
 *     bytes of payload; type_len 0: a u32 length (payload + 4) then the payload (records
 *     longer than 112 bytes); 29: padding (a discarded event, u32 length follows);
 *     30: time extend (u32 high bits of a delta of 2^27 ns or more);
 *  3. `trace-cmd restore -c` writes the headers, `trace-cmd restore -i` appends the CPU data
 *     (file format v7);
 *  4. restore always records the clock "local": the clock string of the top instance's
 *     BUFFER option (the last section of the file) is rewritten to the one wanted;
 *  5. the result is renamed onto the target (atomic).
 * Damage on purpose (ds_datw_damage()) is applied to a page as it is written, before
 * trace-cmd sees it: restore copies pages without looking into them.
 */
#ifndef DS_DATW_H
#define DS_DATW_H

#include <stdint.h>
#include <glib.h>

#define DS_DATW_PAGE 4096
#define DS_DATW_PAGE_HDR 16

/* One event format: the fields after the common ones (format-file lines), the print fmt. */
struct ds_datw_format {
	const char *system;
	const char *name;
	unsigned int id;
	const char *fields;
	const char *print;
};

struct ds_datw_opts {
	const struct ds_datw_format *formats;
	unsigned int nformats;
	const char *kallsyms;		/* the text of the fake /proc/kallsyms */
	const char *trace_clock;	/* the text of the trace_clock file */
	unsigned int ncpus;		/* at most DS_DATW_MAX_CPUS */
};

#define DS_DATW_MAX_CPUS 4096

/* Events lost before a page, as the kernel flags them in the commit word. */
enum ds_datw_loss {
	DS_DATW_LOSS_NONE,
	DS_DATW_LOSS_UNKNOWN,	/* flagged, count not stored */
	DS_DATW_LOSS_COUNTED,	/* flagged, count stored after the data */
};

/* What ds_datw_damage() does to the page being filled when it is written out. */
enum ds_datw_damage {
	DS_DATW_DAMAGE_NONE,
	DS_DATW_DAMAGE_SHORT_COMMIT,	/* commit ends 2 bytes into the page's last record */
	DS_DATW_DAMAGE_GARBAGE_HEADER,	/* timestamp and commit overwritten with 0xa5 bytes */
};

struct ds_datw;

struct ds_datw *ds_datw_new(const struct ds_datw_opts *o, GError **error);
void ds_datw_free(struct ds_datw *w);

/* ds_datw_page() - end @cpu's page and start a new one stamped @ts (which may be before the
 * previous page's last record: out-of-order on purpose), @loss events lost before it. */
gboolean ds_datw_page(struct ds_datw *w, unsigned int cpu, uint64_t ts, enum ds_datw_loss loss,
		      uint64_t lost, GError **error);
/* ds_datw_record() - one event record at @ts (not before the page's last record); @len a
 * multiple of 4.  A new page is started when this one is full, a time extend written before
 * a delta of 2^27 ns or more. */
gboolean ds_datw_record(struct ds_datw *w, unsigned int cpu, uint64_t ts, const guint8 *payload,
			size_t len, GError **error);
/* ds_datw_padding() - a discarded event: a padding record 1 ns after the last record */
gboolean ds_datw_padding(struct ds_datw *w, unsigned int cpu, GError **error);
/* ds_datw_damage() - damage @cpu's current page (which must hold a record) when written */
gboolean ds_datw_damage(struct ds_datw *w, unsigned int cpu, enum ds_datw_damage how,
			GError **error);
/* ds_datw_records() - event records written on @cpu so far (not padding or time extends) */
uint64_t ds_datw_records(const struct ds_datw *w, unsigned int cpu);
/* ds_datw_finish() - saved_cmdlines @cmdlines, trace-cmd restore, the clock of the BUFFER
 * option set to @clock (NULL: leave restore's "local"), renamed onto @path.  Polls
 * ds_synth_interrupted() between steps. */
gboolean ds_datw_finish(struct ds_datw *w, const char *cmdlines, const char *clock,
			const char *path, GError **error);

/* --- payloads (records): the common fields, then fields by offset --- */

/* ds_datw_rec_start() - @size bytes of zeros with common_type @id and common_pid @pid */
void ds_datw_rec_start(GByteArray *r, unsigned int id, int32_t pid, unsigned int size);
void ds_datw_rec_u64(GByteArray *r, unsigned int off, uint64_t v);
void ds_datw_rec_u32(GByteArray *r, unsigned int off, uint32_t v);
void ds_datw_rec_u8(GByteArray *r, unsigned int off, uint8_t v);
/* a char[16] field: at most 15 bytes of @s, NUL-padded */
void ds_datw_rec_comm(GByteArray *r, unsigned int off, const char *s);
/* a __data_loc string: appended after the record, then the record padded to 4 bytes */
void ds_datw_rec_string(GByteArray *r, unsigned int off, const char *s);
/* pad the record to a multiple of 4 bytes */
void ds_datw_rec_pad(GByteArray *r);

#endif
