#!/usr/bin/env python3
# mkdsev.py OUT NCPUS T0 EVENT... - a .dsev file of the events given, byte for byte what
# ds_synth_write_dsev() writes (replay/dsev_format.h: 64-byte header, text "test" padded to 8,
# 32-byte events, MD5 trailer), for hand-made inputs such as tests/fuzz/regressions/dsev-*.
# EVENT is "type,ts,value,aux,pid,cpu,flags" (numbers as in include/ds_event.h; 0x.. allowed),
# e.g. a release of 2^63 ns: "1,1000,5,9223372036854775808,10,0,8".  Little-endian only.
import hashlib
import struct
import sys

out, ncpus, t0 = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
evs = b''
for e in sys.argv[4:]:
    ty, ts, val, aux, pid, cpu, fl = [int(x, 0) for x in e.split(',')]
    evs += struct.pack('<QQQiHBB', ts, val, aux, pid, cpu, ty, fl)
desc = b'test'
text = desc + b'\0' * (-len(desc) % 8)
hdr = struct.pack('<8sIIQQII24s', b'DSSYNEV\0', 1, 0x01020304, len(evs) // 32, t0, ncpus,
                  len(desc), b'\0' * 24)
with open(out, 'wb') as f:
    f.write(hdr + text + evs + hashlib.md5(text + evs + hdr).digest())
