# Writes the lazy-Adam golden train vectors (train-*-lazy.json, train-*-catchup.json) with an
# independent float64 reference written for the tests (numpy only, no Java code involved).
#
# Each new vector reuses the model, initial parameters and batch of an existing dense vector
# (BASES below). Before writing anything, the script re-runs every base vector with the dense Adam
# rule and checks it reproduces the committed expectations (loss, output, final parameters to
# 1e-10): the forward/backward pass here is then known to be the one the golden format means.
# The rules are stated in docs/learning-engine.md, section 10:
#   dense   : torch.optim.Adam, every element steps at every update.
#   lazy    : as torch.optim.SparseAdam: an element whose gradient is exactly 0 keeps m, v and w;
#             the bias corrections use the global update count t.
#   catchup : lazy, plus at an element's next nonzero gradient (and at the end of every training
#             batch, "flush") the k skipped updates are caught up: m *= b1^k, v *= b2^k and w
#             moves by stepSize(t) * m * S_k / (sqrt(v) / sqrt(1 - b2^t) + eps), with m, v before
#             the decay, S_k = sum_{i=1..k} (b1 / sqrt(b2))^i, and t the last skipped update
#             (bias corrections and eps of update t for all k: the stated approximation).
# Run: python3 make_lazy_adam_vectors.py   (from this folder; numpy 2)
import json
import math
import os

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
BASES = ["train-tbptt1-1.json", "train-tbptt1-3.json"]
SCHEDULES = ["lazy", "catchup"]


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


class Adam:
    """float64 Adam over a list of arrays under one of the three schedules."""

    def __init__(self, opt, shapes, schedule):
        self.lr, (self.b1, self.b2), self.eps = opt["lr"], opt["betas"], opt["eps"]
        self.schedule = schedule
        self.m = [np.zeros(s) for s in shapes]
        self.v = [np.zeros(s) for s in shapes]
        self.last = [np.zeros(s, dtype=np.int64) for s in shapes]  # update that brought it current
        self.t = 0

    def step_size(self, t):
        return self.lr / (1 - self.b1 ** t)

    def bc2_sqrt(self, t):
        return math.sqrt(1 - self.b2 ** t)

    def catch_up_sum(self, k):
        # sum_{i=1..k} r^i, r = b1 / sqrt(b2), summed term by term (k is small in the vectors;
        # the Java code uses the closed form r (1 - r^k) / (1 - r), equal to rounding)
        r = self.b1 / math.sqrt(self.b2)
        total, p = 0.0, 1.0
        for _ in range(k):
            p *= r
            total += p
        return total

    def catch_up(self, i, idx, t):
        """Brings elements idx of tensor i from their last update to update t (no gradient)."""
        m, v, last = self.m[i], self.v[i], self.last[i]
        for j in idx:
            k = int(t - last.flat[j])
            if k <= 0:
                continue
            mj, vj = m.flat[j], v.flat[j]
            if mj != 0:
                move = (self.step_size(t) * mj * self.catch_up_sum(k)
                        / (math.sqrt(vj) / self.bc2_sqrt(t) + self.eps))
                self.params[i].flat[j] -= move
            m.flat[j] = mj * self.b1 ** k
            v.flat[j] = vj * self.b2 ** k
            last.flat[j] = t

    def step(self, params, grads):
        self.params = params
        self.t += 1
        t = self.t
        for i, (w, g) in enumerate(zip(params, grads)):
            m, v = self.m[i], self.v[i]
            touched = np.ones(g.shape, bool) if self.schedule == "dense" else (g != 0)
            idx = np.flatnonzero(touched)
            if self.schedule == "catchup":
                # skipped updates are last+1 .. t-1: catch up to t-1, then the regular update t
                self.catch_up(i, idx, t - 1)
                self.last[i].flat[idx] = t
            for j in idx:
                gj = g.flat[j]
                m.flat[j] = self.b1 * m.flat[j] + (1 - self.b1) * gj
                v.flat[j] = self.b2 * v.flat[j] + (1 - self.b2) * gj * gj
                w.flat[j] -= (self.step_size(t) * m.flat[j]
                              / (math.sqrt(v.flat[j]) / self.bc2_sqrt(t) + self.eps))

    def flush(self, params):
        """End of a training batch: every element caught up to the last update."""
        if self.schedule != "catchup" or self.t == 0:
            return
        self.params = params
        for i, w in enumerate(params):
            self.catch_up(i, range(w.size), self.t)


def train(vec, schedule, make_optimizer=None):
    """Trains vec's batch; make_optimizer(optimizer dict, shapes) replaces Adam (other scripts)."""
    mdl = vec["model"]
    M, N, K, rec = mdl["inputs"], mdl["hidden"], mdl["outputs"], mdl["recurrent"]
    alpha, kappa, theta, sg = mdl["alpha"], mdl["kappa"], mdl["theta"], mdl["surrogate"]
    init = vec["init"]
    names = ["W_in"] + (["W_rec"] if rec else []) + ["b", "W_out", "b_out"]
    P = {n: np.array(init[n], dtype=np.float64) for n in names}
    labels = vec["batch"]["labels"]
    B = len(labels)
    T = len(vec["batch"]["inputs"][0])
    x = np.zeros((T, B, M))
    for b in range(B):
        for t in range(T):
            for ch in vec["batch"]["inputs"][b][t]:
                x[t, b, ch] = 1
    L = 1 if vec["mode"] == "tbptt1" else T
    shapes = [P[n].shape for n in names]
    opt = (make_optimizer(vec["optimizer"], shapes) if make_optimizer
           else Adam(vec["optimizer"], shapes, schedule))
    u, z, o = np.zeros((B, N)), np.zeros((B, N)), np.zeros((B, K))
    losses, outputs = [], []
    for t0 in range(0, T, L):
        us, zs, zprev, os_ = [], [], [], []
        for s in range(L):
            xs = x[t0 + s]
            zp = z
            u = alpha * (u - theta * zp) + P["b"] + xs @ P["W_in"].T
            if rec:
                u = u + zp @ P["W_rec"].T
            z = (u - theta >= 0).astype(np.float64)
            o = kappa * o + P["b_out"] + z @ P["W_out"].T
            loss = sum(-math.log(softmax(o[b])[labels[b]]) for b in range(B)) / B
            losses.append(loss)
            outputs.append(o.copy())
            us.append(u)
            zs.append(z)
            zprev.append(zp)
            os_.append(o)
        G = {n: np.zeros_like(P[n]) for n in names}
        scale = 1.0 / (B * L)
        go_next = gu_next = None
        for s in reversed(range(L)):
            e = np.array([softmax(os_[s][b]) - np.eye(K)[labels[b]] for b in range(B)]) * scale
            go = e + (kappa * go_next if go_next is not None else 0)
            G["W_out"] += go.T @ zs[s]
            G["b_out"] += go.sum(0)
            gz = go @ P["W_out"]
            if gu_next is not None:
                gz = gz - alpha * theta * gu_next
                if rec:
                    gz = gz + gu_next @ P["W_rec"]
            gu = gz * surrogate_derivative(us[s] - theta, sg)
            if gu_next is not None:
                gu = gu + alpha * gu_next
            G["W_in"] += gu.T @ x[t0 + s]
            if rec:
                G["W_rec"] += gu.T @ zprev[s]
            G["b"] += gu.sum(0)
            go_next, gu_next = go, gu
        opt.step([P[n] for n in names], [G[n] for n in names])
    opt.flush([P[n] for n in names])
    return losses, outputs, {n: P[n] for n in names}


def close(a, b, tol=1e-10):
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    return a.shape == b.shape and bool(np.all(np.abs(a - b) <= tol * (1 + np.abs(b))))


def main():
    for base in BASES:
        with open(os.path.join(HERE, base)) as f:
            vec = json.load(f)
        losses, outputs, final = train(vec, "dense")
        exp = vec["expect"]
        ok = close(losses, exp["loss"]) and close(outputs, exp["output"]) and all(
            close(final[n], exp["final"][n]) for n in final)
        if not ok:
            raise SystemExit(base + ": the dense reference does not reproduce the committed vector")
        for schedule in SCHEDULES:
            losses, outputs, final = train(vec, schedule)
            dense_final = train(vec, "dense")[2]
            differs = max(float(np.max(np.abs(final[n] - dense_final[n]))) for n in final)
            out = dict(vec)
            out["name"] = base[:-5] + "-" + schedule
            out["generator"] = "make_lazy_adam_vectors.py (numpy float64 reference)"
            out["description"] = ("the inputs, model and initial parameters of " + base
                                  + " trained with the " + schedule + " Adam schedule "
                                  "(docs/learning-engine.md section 10); final parameters differ "
                                  "from dense Adam by up to %.3g" % differs)
            out["optimizer"] = dict(vec["optimizer"], schedule=schedule)
            out["expect"] = {"loss": losses, "output": [o.tolist() for o in outputs],
                             "final": {n: final[n].tolist() for n in final}}
            path = os.path.join(HERE, out["name"] + ".json")
            with open(path, "w") as f:
                json.dump(out, f, indent=1)
                f.write("\n")
            print("wrote", path, "max |final - dense final| = %.3g" % differs)


if __name__ == "__main__":
    main()
