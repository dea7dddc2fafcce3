#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""mkfixture.py - build small trace.dat files with known content, without tracing rights.

How: write a fake tracing directory (events/header_page, header_event, the format files of
the events we need, written here in the kernel's format), a fake kallsyms and trace_clock,
and hand-built ring-buffer pages (one raw file per CPU, the layout of
/sys/kernel/tracing/per_cpu/cpuN/trace_pipe_raw), then let trace-cmd itself assemble the
trace.dat:  `trace-cmd restore -c -t DIR -k KALLSYMS -o head.dat` writes the headers,
`trace-cmd restore -i head.dat -o out.dat cpu0 cpu1 ...` appends the CPU data (file format v7).
`restore` always records the clock "local"; patch_clock() rewrites the BUFFER option (the last
section of the file, after the CPU data) to the clock the fixture wants.

Data structures:
  EVENTS   (system, name) -> Event: id, fields [(decl, name, offset, size, signed)], print fmt
  a CPU stream is a list of items: ("ev", ts, system, name, {field: value}),
  ("page", base_ts, missed) to start a new ring-buffer page (missed: None, a count, or -1 for
  "lost, count unknown"), ("pad",) for a discarded-event padding record.

Ring-buffer page (64-bit kernel, 4 KiB): u64 timestamp; u64 commit (bytes of data; bit 31 =
events were missed before this page, bit 30 = their count is stored as a u64 right after the
data); data.  Each event: u32 header (type_len:5 low bits, time_delta:27), then for
type_len 1..28 type_len*4 bytes of payload; type_len 0 = u32 length+4 then payload;
29 = padding (u32 length follows); 30 = time extend (u32 high bits of the delta).

Usage: mkfixture.py OUTDIR            all fixtures (see FIXTURES) into OUTDIR
       mkfixture.py --big N OUT.dat   a synthetic trace with N releases (for bench/)
"""
import os
import shutil
import struct
import subprocess
import sys
import tempfile

PAGE = 4096
PAGE_HDR = 16
MISSED_EVENTS = 1 << 31
MISSED_STORED = 1 << 30
TS_BITS = 27

COMMON = [
    ("unsigned short", "common_type", 0, 2, 0),
    ("unsigned char", "common_flags", 2, 1, 0),
    ("unsigned char", "common_preempt_count", 3, 1, 0),
    ("int", "common_pid", 4, 4, 1),
]

# Kernel addresses of the fake kallsyms (and the probes on them).
KALLSYMS = [
    (0xffffffff81000000, "T", "_stext"),
    (0xffffffff81100000, "T", "do_exit"),
    (0xffffffff81100400, "T", "zap_pte_range"),
    (0xffffffff81200000, "T", "zs_free"),
    (0xffffffff81200400, "T", "zs_malloc"),
    (0xffffffff81300000, "T", "zram_slot_free_notify"),
    (0xffffffff81300400, "T", "zram_write_page"),
    (0xffffffff81400000, "T", "zswap_invalidate"),
    (0xffffffff81500000, "T", "drain_work_fn"),
    (0xffffffff81600000, "T", "_etext"),
]
SYM = {name: addr for addr, _, name in KALLSYMS}


class Event:
    def __init__(self, system, name, eid, fields, fmt):
        self.system, self.name, self.id, self.fmt = system, name, eid, fmt
        self.fields = COMMON + fields
        self.size = max(o + s for _, _, o, s, _ in self.fields)

    def format_text(self):
        out = ["name: %s" % self.name, "ID: %d" % self.id, "format:"]
        for i, (decl, fname, off, size, signed) in enumerate(self.fields):
            if i == len(COMMON):
                out.append("")
            out.append("\tfield:%s %s;\toffset:%d;\tsize:%d;\tsigned:%d;"
                       % (decl, fname, off, size, signed))
        out += ["", "print fmt: %s" % self.fmt, ""]
        return "\n".join(out)

    def payload(self, pid, values):
        buf = bytearray(self.size)
        strings = []
        struct.pack_into("<HBBi", buf, 0, self.id, 0, 0, pid)
        for decl, fname, off, size, _ in self.fields[len(COMMON):]:
            key = fname.split("[")[0]
            is_text = decl.startswith("__data_loc") or "[" in fname
            v = values.get(key, "" if is_text else 0)
            if decl.startswith("__data_loc"):
                strings.append((off, v.encode() + b"\0"))
            elif decl.startswith("char") and "[" in fname:
                buf[off:off + size] = v.encode()[:size - 1].ljust(size, b"\0")
            else:
                fmt = {1: "<B", 2: "<H", 4: "<I", 8: "<Q"}[size]
                struct.pack_into(fmt, buf, off, v & ((1 << (8 * size)) - 1))
        for off, s in strings:
            struct.pack_into("<I", buf, off, (len(s) << 16) | len(buf))
            buf += s
        while len(buf) % 4:
            buf.append(0)
        return bytes(buf)


def f(decl, name, off, size, signed=0):
    return (decl, name, off, size, signed)


def kprobe(system, name, eid, args):
    """A kprobe event: __probe_ip then the fetch args [(name, type, size)]."""
    fields, off, fmt_args = [f("unsigned long", "__probe_ip", 8, 8)], 16, ["REC->__probe_ip"]
    for aname, atype, size in args:
        fields.append(f(atype, aname, off, size))
        off += size
        fmt_args.append("REC->" + aname)
    fmt = '"(%lx)' + "".join(" %s=%%Lu" % a[0] for a in args) + '", ' + ", ".join(fmt_args)
    return Event(system, name, eid, fields, fmt)


def kretprobe(system, name, eid, args=()):
    fields = [f("unsigned long", "__probe_func", 8, 8), f("unsigned long", "__probe_ret_ip", 16, 8)]
    off, fmt_args = 24, ["REC->__probe_func", "REC->__probe_ret_ip"]
    for aname, atype, size in args:
        fields.append(f(atype, aname, off, size))
        off += size
        fmt_args.append("REC->" + aname)
    fmt = '"(%lx <- %lx)' + "".join(" %s=%%Lu" % a[0] for a in args) + '", ' + ", ".join(fmt_args)
    return Event(system, name, eid, fields, fmt)


def all_events():
    wq = [f("void *", "work", 8, 8), f("void *", "function", 16, 8)]
    evs = [
        Event("ftrace", "funcgraph_entry", 11,
              [f("unsigned long", "func", 8, 8), f("int", "depth", 16, 4, 1)],
              '"--> %ps (%d)", (void *)REC->func, REC->depth'),
        Event("ftrace", "funcgraph_exit", 10,
              [f("unsigned long", "func", 8, 8), f("int", "depth", 16, 4, 1),
               f("unsigned int", "overrun", 20, 4), f("unsigned long long", "calltime", 24, 8),
               f("unsigned long long", "rettime", 32, 8)],
              '"<-- %ps (%d) (start: %llx  end: %llx) over: %d", REC->func, REC->depth, '
              'REC->calltime, REC->rettime, REC->depth'),
        Event("sched", "sched_switch", 300,
              [f("char", "prev_comm[16]", 8, 16), f("pid_t", "prev_pid", 24, 4, 1),
               f("int", "prev_prio", 28, 4, 1), f("long", "prev_state", 32, 8, 1),
               f("char", "next_comm[16]", 40, 16), f("pid_t", "next_pid", 56, 4, 1),
               f("int", "next_prio", 60, 4, 1)],
              '"prev_comm=%s prev_pid=%d prev_prio=%d prev_state=%ld ==> next_comm=%s '
              'next_pid=%d next_prio=%d", REC->prev_comm, REC->prev_pid, REC->prev_prio, '
              'REC->prev_state, REC->next_comm, REC->next_pid, REC->next_prio'),
        Event("sched", "sched_process_exit", 301,
              [f("char", "comm[16]", 8, 16), f("pid_t", "pid", 24, 4, 1),
               f("int", "prio", 28, 4, 1)],
              '"comm=%s pid=%d prio=%d", REC->comm, REC->pid, REC->prio'),
        Event("workqueue", "workqueue_queue_work", 310,
              wq + [f("__data_loc char[]", "workqueue", 24, 4), f("int", "req_cpu", 28, 4, 1),
                    f("int", "cpu", 32, 4, 1)],
              '"work struct=%p function=%ps workqueue=%s req_cpu=%d cpu=%d", REC->work, '
              'REC->function, __get_str(workqueue), REC->req_cpu, REC->cpu'),
        Event("workqueue", "workqueue_activate_work", 311, wq,
              '"work struct %p function=%ps ", REC->work, REC->function'),
        Event("workqueue", "workqueue_execute_start", 312, wq,
              '"work struct %p: function %ps", REC->work, REC->function'),
        Event("workqueue", "workqueue_execute_end", 313, wq,
              '"work struct %p: function %ps", REC->work, REC->function'),
        kprobe("defersim", "zram_free", 1500, [("index", "u64", 8)]),
        kretprobe("defersim", "zram_free_ret", 1501),
        kprobe("defersim", "zs_free", 1502, [("handle", "u64", 8)]),
        kprobe("defersim", "zswap_inv", 1503, [("entry", "u64", 8)]),
        # hand-named probes: recognised by the function they sit on
        kprobe("myprobes", "foo", 1600, [("flags", "u8", 1), ("idx", "u64", 8)]),
        kretprobe("myprobes", "foo_ret", 1601),
        kprobe("myprobes", "inv", 1602, [("e", "u64", 8)]),
        kprobe("myprobes", "other", 1603, [("arg", "u32", 4)]),
        kretprobe("myprobes", "other_ret", 1604),
        kprobe("other", "exit_probe", 1700, [("code", "u64", 8)]),
    ]
    return {(e.system, e.name): e for e in evs}


EVENTS = all_events()


def encode_cpu(items):
    """Ring-buffer pages of one CPU from its item list."""
    pages, data, base, last, missed = [], bytearray(), None, 0, None

    def flush():
        if base is None:
            return
        commit = len(data)
        tail = b""
        if missed is not None:
            commit |= MISSED_EVENTS
            if missed >= 0:
                commit |= MISSED_STORED
                tail = struct.pack("<Q", missed)
        page = struct.pack("<QQ", base, commit) + bytes(data) + tail
        assert len(page) <= PAGE, "page overflow"
        pages.append(page.ljust(PAGE, b"\0"))

    for it in items:
        if it[0] == "page":
            flush()
            data, base, last, missed = bytearray(), it[1], it[1], it[2]
            continue
        if it[0] == "pad":
            # a discarded event: padding with a non-zero delta (zero would mean "end of
            # page"); 4 + array[0] bytes long.  Readers (libtraceevent's kbuffer) add its
            # delta to the clock, as for the event it replaced.
            data += struct.pack("<II", (1 << 5) | 29, 8) + bytes(4)
            last += 1
            continue
        _, ts, system, name, vals = it
        if base is None:
            data, base, last, missed = bytearray(), ts, ts, None
        ev = EVENTS[(system, name)]
        payload = ev.payload(vals.get("pid", 0), vals)
        rec = bytearray()
        delta = ts - last
        assert delta >= 0, "use a new page to go back in time"
        if delta >= 1 << TS_BITS:
            rec += struct.pack("<II", ((delta & ((1 << TS_BITS) - 1)) << 5) | 30, delta >> TS_BITS)
            delta = 0
        if len(payload) <= 112:
            rec += struct.pack("<I", (delta << 5) | (len(payload) // 4)) + payload
        else:
            rec += struct.pack("<II", delta << 5, len(payload) + 4) + payload
        if PAGE_HDR + len(data) + len(rec) + 8 > PAGE:
            raise RuntimeError("page overflow: split the CPU stream with ('page', ts, None)")
        data += rec
        last = ts
    flush()
    return pages


def encode_cpu_big(records):
    """Fast path for the synthetic big trace: records = iterable of (ts, payload)."""
    out = bytearray()
    data, base, last = bytearray(), None, 0
    for ts, payload in records:
        if base is None:
            base = last = ts
        delta = ts - last
        rec = struct.pack("<I", (delta << 5) | (len(payload) // 4)) + payload
        if PAGE_HDR + len(data) + len(rec) > PAGE:
            out += (struct.pack("<QQ", base, len(data)) + data).ljust(PAGE, b"\0")
            data, base, last = bytearray(), ts, ts
            rec = struct.pack("<I", len(payload) // 4) + payload
        data += rec
        last = ts
    if base is not None:
        out += (struct.pack("<QQ", base, len(data)) + data).ljust(PAGE, b"\0")
    return bytes(out)


def write_tracing_dir(d, events, clock):
    os.makedirs(os.path.join(d, "events"))
    with open(os.path.join(d, "events", "header_page"), "w") as fh:
        fh.write("\tfield: u64 timestamp;\toffset:0;\tsize:8;\tsigned:0;\n"
                 "\tfield: local_t commit;\toffset:8;\tsize:8;\tsigned:1;\n"
                 "\tfield: int overwrite;\toffset:8;\tsize:1;\tsigned:1;\n"
                 "\tfield: char data;\toffset:16;\tsize:4080;\tsigned:0;\n")
    with open(os.path.join(d, "events", "header_event"), "w") as fh:
        fh.write("# compressed entry header\n\ttype_len    :    5 bits\n"
                 "\ttime_delta  :   27 bits\n\tarray       :   32 bits\n\n"
                 "\tpadding     : type == 29\n\ttime_extend : type == 30\n"
                 "\ttime_stamp : type == 31\n\tdata max type_len  == 28\n")
    for ev in events:
        ed = os.path.join(d, "events", ev.system, ev.name)
        os.makedirs(ed)
        with open(os.path.join(ed, "format"), "w") as fh:
            fh.write(ev.format_text())
    with open(os.path.join(d, "saved_cmdlines"), "w") as fh:
        fh.write("100 app\n200 app2\n50 kworker/u4:1\n")
    with open(os.path.join(d, "trace_clock"), "w") as fh:
        fh.write(clock + "\n")
    ks = os.path.join(d, "kallsyms")
    with open(ks, "w") as fh:
        for addr, t, name in KALLSYMS:
            fh.write("%016x %s %s\n" % (addr, t, name))
    return ks


def read_options_chain(buf):
    """(offset, size) of every v7 options section, following the DONE links."""
    ver_end = buf.index(b"\0", 10)
    p = ver_end + 1 + 1 + 1 + 4
    p = buf.index(b"\0", p) + 1          # compression name
    p = buf.index(b"\0", p) + 1          # compression version
    off = struct.unpack_from("<Q", buf, p)[0]
    out = []
    while off:
        sid, flags, _, size = struct.unpack_from("<HHIQ", buf, off)
        assert sid == 0 and flags == 0, "unexpected section"
        out.append((off, size))
        q, end, nxt = off + 16, off + 16 + size, 0
        while q < end:
            oid, osz = struct.unpack_from("<HI", buf, q)
            if oid == 0:
                nxt = struct.unpack_from("<Q", buf, q + 6)[0]
            q += 6 + osz
        off = nxt
    return out


def patch_clock(path, clock):
    """Rewrite the clock string of the top-instance BUFFER option (last section of the file)."""
    buf = bytearray(open(path, "rb").read())
    assert buf[10:12] == b"7\0", "expected a v7 file from trace-cmd restore"
    for off, size in read_options_chain(buf):
        q, end = off + 16, off + 16 + size
        while q < end:
            oid, osz = struct.unpack_from("<HI", buf, q)
            if oid == 3:  # BUFFER
                assert off + 16 + size == len(buf), "BUFFER option is not at the end"
                body = buf[q + 6:q + 6 + osz]
                name_end = body.index(b"\0", 8)
                clock_end = body.index(b"\0", name_end + 1)
                body = body[:name_end + 1] + clock.encode() + b"\0" + body[clock_end + 1:]
                grow = len(body) - osz
                rest = buf[q + 6 + osz:]
                buf = buf[:q] + struct.pack("<HI", 3, len(body)) + body + rest
                struct.pack_into("<Q", buf, off + 8, size + grow)
                open(path, "wb").write(buf)
                return
            q += 6 + osz
    raise RuntimeError("no BUFFER option in " + path)


def add_v6_traceclock(src, dst, trace_clock):
    """Copy a v6 file adding a TRACECLOCK option (what trace-cmd record writes in v6 files;
    `trace-cmd convert` drops it): inserted first in the options list, and as many bytes of
    the zero padding before the page-aligned CPU data removed, so no offset moves."""
    buf = bytearray(open(src, "rb").read())
    assert buf[10:12] == b"6\0", "expected a v6 file"
    at = buf.index(b"options  \0") + 10
    fly = buf.index(b"flyrecord\0", at) + 10
    first_cpu = struct.unpack_from("<Q", buf, fly)[0]
    text = trace_clock.encode() + b"\0"
    opt = struct.pack("<HI", 4, len(text)) + text
    assert buf[first_cpu - len(opt):first_cpu] == bytes(len(opt)), "no room in the padding"
    buf = buf[:at] + opt + buf[at:first_cpu - len(opt)] + buf[first_cpu:]
    open(dst, "wb").write(buf)


def build(out, cpus, clock="mono", events=None, work=None):
    """cpus: list (one per CPU) of item lists -> trace.dat at out."""
    events = list(EVENTS.values()) if events is None else events
    tmp = tempfile.mkdtemp(prefix="dsfix.", dir=work)
    try:
        td = os.path.join(tmp, "tracing")
        ks = write_tracing_dir(td, events, clock)
        head = os.path.join(tmp, "head.dat")
        run(["trace-cmd", "restore", "-c", "-t", td, "-k", ks, "-o", head])
        files = []
        for i, items in enumerate(cpus):
            fn = os.path.join(tmp, "cpu%d" % i)
            with open(fn, "wb") as fh:
                fh.write(items if isinstance(items, bytes) else b"".join(encode_cpu(items)))
            files.append(fn)
        tmpout = out + ".tmp"
        run(["trace-cmd", "restore", "-i", head, "-o", tmpout] + files)
        if clock != "local":
            patch_clock(tmpout, clock)
        os.replace(tmpout, out)
    finally:
        shutil.rmtree(tmp)


def run(cmd):
    r = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    if r.returncode != 0:
        sys.exit("mkfixture: %s failed:\n%s" % (" ".join(cmd), r.stdout.decode(errors="replace")))


# --- the fixtures ---------------------------------------------------------------------------
# tests/replay/test_replay.c states what each must decode to; keep the two in step by hand.
W = 0xffff888000001000   # a work_struct address
WQF = SYM["drain_work_fn"]


def ev(ts, system, name, **vals):
    return ("ev", ts, system, name, vals)


def zf(ts, pid, index):
    return ev(ts, "defersim", "zram_free", pid=pid, __probe_ip=SYM["zram_slot_free_notify"],
              index=index)


def zr(ts, pid):
    return ev(ts, "defersim", "zram_free_ret", pid=pid,
              __probe_func=SYM["zram_slot_free_notify"], __probe_ret_ip=SYM["zap_pte_range"] + 0x40)


def sw(ts, prev, nxt):
    return ev(ts, "sched", "sched_switch", pid=prev, prev_pid=prev, next_pid=nxt,
              prev_comm="p%d" % prev, next_comm="n%d" % nxt, prev_prio=120, next_prio=120)


def basic_cpus():
    cpu0 = [
        sw(1000000, 0, 100),                                   # before start: dropped
        zf(1001000, 100, 7),
        ev(1002000, "defersim", "zs_free", pid=100, __probe_ip=SYM["zs_free"], handle=0xabc0),
        zr(1006000, 100),                                      # 7 took 5000 ns
        zf(1010000, 100, 8),
        zr(1013500, 100),                                      # 8 took 3500 ns
        ev(1020000, "workqueue", "workqueue_queue_work", pid=100, work=W, function=WQF,
           workqueue="zswap", req_cpu=8192, cpu=0),
        zf(1030000, 100, 9),                                   # closed by the exit: no duration
        ev(1040000, "sched", "sched_process_exit", pid=100, comm="app", prio=120),
        sw(1041000, 100, 0),
        ("page", 199000000, None),
        zr(200000000, 300),                                    # return without entry
    ]
    cpu1 = [
        sw(1000500, 0, 200),
        zf(1004000, 200, 100),
        ("pad",),
        zr(1016000, 200),                                      # 100 took 12000 ns
        ev(1021000, "workqueue", "workqueue_activate_work", pid=200, work=W, function=WQF),
        sw(1021500, 200, 50),
        ev(1022000, "workqueue", "workqueue_execute_start", pid=50, work=W, function=WQF),
        ev(1025000, "workqueue", "workqueue_execute_end", pid=50, work=W, function=WQF),
        sw(1026000, 50, 200),
        zf(150000000, 400, 55),                                # time extend; return too late
        zr(260000000, 400),
    ]
    return [cpu0, cpu1]


def lost_cpus():
    cpu0 = [zf(1000, 10, 1), zr(2000, 10),
            ("page", 5000, 42), zf(6000, 10, 2), zr(7000, 10)]
    cpu1 = [zf(1500, 11, 3), zr(2500, 11),
            ("page", 8000, -1), zf(9000, 11, 4), zr(9500, 11)]
    return [cpu0, cpu1]


def foreign():
    evs = [EVENTS[k] for k in EVENTS if k[0] in ("sched", "ftrace", "other")]
    cpu0 = [sw(1000, 0, 5), sw(2000, 5, 0),
            ("ev", 3000, "other", "exit_probe", {"pid": 5, "__probe_ip": SYM["do_exit"],
                                                   "code": 0})]
    return evs, [cpu0]


def probes_cpus():
    cpu0 = [
        ev(1000, "myprobes", "foo", pid=10, __probe_ip=SYM["zram_slot_free_notify"] + 4,
           flags=1, idx=500),
        ev(1800, "myprobes", "foo_ret", pid=10, __probe_func=SYM["zram_slot_free_notify"],
           __probe_ret_ip=SYM["zap_pte_range"] + 0x40),
        ev(3000, "myprobes", "inv", pid=10, __probe_ip=SYM["zswap_invalidate"],
           e=0xffff888000abc000),
        ev(4000, "myprobes", "other", pid=10, __probe_ip=SYM["do_exit"], arg=77),
        ev(4500, "myprobes", "other_ret", pid=10, __probe_func=SYM["do_exit"],
           __probe_ret_ip=SYM["_stext"]),
        ev(5000, "myprobes", "foo", pid=10, __probe_ip=SYM["zram_slot_free_notify"] + 4,
           flags=0, idx=501),
        ev(5250, "myprobes", "foo_ret", pid=10, __probe_func=SYM["zram_slot_free_notify"],
           __probe_ret_ip=SYM["zap_pte_range"] + 0x40),
    ]
    return [cpu0]


def fgraph_cpus():
    z, o = SYM["zram_slot_free_notify"], SYM["zs_free"]
    cpu0 = [
        ev(1000, "ftrace", "funcgraph_entry", pid=20, func=z, depth=0),
        ev(1100, "ftrace", "funcgraph_entry", pid=20, func=o, depth=1),
        ev(1900, "ftrace", "funcgraph_exit", pid=20, func=o, depth=1, calltime=1100,
           rettime=1900),
        ev(2000, "ftrace", "funcgraph_exit", pid=20, func=z, depth=0, calltime=1000,
           rettime=2000),
        ev(3000, "ftrace", "funcgraph_entry", pid=20, func=z, depth=0),
        ev(7000, "ftrace", "funcgraph_exit", pid=20, func=z, depth=0, calltime=3000,
           rettime=6500),
    ]
    return [cpu0]


def ooo_cpus():
    cpu0 = [zf(10000, 10, 1), zr(11000, 10), zf(12000, 10, 2),
            ("page", 11500, None), zr(11600, 10), zf(13000, 10, 3), zr(14000, 10)]
    return [cpu0]


def all_fixtures(outdir):
    os.makedirs(outdir, exist_ok=True)
    p = lambda n: os.path.join(outdir, n)
    build(p("basic.dat"), basic_cpus())
    build(p("local.dat"), basic_cpus(), clock="local")
    build(p("lost.dat"), lost_cpus())
    evs, cpus = foreign()
    build(p("foreign.dat"), cpus, events=evs)
    build(p("probes.dat"), probes_cpus(), clock="global")
    build(p("fgraph.dat"), fgraph_cpus(), clock="boot")
    build(p("ooo.dat"), ooo_cpus())
    run(["trace-cmd", "convert", "--file-version", "6", "-i", p("basic.dat"), "-o", p("basic-v6.dat")])
    add_v6_traceclock(p("basic-v6.dat"), p("basic-v6clock.dat"), "local global [mono] boot")
    run(["trace-cmd", "convert", "--compression", "any", "-i", p("basic.dat"),
         "-o", p("basic-zstd.dat")])
    with open(p("notatrace.dat"), "wb") as fh:
        fh.write(b"this is not a trace.dat file\n" * 10)


def big(n, out):
    """Synthetic: n releases on 2 CPUs (pids 1000/1001), each: zram_free, zs_free, return."""
    zfe, zse, zre = (EVENTS[("defersim", x)] for x in ("zram_free", "zs_free", "zram_free_ret"))
    cpus = []
    for cpu in range(2):
        pid = 1000 + cpu
        def recs():
            ts = 1000000 + cpu * 100
            for i in range(cpu, n, 2):
                yield ts, zfe.payload(pid, {"__probe_ip": SYM["zram_slot_free_notify"], "index": i})
                yield ts + 500, zse.payload(pid, {"__probe_ip": SYM["zs_free"], "handle": i * 16})
                yield ts + 4000, zre.payload(pid, {"__probe_func": SYM["zram_slot_free_notify"],
                                                   "__probe_ret_ip": SYM["zap_pte_range"]})
                ts += 7000
        cpus.append(encode_cpu_big(recs()))
    build(out, cpus)


def main(argv):
    if len(argv) == 4 and argv[1] == "--big":
        big(int(argv[2]), argv[3])
    elif len(argv) == 2:
        all_fixtures(argv[1])
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main(sys.argv)
