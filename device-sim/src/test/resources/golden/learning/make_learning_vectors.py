#!/usr/bin/env python3
"""Independent integer reference of SL-1's on-chip learning engine with one hidden layer: the
forward pass (docs/core-spec.md section 2), the tBPTT1 step (section 9) and the e-prop step
(docs/learning-engine.md section 11), written from the documents for the tests, and the
generator of the golden learning vectors (format spikeloop-learning-vector/1) in this folder.

The quantized Adam step is the independent Python reference of docs/learning-engine.md beside
the qadam vectors (../qadam/make_qadam_catchup_vectors.py); before writing anything this script
replays the committed Java qadam vectors through it and stops unless each matches bit for bit.
Python integers are unbounded, so every width the documents state is asserted.

Run from anywhere:
    python3 device-sim/src/test/resources/golden/learning/make_learning_vectors.py
Same seeds, same files.
"""
import importlib.util
import json
import math
import os
import random
import sys

FOLDER = os.path.dirname(os.path.abspath(__file__))
QADAM_FOLDER = os.path.join(FOLDER, "..", "qadam")
_spec = importlib.util.spec_from_file_location(
    "qadam_reference", os.path.join(QADAM_FOLDER, "make_qadam_catchup_vectors.py"))
qadam = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(qadam)

FORMAT = "spikeloop-learning-vector/1"
ONE_Q15 = 1 << 15
LOG2E_Q12 = 5909
EXP2_Q15 = [int(math.floor(32768 * 2.0 ** (-i / 256.0) + 0.5)) for i in range(256)]
MAX_GRADIENT = 32767
TRACE_ONE = 1 << 14          # a presynaptic / output trace adds 2^14 per spike
TRACE_MAX = 1 << 30          # and saturates here


# ---- core-spec section 1
def rshift_round(x, s):
    return (x + (1 << (s - 1))) >> s if s > 0 else x << (-s)


def sat(x, bits):
    lo, hi = -(1 << (bits - 1)), (1 << (bits - 1)) - 1
    return max(lo, min(hi, x))


def decay(v, a):
    return rshift_round(v * a, 12)


def scale(acc, e):
    return acc << e if e >= 0 else rshift_round(acc, -e)


def bit_length(x):
    assert x >= 0
    return x.bit_length()


def clamp_gradient(x):
    return max(-MAX_GRADIENT, min(MAX_GRADIENT, x))


# ---- the network: one hidden LIF layer and the output layer
class Core:
    def __init__(self, cfg, weights):
        self.cfg = cfg
        self.layer = cfg["layers"][0]
        self.out = cfg["output"]
        self.n, self.m, self.k = self.layer["size"], cfg["inputs"], self.out["size"]
        self.w = {name: [row[:] if isinstance(row, list) else row for row in value]
                  for name, value in weights.items()}
        self.reset()

    def reset(self):
        self.u = [0] * self.n
        self.z_prev = [0] * self.n
        self.o = [0] * self.k

    def step(self, x):
        """One forward step on input ids x; returns this step's spikes (0/1 per neuron)."""
        ly, out = self.layer, self.out
        z = [0] * self.n
        for j in range(self.n):
            acc = sum(self.w["layer0.in"][j][i] for i in x)
            if ly["recurrent"]:
                acc += sum(self.w["layer0.rec"][j][i] for i in range(self.n) if self.z_prev[i])
            assert abs(acc) < 1 << 31
            current = scale(acc, ly["wExp"]) + self.w["layer0.bias"][j]
            v = self.u[j] - (ly["theta"] if self.z_prev[j] else 0)
            self.u[j] = sat(decay(v, ly["alpha"]) + current, ly["uBits"])
            z[j] = 1 if self.u[j] >= ly["theta"] else 0
        for q in range(self.k):
            acc = sum(self.w["out.w"][q][j] for j in range(self.n) if z[j])
            self.o[q] = sat(decay(self.o[q], out["kappa"]) + scale(acc, out["wExp"])
                            + self.w["out.bias"][q], out["oBits"])
        self.z_prev = z
        return z


TENSORS = ["layer0.in", "layer0.rec", "layer0.bias", "out.w", "out.bias"]


class Learned:
    def __init__(self, name, rows, cols, shift, bits, adam_cfg, seed, core_values):
        self.name, self.rows, self.cols, self.shift = name, rows, cols, shift
        self.bits = bits
        self.state = qadam.State(adam_cfg, rows * cols, seed)
        frac = adam_cfg["masterFracBits"]
        lo, hi = -(1 << (bits - 1)), (1 << (bits - 1)) - 1
        self.weights = [max(lo, min(hi, qadam.shift_round(v, shift))) for v in core_values]
        self.master = [v << frac for v in self.weights]
        self.ebar = [0] * (rows * cols)   # e-prop eligibility traces (hidden-layer tensors)


class Engine:
    """core-spec 9 (tBPTT1) and learning-engine 11 (e-prop), dense Adam."""

    def __init__(self, core, lc):
        self.core, self.lc = core, lc
        ly, out = core.layer, core.out
        self.rule = lc["rule"]
        self.checks = {}
        self.learned = []
        names = [t for t in TENSORS if t != "layer0.rec" or ly["recurrent"]]
        for index, name in enumerate(names):
            if name not in lc["learningRates"]:
                continue
            rows, cols = {"layer0.in": (core.n, core.m), "layer0.rec": (core.n, core.n),
                          "layer0.bias": (core.n, 1), "out.w": (core.k, core.n),
                          "out.bias": (core.k, 1)}[name]
            shift, bits = 0, (ly["wBits"] if name.startswith("layer0") else out["wBits"])
            if name == "layer0.bias":
                shift = max(0, bit_length(ly["theta"]) - 12)
                bits = min(16, ly["uBits"] - shift)
            elif name == "out.bias":
                shift = max(0, lc["outputFracBits"] - 11)
                bits = min(16, out["oBits"] - shift)
            assert bits >= 2
            adam_cfg = {"stateBits": lc["stateBits"], "blockSize": lc["blockSize"],
                        "beta1Q20": lc["beta1Q20"], "beta2Q20": lc["beta2Q20"],
                        "lrQ16": lc["learningRates"][name], "epsExp": lc["epsExp"],
                        "weightBits": bits, "masterFracBits": lc["masterFracBits"],
                        "schedule": "dense"}
            values = self.core_flat(name)
            self.learned.append(Learned(name, rows, cols, shift, bits, adam_cfg,
                                        lc["seed"] + index, values))
        self.reset_traces()

    def core_flat(self, name):
        v = self.core.w[name]
        return [x for row in v for x in row] if isinstance(v[0], list) else list(v)

    def write_core(self, l):
        values = [w << l.shift for w in l.weights]
        if l.cols == 1 and l.name.endswith("bias"):
            self.core.w[l.name] = values
        else:
            self.core.w[l.name] = [values[r * l.cols:(r + 1) * l.cols] for r in range(l.rows)]

    def reset_traces(self):
        core = self.core
        self.x_trace = [0] * core.m
        self.z_trace = [0] * core.n
        self.b_trace = 0
        self.out_trace = [0] * core.n
        self.out_b_trace = 0
        for l in self.learned:
            l.ebar = [0] * (l.rows * l.cols)
            l.febar = [0.0] * (l.rows * l.cols)
        # float64 shadow of the traces (FloatCheck): e-prop's float rule on the same spikes
        self.fx, self.fz, self.fb = [0.0] * core.m, [0.0] * core.n, 0.0
        self.fzo, self.fbo = [0.0] * core.n, 0.0

    # section 9.1
    def output_error(self, label):
        o, f = self.core.o, self.lc["outputFracBits"]
        mx = max(o)
        p = []
        for ok in o:
            t = rshift_round((mx - ok) * LOG2E_Q12, f + 4)
            whole = t >> 8
            p.append(0 if whole >= 16 else rshift_round(EXP2_Q15[t & 255], whole))
        s = sum(p)
        assert s >= ONE_Q15
        return [clamp_gradient((pk * ONE_Q15 + s // 2) // s - (ONE_Q15 if k == label else 0))
                for k, pk in enumerate(p)]

    def surrogate(self, j):
        lc, ly = self.lc, self.core.layer
        h = lc["surrogateShift"]
        half = 1 << (h - 1) if h > 0 else 0
        index = (abs(self.core.u[j] - ly["theta"]) + half) >> h
        table = lc["surrogateTable"]
        return table[index] if index < len(table) else 0

    def signal(self, e, w_out):
        return [sum(w_out[k][j] * e[k] for k in range(self.core.k)) for j in range(self.core.n)]

    def float_check(self, l, grad, grad_exp, reference):
        """Cosine and norm ratio of the integer gradient G 2^gradExp against the float one."""
        got = [g * 2.0 ** grad_exp for g in grad]
        dot = sum(a * b for a, b in zip(got, reference))
        na = math.sqrt(sum(a * a for a in got))
        nb = math.sqrt(sum(b * b for b in reference))
        if nb > 0 and na > 0:
            self.checks.setdefault(l.name, []).append((dot / (na * nb), na / nb))

    def adam(self, l, grad, grad_exp):
        assert all(abs(g) <= MAX_GRADIENT for g in grad)
        qadam.step(l.state, grad, grad_exp, l.master, l.weights)
        self.write_core(l)

    def learn(self, x, z, z_prev, label):
        e = self.output_error(label)
        w_out = [row[:] for row in self.core.w["out.w"]]      # before this step's update
        if self.rule == "eprop":
            self.learn_eprop(x, z, z_prev, e, w_out)
        else:
            self.learn_tbptt1(x, z, z_prev, e, w_out)

    # section 9.2-9.3
    def learn_tbptt1(self, x, z, z_prev, e, w_out):
        core, ly, out = self.core, self.core.layer, self.core.out
        b = self.signal(e, w_out)
        delta = [b[j] * self.surrogate(j) for j in range(core.n)]
        assert all(abs(d) < 1 << 53 for d in delta)
        s = max(0, bit_length(max(abs(d) for d in delta)) - 15)
        dq = [clamp_gradient(qadam.shift_round(d, s)) for d in delta]
        hidden_exp = out["wExp"] - self.lc["outputFracBits"] - 29 + s
        for l in self.learned:
            if l.name == "out.w":
                grad = [e[k] if z[j] else 0 for k in range(core.k) for j in range(core.n)]
                self.adam(l, grad, -15)
            elif l.name == "out.bias":
                self.adam(l, list(e), -15)
            elif l.name == "layer0.in":
                grad = [dq[j] if i in x else 0 for j in range(core.n) for i in range(core.m)]
                self.adam(l, grad, hidden_exp)
            elif l.name == "layer0.rec":
                grad = [dq[j] if z_prev[i] else 0 for j in range(core.n) for i in range(core.n)]
                self.adam(l, grad, hidden_exp)
            else:
                self.adam(l, dq, hidden_exp)

    # learning-engine section 11
    def learn_eprop(self, x, z, z_prev, e, w_out):
        core, ly, out, lc = self.core, self.core.layer, self.core.out, self.lc
        alpha, kappa, shift = ly["alpha"], out["kappa"], lc["traceShift"]
        signal = self.signal(e, w_out)
        assert all(abs(v) < 1 << 38 for v in signal)
        psi = [self.surrogate(j) for j in range(core.n)]
        spikes_in = set(x)
        self.x_trace = [min(TRACE_MAX, decay(p, alpha) + (TRACE_ONE if i in spikes_in else 0))
                        for i, p in enumerate(self.x_trace)]
        if ly["recurrent"]:
            self.z_trace = [min(TRACE_MAX, decay(p, alpha) + (TRACE_ONE if z_prev[i] else 0))
                            for i, p in enumerate(self.z_trace)]
        self.b_trace = min(TRACE_MAX, decay(self.b_trace, alpha) + TRACE_ONE)
        self.out_trace = [min(TRACE_MAX, decay(p, kappa) + (TRACE_ONE if z[j] else 0))
                          for j, p in enumerate(self.out_trace)]
        self.out_b_trace = min(TRACE_MAX, decay(self.out_b_trace, kappa) + TRACE_ONE)
        a, kp = alpha / 4096.0, kappa / 4096.0
        self.fx = [a * v + (1.0 if i in spikes_in else 0.0) for i, v in enumerate(self.fx)]
        if ly["recurrent"]:
            self.fz = [a * v + z_prev[i] for i, v in enumerate(self.fz)]
        self.fb = a * self.fb + 1.0
        self.fzo = [kp * v + z[j] for j, v in enumerate(self.fzo)]
        self.fbo = kp * self.fbo + 1.0
        w_scale = 2.0 ** (out["wExp"] - lc["outputFracBits"])
        f_signal = [sum(w_out[k][j] * w_scale * e[k] / 32768.0 for k in range(core.k))
                    for j in range(core.n)]
        f_psi = [p / 16384.0 for p in psi]
        signal_exp = out["wExp"] - lc["outputFracBits"] - 15
        trace_exp = shift - 28
        for l in self.learned:
            if l.name in ("out.w", "out.bias"):
                trace = self.out_trace if l.name == "out.w" else [self.out_b_trace]
                raw = [e[k] * trace[j] for k in range(core.k) for j in range(len(trace))]
                assert all(abs(r) < 1 << 46 for r in raw)
                s = max(0, bit_length(max(abs(r) for r in raw)) - 15)
                grad = [clamp_gradient(qadam.shift_round(r, s)) for r in raw]
                f_trace = self.fzo if l.name == "out.w" else [self.fbo]
                self.float_check(l, grad, -29 + s, [e[k] / 32768.0 * f_trace[j]
                                                    for k in range(core.k)
                                                    for j in range(len(f_trace))])
                self.adam(l, grad, -29 + s)
                continue
            pre = {"layer0.in": self.x_trace, "layer0.rec": self.z_trace,
                   "layer0.bias": [self.b_trace]}[l.name]
            f_pre = {"layer0.in": self.fx, "layer0.rec": self.fz, "layer0.bias": [self.fb]}[l.name]
            raw = []
            for j in range(core.n):
                for i in range(l.cols):
                    at = j * l.cols + i
                    product = psi[j] * pre[i]
                    assert abs(product) < 1 << 46
                    v = decay(l.ebar[at], kappa) + rshift_round(product, shift)
                    l.ebar[at] = max(-32768, min(32767, v))
                    raw.append(signal[j] * l.ebar[at])
                    l.febar[at] = kp * l.febar[at] + f_psi[j] * f_pre[i]
            assert all(abs(r) < 1 << 53 for r in raw)
            s = max(0, bit_length(max(abs(r) for r in raw)) - 15)
            grad = [clamp_gradient(qadam.shift_round(r, s)) for r in raw]
            self.float_check(l, grad, signal_exp + trace_exp + s,
                             [f_signal[j] * l.febar[j * l.cols + i] for j in range(core.n)
                              for i in range(l.cols)])
            self.adam(l, grad, signal_exp + trace_exp + s)


# ---- vectors
def random_network(rnd, spec):
    m, n, k = spec["inputs"], spec["hidden"], spec["outputs"]
    layer = {"kind": "lif", "size": n, "recurrent": spec["recurrent"], "wBits": spec["wBits"],
             "wExp": spec["wExp"], "uBits": spec["uBits"], "theta": spec["theta"],
             "alpha": spec["alpha"], "inputs": m}
    out = {"size": k, "wBits": spec["outWBits"], "wExp": spec["outWExp"], "oBits": spec["oBits"],
           "kappa": spec["kappa"]}
    cfg = {"inputs": m, "layers": [layer], "output": out}
    wmax = (1 << (spec["wBits"] - 1)) - 1
    span = max(1, wmax // 2)
    weights = {"layer0.in": [[rnd.randint(-span // 2, span) for _ in range(m)] for _ in range(n)]}
    if spec["recurrent"]:
        weights["layer0.rec"] = [[rnd.randint(-span, span // 2) for _ in range(n)]
                                 for _ in range(n)]
    weights["layer0.bias"] = [rnd.randint(-spec["theta"] // 8, spec["theta"] // 8)
                              for _ in range(n)]
    omax = (1 << (spec["outWBits"] - 1)) - 1
    weights["out.w"] = [[rnd.randint(-omax // 2, omax // 2) for _ in range(n)] for _ in range(k)]
    weights["out.bias"] = [rnd.randint(-64, 64) for _ in range(k)]
    return cfg, weights


def surrogate_table(entries, peak):
    """A double-Gaussian-like table, int16, as the host fills it (values only need be int16)."""
    table = []
    for i in range(entries):
        x = i / 16.0
        g = 1.15 * math.exp(-x * x / 0.5) - 0.15 * math.exp(-(x - 0.5) ** 2 / 18.0) \
            - 0.15 * math.exp(-(x + 0.5) ** 2 / 18.0)
        table.append(int(round(peak * g)))
    return table


def generate(spec):
    rnd = random.Random(spec["seed"])
    cfg, weights = random_network(rnd, spec)
    lc = dict(spec["learning"])
    lc["surrogateTable"] = surrogate_table(lc.pop("tableEntries"), lc.pop("tablePeak"))
    core = Core(cfg, weights)
    engine = Engine(core, lc)
    steps, expect = [], []
    rate = spec["inputRate"]
    for t in range(spec["steps"]):
        reset = t > 0 and t % spec["sampleSteps"] == 0
        if reset:
            core.reset()
            engine.reset_traces()
        x = sorted(i for i in range(core.m) if rnd.random() < rate)
        label = (t // spec["sampleSteps"]) % core.k
        if rnd.random() < spec.get("unlabelled", 0.0):
            label = -1
        z_prev = core.z_prev[:]
        z = core.step(x)
        if label >= 0:
            engine.learn(x, z, z_prev, label)
        step = {"in": x, "label": label}
        if reset:
            step["reset"] = True
        steps.append(step)
        expect.append({"spikes": [j for j in range(core.n) if z[j]], "u": core.u[:],
                       "o": core.o[:],
                       "weights": {l.name: [w << l.shift for w in l.weights]
                                   for l in engine.learned}})
    learning = dict(lc)
    generate.checks = engine.checks
    return {"format": FORMAT, "name": spec["name"], "description": spec["description"],
            "generator": "make_learning_vectors.py (independent integer reference)",
            "config": cfg, "weights": weights, "learning": learning, "steps": steps,
            "expect": expect}


BASE_LEARNING = {"stateBits": 8, "blockSize": 16, "beta1Q20": 943718, "beta2Q20": 1047527,
                 "epsExp": -27, "masterFracBits": 8, "seed": 20261204, "outputFracBits": 8,
                 "surrogateShift": 6, "tableEntries": 128, "tablePeak": 7000}

SPECS = [
    {"name": "eprop-ff-8bit", "seed": 1,
     "description": "e-prop, feed-forward 24-12-5, 8-bit Adam state, block 16, every tensor "
                    "learns; alpha 0.85, kappa 0.8; four samples of 15 steps (reset between: "
                    "traces restart), one in ten steps unlabelled (forward only, traces hold)",
     "inputs": 24, "hidden": 12, "outputs": 5, "recurrent": False, "wBits": 8, "wExp": 5,
     "uBits": 16, "theta": 1024, "alpha": 3482, "outWBits": 8, "outWExp": 2, "oBits": 20,
     "kappa": 3277, "steps": 60, "sampleSteps": 15, "inputRate": 0.25, "unlabelled": 0.1,
     "learning": dict(BASE_LEARNING, rule="eprop", traceShift=18,
                      learningRates={"layer0.in": 65536 * 16, "layer0.bias": 65536 * 16,
                                     "out.w": 65536 * 8, "out.bias": 65536 * 8})},
    {"name": "eprop-rsnn-4bit", "seed": 2,
     "description": "e-prop, recurrent 16-10-4, 4-bit Adam state, block 8, layer0.bias and "
                    "out.bias do not learn; theta 2^13 (bias shift path unused), alpha 0.95, "
                    "kappa 0.9: longer traces; three samples of 20 steps",
     "inputs": 16, "hidden": 10, "outputs": 4, "recurrent": True, "wBits": 6, "wExp": 9,
     "uBits": 18, "theta": 8192, "alpha": 3891, "outWBits": 8, "outWExp": 3, "oBits": 24,
     "kappa": 3686, "steps": 60, "sampleSteps": 20, "inputRate": 0.3,
     "learning": dict(BASE_LEARNING, rule="eprop", traceShift=21, stateBits=4, blockSize=8,
                      surrogateShift=9, learningRates={"layer0.in": 65536 * 32,
                                                       "layer0.rec": 65536 * 32,
                                                       "out.w": 65536 * 16})},
    {"name": "eprop-saturation", "seed": 3, "floatCheck": False,
     "description": "e-prop at the edges: no leak (alpha = kappa = 4096), trace shift 6 so the "
                    "int16 eligibility traces saturate, theta 2^14 (hidden bias shift 3), output "
                    "fraction 14 (output bias shift 3), lr 256 master LSBs (masters saturate), "
                    "recurrent 10-8-3, one sample of 40 steps",
     "inputs": 10, "hidden": 8, "outputs": 3, "recurrent": True, "wBits": 4, "wExp": 11,
     "uBits": 20, "theta": 16384, "alpha": 4096, "outWBits": 6, "outWExp": 8, "oBits": 24,
     "kappa": 4096, "steps": 40, "sampleSteps": 40, "inputRate": 0.35,
     "learning": dict(BASE_LEARNING, rule="eprop", traceShift=6, outputFracBits=14,
                      surrogateShift=10, blockSize=4, masterFracBits=6,
                      learningRates={"layer0.in": 1 << 24, "layer0.rec": 1 << 24,
                                     "layer0.bias": 1 << 24, "out.w": 1 << 24,
                                     "out.bias": 1 << 24})},
    {"name": "tbptt1-rsnn-8bit", "seed": 4,
     "description": "the default rule (tBPTT1, core-spec section 9) on the same reference: "
                    "recurrent 20-10-4, 8-bit state, block 16, every tensor learns, two samples "
                    "of 20 steps",
     "inputs": 20, "hidden": 10, "outputs": 4, "recurrent": True, "wBits": 8, "wExp": 4,
     "uBits": 16, "theta": 1024, "alpha": 3482, "outWBits": 8, "outWExp": 2, "oBits": 20,
     "kappa": 3277, "steps": 40, "sampleSteps": 20, "inputRate": 0.25,
     "learning": dict(BASE_LEARNING, rule="tbptt1", traceShift=0,
                      learningRates={"layer0.in": 65536 * 16, "layer0.rec": 65536 * 16,
                                     "layer0.bias": 65536 * 16, "out.w": 65536 * 8,
                                     "out.bias": 65536 * 8})},
]


def main():
    replayed = 0
    for name in sorted(os.listdir(QADAM_FOLDER)):
        if name.endswith(".json"):
            bad = qadam.replay(os.path.join(QADAM_FOLDER, name))
            if bad is not None:
                sys.exit("the quantized Adam reference does not reproduce %s (%s)" % (name, bad))
            replayed += 1
    print("quantized Adam reference: %d committed qadam vectors reproduced" % replayed)
    for spec in SPECS:
        v = generate(spec)
        path = os.path.join(FOLDER, spec["name"] + ".json")
        with open(path, "w") as f:
            json.dump(v, f, separators=(",", ":"))
            f.write("\n")
        learned_changes = sum(1 for a, b in zip(v["expect"], v["expect"][1:])
                              if a["weights"] != b["weights"])
        print("wrote %s: %d steps, %d with weight changes, %d spikes" % (
            path, len(v["steps"]), learned_changes, sum(len(e["spikes"]) for e in v["expect"])))
        for name, pairs in sorted(generate.checks.items()):
            cosines = sorted(c for c, _ in pairs)
            ratios = sorted(r for _, r in pairs)
            median = cosines[len(cosines) // 2]
            print("  %-12s against float e-prop on the same spikes: cosine min %.4f median %.5f, "
                  "norm ratio %.3f..%.3f (%d steps)" % (name, cosines[0], median, ratios[0],
                                                        ratios[-1], len(pairs)))
            if spec.get("floatCheck", True):
                # the integer rule is e-prop: direction and scale of every gradient
                assert median > 0.999 and cosines[0] > 0.95, (spec["name"], name, cosines[0])
                assert 0.9 < ratios[0] and ratios[-1] < 1.1, (spec["name"], name, ratios)


if __name__ == "__main__":
    main()
