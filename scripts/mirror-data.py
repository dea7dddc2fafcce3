#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""mirror-data.py BUILDROOT DIR NAME SRC [NAME SRC...] - make DIR/NAME a symbolic link to SRC
for each pair (meson.build: the build tree's copy of the installed data directory).  Links,
not copies, so that an edited profile or template is seen without reconfiguring; replaced
when they point elsewhere (a moved source tree).  A DIR outside BUILDROOT (a datadir
configured outside the prefix) is left alone: the uninstalled program then needs
$DEFERSIM_DATADIR."""
import os
import sys

root, top = os.path.realpath(sys.argv[1]), os.path.normpath(sys.argv[2])
if os.path.commonpath([root, os.path.realpath(top)]) != root:
    print('mirror-data.py: %s is outside the build tree; build/cli/defersim will need '
          '$DEFERSIM_DATADIR' % top, file=sys.stderr)
    sys.exit(0)
os.makedirs(top, exist_ok=True)
pairs = sys.argv[3:]
for name, src in zip(pairs[0::2], pairs[1::2]):
    link = os.path.join(top, name)
    if os.path.islink(link) and os.readlink(link) == src:
        continue
    if os.path.lexists(link):
        os.remove(link)
    os.symlink(src, link)
