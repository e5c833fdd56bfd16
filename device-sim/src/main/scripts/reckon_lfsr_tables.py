#!/usr/bin/env python3
"""Derives the linear maps of ReckOn's unfolded LFSRs from their RTL netlists.

Each lfsr/*.v is a net of XOR gates over its state registers d0..d(n-1): `out` and the next
state are linear over GF(2) in d. This script evaluates the net symbolically and prints, for
every output bit and every next-state bit, the mask of state bits it XORs, as the Java source
of io.spikeloop.sim.reckon.ReckonLfsrTables. Usage:
  reckon_lfsr_tables.py ../shared/boards/reckon/upstream/src/lfsr > ReckonLfsrTables.java
ReckonLfsrTest re-derives the same maps from the RTL (when present) and compares.
"""
import os, re, sys

def parse(path):
    src = re.sub(r'//.*', '', open(path).read())
    assigns = dict(re.findall(r'assign\s+(\w+)\s*=\s*([^;]+);', src))
    en = dict(re.findall(r'else if \(en\)\s*(d\d+)\s*<=\s*(\w+);', src))
    out = [o.strip() for o in assigns['out'].strip().strip('{}').split(',')]
    memo = {}
    def ev(w):
        if w not in memo:
            if re.fullmatch(r'd\d+', w):
                memo[w] = 1 << int(w[1:])
            else:
                r = 0
                for p in assigns[w].split('^'):
                    r ^= ev(p.strip())
                memo[w] = r
        return memo[w]
    return [ev(en['d%d' % i]) for i in range(len(en))], [ev(o) for o in reversed(out)]

def java_array(name, values):
    body = ', '.join('0x%x' % v for v in values)
    lines, line = [], '     '
    for tok in body.split(' '):
        if len(line) + len(tok) > 98:
            lines.append(line)
            line = '     '
        line += ' ' + tok
    lines.append(line)
    return '  static final int[] %s = {\n%s\n  };\n' % (name, '\n'.join(lines))

def main(folder):
    print('package io.spikeloop.sim.reckon;\n')
    print('/**\n * GF(2) maps of ReckOn\'s unfolded LFSRs, derived from {@code upstream/src/lfsr/*.v} by\n'
          ' * {@code device-sim/src/main/scripts/reckon_lfsr_tables.py} (generated; do not edit). Entry\n'
          ' * {@code i} of a {@code *_NEXT} array is the mask of state bits XORed into state bit {@code i}\n'
          ' * on an enabled clock edge; entry {@code i} of {@code *_OUT} the mask XORed into output bit\n'
          ' * {@code i} (combinational, from the current state).\n */')
    print('final class ReckonLfsrTables {\n  private ReckonLfsrTables() {}\n')
    for f, name in [('lfsr_neur_stochround.v', 'NEURON_ROUNDING'), ('lfsr_oneur_stochround.v', 'OUTPUT_ROUNDING'),
                    ('lfsr_noise_neur.v', 'NOISE'), ('lfsr_winp_wrec.v', 'WEIGHTS_IN_REC'), ('lfsr_wout.v', 'WEIGHTS_OUT')]:
        nxt, out = parse(os.path.join(folder, f))
        print('  // %s: %d state bits, %d output bits' % (f, len(nxt), len(out)))
        print(java_array(name + '_NEXT', nxt))
        print(java_array(name + '_OUT', out))
    print('}')

if __name__ == '__main__':
    main(sys.argv[1])
