#!/usr/bin/env python3
"""Independent integer reference of quantized Adam (docs/learning-engine.md sections 1-5 and 10),
written from the document for the tests, and the generator of the catch-up golden vectors.

Python integers are unbounded, so every width the document states is checked with an assert
instead of being trusted; floor shifts of negative numbers are Python's >> (arithmetic), divisions
of non-negative operands //, and the square root is math.isqrt (exact), rounded to nearest.

Run from the repository root (or anywhere):
    python3 device-sim/src/test/resources/golden/qadam/make_qadam_catchup_vectors.py
It first replays every committed dense and lazy vector of this folder (written by the Java
generator) and stops unless it reproduces each one bit for bit, then (re)writes the
qadam*-catchup.json vectors. Same seed, same files.
"""
import json
import math
import os
import random
import sys

FOLDER = os.path.dirname(os.path.abspath(__file__))
MASK64 = (1 << 64) - 1
ONE_Q20 = 1 << 20
ONE_Q30 = 1 << 30
RATIO_LIMIT = 1 << 24
EPS_LIMIT = 1 << 40
SUM_LIMIT = (1 << 31) - 1
STEP_LIMIT = 1 << 38


# ---- section 1: integer helpers
def bit_length(x):
    assert x >= 0
    return x.bit_length()


def shift_round(x, s):
    if s <= 0:
        return x << -s
    c = min(s, 62)
    return (x + (1 << (c - 1))) >> c


def shift_floor(x, s):
    return x << -s if s <= 0 else x >> min(s, 63)


def shift_clamp(x, k, limit):
    if k <= 0:
        r = shift_round(x, -k)
    else:
        r = x * (1 << k) if k < 62 else (0 if x == 0 else (limit if x > 0 else -limit))
    return max(-limit, min(limit, r))


def sqrt_round(x):
    assert 0 <= x < 1 << 62, x
    r = math.isqrt(x)
    return r + 1 if x - r * r > r else r


def pow_floor(x, k, frac):
    """x^k in Q0.frac: binary exponentiation from the lowest bit of k, every product floored."""
    r = 1 << frac
    while k > 0:
        if k & 1:
            r = (r * x) >> frac
        k >>= 1
        if k > 0:
            x = (x * x) >> frac
    return r


# ---- section 4: random numbers
def splitmix64(seed):
    z = (seed + 0x9E3779B97F4A7C15) & MASK64
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK64
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK64
    z ^= z >> 31
    return z if z != 0 else 0x9E3779B97F4A7C15


class Rng:
    def __init__(self, state):
        self.x = state

    def draw(self):
        x = self.x
        x ^= x >> 12
        x ^= (x << 25) & MASK64
        x ^= x >> 27
        self.x = x
        return ((x * 0x2545F4914F6CDD1D) & MASK64) >> 32


# ---- section 3: codes
class Code:
    def __init__(self, e, m, signed):
        self.e, self.m, self.signed = e, m, signed
        self.top = m + (1 << e) - 2 if signed else m + (1 << e) - 1
        emax = (1 << e) - 1
        mant = (2 << m) - 1
        self.max_mag = mant << (emax - 1) if signed else mant << emax
        self.min_mag = 0 if signed else 1 << m

    def decode(self, c):
        f = c & ((1 << self.m) - 1)
        e = (c >> self.m) & ((1 << self.e) - 1)
        if not self.signed:
            return ((1 << self.m) + f) << e
        mag = f if e == 0 else ((1 << self.m) + f) << (e - 1)
        return -mag if (c >> (self.e + self.m)) & 1 else mag

    def encode(self, negative, mag):
        """The code of a magnitude on the grid, looked up in the inverse of decode (independent
        of any closed-form encoder)."""
        if not hasattr(self, "inverse"):
            self.inverse = {}
            for c in range(1 << (self.e + self.m)):
                self.inverse.setdefault(self.decode(c), c)
        c = self.inverse[mag]
        return c | (1 << (self.e + self.m)) if negative and mag != 0 and self.signed else c

    def round_stochastic(self, x, shift, u):
        a = abs(x)
        if shift < 0 and bit_length(a) - shift > 62:
            mag = self.max_mag
        else:
            t = shift_floor(a, shift)
            k = max(0, bit_length(t) - (self.m + 1))
            d = shift + k
            if d <= 0:
                steps = a << -d
            elif d > 62:
                steps = 0
            else:
                U = u >> (32 - d) if d <= 32 else u << (d - 32)
                steps = (a + U) >> d
            mag = steps << k
        mag = min(mag, self.max_mag)
        if not self.signed:
            mag = max(mag, self.min_mag)
        return self.encode(x < 0, mag)


CODES = {8: (Code(4, 3, True), Code(4, 4, False)), 4: (Code(3, 0, True), Code(3, 1, False))}


# ---- sections 5 and 10: one step
class State:
    def __init__(self, cfg, n, seed):
        self.cfg, self.n = cfg, n
        blocks = (n + cfg["blockSize"] - 1) // cfg["blockSize"]
        self.mcodes, self.rcodes = [0] * n, [0] * n
        self.mscales, self.rscales = [-128] * blocks, [-128] * blocks
        self.step, self.p1, self.p2 = 0, ONE_Q30, ONE_Q30
        self.rng = Rng(splitmix64(seed))
        self.last = [0] * blocks  # catch-up: the step count after the block last stepped


def clamp_scale(s):
    return max(-128, min(127, s))


def step(st, grad, grad_exp, master, weights):
    cfg = st.cfg
    b1, b2, lr = cfg["beta1Q20"], cfg["beta2Q20"], cfg["lrQ16"]
    block, schedule = cfg["blockSize"], cfg.get("schedule", "dense")
    mcode, rcode = CODES[cfg["stateBits"]]
    wmin = -(1 << (cfg["weightBits"] - 1)) << cfg["masterFracBits"]
    wmax = ((1 << (cfg["weightBits"] - 1)) - 1) << cfg["masterFracBits"]
    frac = cfg["masterFracBits"]
    p1_old, p2_old = st.p1, st.p2
    st.p1 = (st.p1 * b1) >> 20
    st.p2 = (st.p2 * b2) >> 20
    st.step += 1
    t = st.step
    s2 = sqrt_round((ONE_Q30 - st.p2) << 30)
    F = (lr * s2) // (ONE_Q30 - st.p1)
    assert F < 1 << 31
    if schedule == "catchup" and t > 1:
        s2_prev = sqrt_round((ONE_Q30 - p2_old) << 30)
        f_prev = (lr * s2_prev) // (ONE_Q30 - p1_old)
        r_q30 = (b1 << 30) // sqrt_round(b2 << 20)
        assert r_q30 < ONE_Q30
    for b in range((st.n + block - 1) // block):
        lo, hi = b * block, min(b * block + block, st.n)
        if schedule != "dense" and all(grad[i] == 0 for i in range(lo, hi)):
            continue
        sm, sr = st.mscales[b], st.rscales[b]
        k = 0
        if schedule == "catchup":
            k = t - 1 - st.last[b]
            st.last[b] = t
        if k > 0:
            d1, d2 = pow_floor(b1, k, 20), pow_floor(b2, k, 20)
            rk = pow_floor(r_q30, k, 30)
            s_k = min(((r_q30 - ((r_q30 * rk) >> 30)) << 20) // (ONE_Q30 - r_q30), SUM_LIMIT)
            fs = min((f_prev * s_k) >> 20, STEP_LIMIT)
            eps_prev = shift_clamp(s2_prev, cfg["epsExp"] - sr - 22, EPS_LIMIT)
            for i in range(lo, hi):  # pass 0: the skipped momentum moves, from the stored codes
                dm, dr = mcode.decode(st.mcodes[i]), rcode.decode(st.rcodes[i])
                den = (dr << 8) + eps_prev
                q = (abs(dm) << 32) // den
                ratio = shift_clamp(q if dm >= 0 else -q, sm - sr - 8, RATIO_LIMIT)
                prod = fs * ratio
                assert abs(prod) <= 1 << 62
                move = (prod + st.rng.draw()) >> 32
                master[i] = max(wmin, min(wmax, master[i] - move))
        else:
            d1 = d2 = None
        # pass 1
        dm = [mcode.decode(st.mcodes[i]) for i in range(lo, hi)]
        dr = [rcode.decode(st.rcodes[i]) for i in range(lo, hi)]
        if d1 is not None:
            dm = [x * d1 for x in dm]
            m_exp = sm - 20
            v_old = [x * x * d2 for x in dr]
            v_exp = 2 * sr - 20
        else:
            m_exp = sm
            v_old = [x * x for x in dr]
            v_exp = 2 * sr
        g = grad[lo:hi]
        max_dm, max_g, max_v = max(abs(x) for x in dm), max(abs(x) for x in g), max(v_old)
        assert max_v < 1 << 62
        terms = []
        if max_dm > 0:
            terms.append(m_exp + bit_length(max_dm))
        if max_g > 0:
            terms.append(grad_exp + bit_length(max_g))
        em = max(terms) - 30 if terms else 0
        terms = [v_exp + bit_length(max_v)] if max_v > 0 else []
        if max_g > 0:
            terms.append(2 * grad_exp + bit_length(max_g * max_g))
        ev = max(terms) - 40
        if ev % 2:
            ev += 1
        er = ev // 2
        # pass 2
        M, R = [], []
        for j in range(hi - lo):
            m_old = shift_round(dm[j], em - m_exp)
            gw = shift_round(g[j], em - grad_exp)
            assert abs(m_old) <= 1 << 30 and abs(gw) <= 1 << 30
            M.append(shift_round(b1 * m_old + (ONE_Q20 - b1) * gw, 20))
            vo = shift_round(v_old[j], ev - v_exp)
            g2 = shift_round(g[j] * g[j], ev - 2 * grad_exp)
            assert vo <= 1 << 40 and g2 <= 1 << 40
            R.append(sqrt_round(shift_round(b2 * vo + (ONE_Q20 - b2) * g2, 20)))
        max_m, max_r = max(abs(x) for x in M), max(R)
        sm2 = -128 if max_m == 0 else clamp_scale(em + bit_length(max_m) - mcode.top)
        sr2 = -128 if max_r == 0 else clamp_scale(er + bit_length(max_r) - rcode.top)
        st.mscales[b], st.rscales[b] = sm2, sr2
        eps_term = shift_clamp(s2, cfg["epsExp"] - sr2 - 22, EPS_LIMIT)
        # pass 3
        for j in range(hi - lo):
            i = lo + j
            cm = mcode.round_stochastic(M[j], sm2 - em, st.rng.draw())
            cr = rcode.round_stochastic(R[j], sr2 - er, st.rng.draw())
            st.mcodes[i], st.rcodes[i] = cm, cr
            dmv = mcode.decode(cm)
            den = (rcode.decode(cr) << 8) + eps_term
            assert den > 0
            q = (abs(dmv) << 32) // den
            ratio = shift_clamp(q if dmv >= 0 else -q, sm2 - sr2 - 8, RATIO_LIMIT)
            delta = (F * ratio + st.rng.draw()) >> 32
            master[i] = max(wmin, min(wmax, master[i] - delta))
            weights[i] = shift_round(master[i], frac)


def replay(path):
    """Runs a committed vector; returns the first mismatch, or None."""
    v = json.load(open(path))
    cfg, n = v["config"], v["length"]
    st = State(cfg, n, v["seed"])
    if "0x%016x" % st.rng.x != v["rngInit"]:
        return "rngInit"
    master, weights = list(v["master"]), [0] * n
    for t, s in enumerate(v["steps"]):
        step(st, s["grad"], s["gradExp"], master, weights)
        e = s["expect"]
        got = {"step": st.step, "beta1Pow": st.p1, "beta2Pow": st.p2,
               "rngState": "0x%016x" % st.rng.x, "mCodes": st.mcodes, "mScales": st.mscales,
               "rCodes": st.rcodes, "rScales": st.rscales, "master": master, "weights": weights}
        if "blockSteps" in e:
            got["blockSteps"] = st.last
        for key, value in got.items():
            if e.get(key) != value:
                return "step %d %s" % (t + 1, key)
    return None


# ---- the catch-up vectors
BASE = {"beta1Q20": 943718, "beta2Q20": 1047527, "epsExp": -27, "weightBits": 8,
        "masterFracBits": 8, "schedule": "catchup"}


def gradients_regions(rnd, n, t, block):
    """Regions that fall silent for a few to many steps (gaps of 1..40 steps), sparse elements."""
    g = []
    for i in range(n):
        region = i // (2 * block)
        period = 2 + 7 * (region % 6)  # a region is active one step in `period`
        active = (t + region) % period == 0 or (region % 6 == 0 and t < 3)
        g.append(rnd.randint(-32767, 32767) if active and rnd.random() < 0.4 else 0)
    return g, -16 + rnd.randint(0, 2)


def gradients_bursts(rnd, n, t, block):
    """Bursts then long silences (beta powers and b^k reach 0), big and tiny magnitudes."""
    g = []
    for i in range(n):
        burst = (t // 10) % 3 == i % 3 and t % 10 < 3
        mag = 32767 if rnd.random() < 0.5 else rnd.randint(0, 5)
        g.append((mag if rnd.random() < 0.5 else -mag) if burst else 0)
    return g, -14 + (t % 4)


SPECS = [
    ("qadam8-block16-n300-catchup", "catch-up schedule: regions silent for 1..40 steps catch up "
     "the skipped decay and momentum moves when their gradient returns",
     dict(BASE, stateBits=8, blockSize=16, lrQ16=24 << 16), 300, 60, gradients_regions),
    ("qadam4-block64-n200-catchup", "catch-up, 4-bit packed codes, a partial last block",
     dict(BASE, stateBits=4, blockSize=64, lrQ16=24 << 16), 200, 50, gradients_regions),
    ("qadam8-block4-n30-catchup-long-gaps", "catch-up with beta1 0.5, beta2 0.75 (r = 0.577) and "
     "lr 256 LSB: gaps of 17-27 steps decay m and v to 0, beta powers saturate, masters saturate",
     dict(BASE, stateBits=8, blockSize=4, beta1Q20=524288, beta2Q20=786432, lrQ16=256 << 16,
          epsExp=-10), 30, 90, gradients_bursts),
]


def write(name, description, cfg, n, steps, grads, seed):
    rnd = random.Random(seed)
    wmin = -(1 << (cfg["weightBits"] - 1)) << cfg["masterFracBits"]
    wmax = ((1 << (cfg["weightBits"] - 1)) - 1) << cfg["masterFracBits"]
    master = [int(rnd.randint(wmin, wmax) / 4) for _ in range(n)]
    st = State(cfg, n, seed)
    keys = ["stateBits", "blockSize", "beta1Q20", "beta2Q20", "lrQ16", "epsExp", "weightBits",
            "masterFracBits", "schedule"]
    lines = ['{', '  "format": "spikeloop-qadam-vector/1",', '  "name": "%s",' % name,
             '  "description": "%s",' % description,
             '  "generator": "make_qadam_catchup_vectors.py seed %d",' % seed,
             '  "config": {%s},' % ", ".join('"%s": %s' % (k, json.dumps(cfg[k])) for k in keys),
             '  "length": %d,' % n, '  "seed": %d,' % seed,
             '  "rngInit": "0x%016x",' % st.rng.x, '  "master": %s,' % json.dumps(master),
             '  "steps": [']
    weights = [0] * n
    skipped = 0
    for t in range(steps):
        g, ge = grads(rnd, n, t, cfg["blockSize"])
        before = list(st.last)
        step(st, g, ge, master, weights)
        skipped += sum(1 for b in range(len(before))
                       if st.last[b] == st.step and before[b] < st.step - 1)
        lines.append('    {"gradExp": %d, "grad": %s,' % (ge, json.dumps(g)))
        lines.append('     "expect": {"step": %d, "beta1Pow": %d, "beta2Pow": %d, '
                     '"rngState": "0x%016x",' % (st.step, st.p1, st.p2, st.rng.x))
        for key, value in (("mCodes", st.mcodes), ("mScales", st.mscales),
                           ("rCodes", st.rcodes), ("rScales", st.rscales),
                           ("master", master), ("weights", weights)):
            lines.append('       "%s": %s,' % (key, json.dumps(value)))
        lines.append('       "blockSteps": %s}}%s' % (json.dumps(st.last),
                                                     "," if t + 1 < steps else ""))
    lines += ['  ]', '}', '']
    with open(os.path.join(FOLDER, name + ".json"), "w") as f:
        f.write("\n".join(lines))
    print("wrote %s.json (%d block visits caught up skipped updates)" % (name, skipped))


def main():
    committed = sorted(p for p in os.listdir(FOLDER)
                       if p.endswith(".json") and "catchup" not in p)
    for p in committed:
        bad = replay(os.path.join(FOLDER, p))
        if bad:
            sys.exit("the reference does not reproduce %s (%s): fix it before writing" % (p, bad))
        print("reproduces %s" % p)
    for k, (name, description, cfg, n, steps, grads) in enumerate(SPECS):
        write(name, description, cfg, n, steps, grads, 20261204 + k)
        assert replay(os.path.join(FOLDER, name + ".json")) is None


if __name__ == "__main__":
    main()
