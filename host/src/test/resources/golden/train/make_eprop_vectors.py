# Writes the e-prop golden train vectors (train-eprop-*.json) with an independent float64
# reference written for the tests (numpy only, no Java code involved).
#
# e-prop (Bellec et al. 2020) for the spikeloop LIF network without adaptation, one hidden layer,
# one optimizer update per time step (as tBPTT1). Per sample b and step t, with
# psi_j = f'(u_j - theta) the double-Gaussian surrogate derivative:
#   input trace      xbar_i  = alpha xbar_i  + x_i^t           (u^t sees W_in x^t)
#   recurrent trace  zbar_i  = alpha zbar_i  + z_i^{t-1}       (u^t sees W_rec z^{t-1})
#   bias trace       bbar    = alpha bbar    + 1
#   eligibility      e_ji    = psi_j^t * (xbar_i | zbar_i | bbar)   (reset term not propagated,
#                                                                   as Bellec et al. for LIF)
#   readout filter   ebar_ji = kappa ebar_ji + e_ji
#   output traces    zout_j  = kappa zout_j + z_j^t,   bout = kappa bout + 1   (exact: o is linear)
#   error            err_k   = (softmax(o^t)_k - [k == y]) / B
#   learning signal  L_j     = sum_k Bfb_jk err_k,  Bfb = W_out^T (symmetric, the weights before
#                              this step's update) or a fixed random matrix ("feedback.B")
#   gradient         dW_in/rec/b = sum_b L_j ebar_ji,  dW_out_kj = sum_b err_k zout_j,
#                    db_out_k = sum_b err_k bout
# then one Adam (PyTorch's rule, eps after the square root) or SGD step. Every trace starts at 0
# with each training batch, as the network state does.
#
# Before writing anything, the script runs every base vector with the traces truncated to the
# current step (xbar = x^t, zbar = z^{t-1}, bbar = 1, no readout filter): that is tBPTT1 for one
# hidden layer, and it must reproduce the committed tBPTT1 expectations (loss, output, final to
# 1e-10). The forward pass, the surrogate, the optimizers and the layout here are then the ones
# the golden format means.
#
# Format: spikeloop-train-vector/1 with "mode": "eprop", "feedback": {"kind": "symmetric"} or
# {"kind": "random", "B": [N][K]}, and "expect.afterStep": the parameters after every step's
# update (so a trainer can be compared step by step).
# Run: python3 make_eprop_vectors.py   (from this folder; numpy 2)
import json
import math
import os

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))

# (name, base vector, feedback kind, optimizer override)
VECTORS = [
    ("train-eprop-1", "train-tbptt1-1.json", "symmetric",
     {"kind": "adam", "lr": 0.005, "betas": [0.9, 0.999], "eps": 1e-08}),
    ("train-eprop-2", "train-tbptt1-2.json", "symmetric",
     {"kind": "sgd", "lr": 0.05, "momentum": 0.9}),
    ("train-eprop-3", "train-tbptt1-3.json", "symmetric",
     {"kind": "adam", "lr": 0.005, "betas": [0.9, 0.999], "eps": 1e-08}),
    ("train-eprop-3-random", "train-tbptt1-3.json", "random",
     {"kind": "adam", "lr": 0.005, "betas": [0.9, 0.999], "eps": 1e-08}),
    ("train-eprop-4-random", "train-tbptt1-4.json", "random",
     {"kind": "adam", "lr": 0.01, "betas": [0.95, 0.999], "eps": 1e-08}),
]


def surrogate_derivative(x, s):
    def normal(x, mean, sd):
        d = (x - mean) / sd
        return np.exp(-0.5 * d * d) / math.sqrt(2 * math.pi) / sd
    wide = s["scale"] * s["sigma"]
    return s["gamma"] * ((1 + s["height"]) * normal(x, 0, s["sigma"])
                         - s["height"] * normal(x, s["sigma"], wide)
                         - s["height"] * normal(x, -s["sigma"], wide))


def softmax(o):
    e = np.exp(o - o.max())
    return e / e.sum()


class Optimizer:
    """torch.optim.Adam / torch.optim.SGD (momentum buf = momentum buf + g), float64."""

    def __init__(self, opt, shapes):
        self.opt = opt
        self.s1 = [np.zeros(s) for s in shapes]
        self.s2 = [np.zeros(s) for s in shapes]
        self.t = 0

    def step(self, params, grads):
        self.t += 1
        o = self.opt
        for w, g, m, v in zip(params, grads, self.s1, self.s2):
            if o["kind"] == "adam":
                b1, b2 = o["betas"]
                m *= b1
                m += (1 - b1) * g
                v *= b2
                v += (1 - b2) * g * g
                step = o["lr"] / (1 - b1 ** self.t)
                w -= step * m / (np.sqrt(v) / math.sqrt(1 - b2 ** self.t) + o["eps"])
            else:
                mu = o.get("momentum", 0.0)
                m *= mu
                m += g
                w -= o["lr"] * m


def train(vec, optimizer, feedback, truncated):
    """Per-step updates; truncated=True is tBPTT1 (traces of the current step only)."""
    mdl = vec["model"]
    M, N, K, rec = mdl["inputs"], mdl["hidden"], mdl["outputs"], mdl["recurrent"]
    alpha, kappa, theta, sg = mdl["alpha"], mdl["kappa"], mdl["theta"], mdl["surrogate"]
    names = ["W_in"] + (["W_rec"] if rec else []) + ["b", "W_out", "b_out"]
    P = {n: np.array(vec["init"][n], dtype=np.float64) for n in names}
    labels = vec["batch"]["labels"]
    B = len(labels)
    T = len(vec["batch"]["inputs"][0])
    x = np.zeros((T, B, M))
    for b in range(B):
        for t in range(T):
            for ch in vec["batch"]["inputs"][b][t]:
                x[t, b, ch] = 1
    opt = Optimizer(optimizer, [P[n].shape for n in names])
    a = 0.0 if truncated else alpha  # trace decays
    k = 0.0 if truncated else kappa
    u, z, o = np.zeros((B, N)), np.zeros((B, N)), np.zeros((B, K))
    xbar, zbar, bbar = np.zeros((B, M)), np.zeros((B, N)), np.zeros(B)
    e_in, e_rec, e_b = np.zeros((B, N, M)), np.zeros((B, N, N)), np.zeros((B, N))
    zout, bout = np.zeros((B, N)), np.zeros(B)
    losses, outputs, after = [], [], []
    for t in range(T):
        zp = z
        u = alpha * (u - theta * zp) + P["b"] + x[t] @ P["W_in"].T
        if rec:
            u = u + zp @ P["W_rec"].T
        z = (u - theta >= 0).astype(np.float64)
        o = kappa * o + P["b_out"] + z @ P["W_out"].T
        losses.append(sum(-math.log(softmax(o[b])[labels[b]]) for b in range(B)) / B)
        outputs.append(o.copy())
        psi = surrogate_derivative(u - theta, sg)
        err = np.array([softmax(o[b]) - np.eye(K)[labels[b]] for b in range(B)]) / B
        fb = P["W_out"].T if feedback is None else feedback
        G = {n: np.zeros_like(P[n]) for n in names}
        for b in range(B):
            xbar[b] = a * xbar[b] + x[t, b]
            zbar[b] = a * zbar[b] + zp[b]
            bbar[b] = a * bbar[b] + 1
            e_in[b] = k * e_in[b] + np.outer(psi[b], xbar[b])
            e_rec[b] = k * e_rec[b] + np.outer(psi[b], zbar[b])
            e_b[b] = k * e_b[b] + psi[b] * bbar[b]
            zout[b] = k * zout[b] + z[b]
            bout[b] = k * bout[b] + 1
            learning_signal = fb @ err[b]
            G["W_in"] += learning_signal[:, None] * e_in[b]
            if rec:
                G["W_rec"] += learning_signal[:, None] * e_rec[b]
            G["b"] += learning_signal * e_b[b]
            G["W_out"] += np.outer(err[b], zout[b])
            G["b_out"] += err[b] * bout[b]
        opt.step([P[n] for n in names], [G[n] for n in names])
        after.append({n: P[n].copy() for n in names})
    return losses, outputs, {n: P[n] for n in names}, after


def close(a, b, tol=1e-10):
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    return a.shape == b.shape and bool(np.all(np.abs(a - b) <= tol * (1 + np.abs(b))))


def main():
    checked = set()
    for name, base, kind, optimizer in VECTORS:
        with open(os.path.join(HERE, base)) as f:
            vec = json.load(f)
        if base not in checked:
            losses, outputs, final, _ = train(vec, vec["optimizer"], None, truncated=True)
            exp = vec["expect"]
            if not (close(losses, exp["loss"]) and close(outputs, exp["output"])
                    and all(close(final[n], exp["final"][n]) for n in final)):
                raise SystemExit(base + ": the truncated (tBPTT1) reference does not reproduce "
                                 "the committed vector")
            checked.add(base)
        feedback = None
        fb_json = {"kind": "symmetric"}
        if kind == "random":
            n, k = vec["model"]["hidden"], vec["model"]["outputs"]
            rng = np.random.default_rng(7)
            bound = 1 / math.sqrt(n)  # drawn like W_out's initialisation, U(-1/sqrt(N), 1/sqrt(N))
            feedback = rng.uniform(-bound, bound, size=(n, k))
            fb_json = {"kind": "random", "B": feedback.tolist()}
        losses, outputs, final, after = train(vec, optimizer, feedback, truncated=False)
        tbptt1_final = train(vec, optimizer, feedback, truncated=True)[2]
        differs = max(float(np.max(np.abs(final[n] - tbptt1_final[n]))) for n in final)
        out = {key: vec[key] for key in ("format", "seed", "model", "lossReduction", "init",
                                         "batch") if key in vec}
        out["name"] = name
        out["generator"] = "make_eprop_vectors.py (numpy float64 reference)"
        out["description"] = ("e-prop (" + kind + " feedback) on the inputs, model and initial "
                              "parameters of " + base + "; final parameters differ from "
                              "tBPTT1 with the same optimizer by up to %.3g" % differs)
        out["mode"] = "eprop"
        out["optimizer"] = optimizer
        out["feedback"] = fb_json
        out["expect"] = {"loss": losses, "output": [o.tolist() for o in outputs],
                         "final": {n: final[n].tolist() for n in final},
                         "afterStep": [{n: p[n].tolist() for n in p} for p in after]}
        path = os.path.join(HERE, name + ".json")
        with open(path, "w") as f:
            json.dump(out, f)
            f.write("\n")
        print("wrote", path, "max |final - tBPTT1 final| = %.3g" % differs)


if __name__ == "__main__":
    main()
