/* SPDX-License-Identifier: MIT */
/*
 * ds_datadir.h - where defersim's data lives at run time (profiles, plot templates,
 * validation suites), found relative to the running program, never in the source tree it
 * was built from (replay/datadir.c).
 */
#ifndef DS_DATADIR_H
#define DS_DATADIR_H

/**
 * ds_data_dir() - the directory holding @sub ("profiles", "plots", "validation"): the
 * first of these that is a directory:
 *  1. $DEFERSIM_DATADIR/@sub, when the variable is set (an explicit choice: only it is tried);
 *  2. DIR/DS_DATADIR_REL/@sub, DIR being the running program's directory and DS_DATADIR_REL
 *     the path from the install's bindir to its pkgdatadir ("../share/defersim"): the
 *     installed layout, wherever the tree was moved (DESTDIR, another prefix), and the build
 *     tree's mirror of it (build/share/defersim, made by meson.build);
 *  3. DS_PKGDATADIR/@sub, the configured install path, only when the program cannot find
 *     itself (/proc not mounted).
 * Return: a new string, or NULL when there is none.
 */
char *ds_data_dir(const char *sub);

/**
 * ds_data_where() - the places ds_data_dir() looks for @sub, for error messages ("X or Y")
 * Return: a new string.
 */
char *ds_data_where(const char *sub);

#endif /* DS_DATADIR_H */
