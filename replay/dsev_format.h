/* SPDX-License-Identifier: MIT */
/*
 * dsev_format.h - the on-disk layout of the synthetic event file (.dsev), shared by its
 * reader (replay/synth_file.c) and its writer (synth/synth_dsev.c).
 *
 * Layout (native byte order; the byte-order mark rejects a foreign one):
 *   struct dsev_header (64 bytes)
 *   desc_len bytes of text (the generating parameters), zero-padded to a multiple of 8
 *   n_events x struct ds_event (32 bytes each: exactly the stream the generator delivered)
 *   16 bytes: MD5 of (text and padding, events, header with its final n_events) - a
 *   corruption check, not a security one
 * The magic says "synthetic" before anything else does; ds_source_open_trace() recognises
 * the file by it.
 */
#ifndef DS_DSEV_FORMAT_H
#define DS_DSEV_FORMAT_H

#include <stdint.h>

#define DSEV_MAGIC "DSSYNEV"
#define DSEV_VERSION 1u
#define DSEV_BOM 0x01020304u
#define DSEV_DIGEST_LEN 16

struct dsev_header {
	char magic[8];
	uint32_t version;
	uint32_t bom;
	uint64_t n_events;
	uint64_t t0;
	uint32_t ncpus;
	uint32_t desc_len;
	uint64_t reserved[3];
};

_Static_assert(sizeof(struct dsev_header) == 64, "dsev header layout");

static inline uint64_t dsev_pad8(uint64_t n)
{
	return (n + 7) & ~(uint64_t)7;
}

#endif
