# Writes the FPTT golden train vectors (train-*-fptt.json) with an independent float64 reference
# written for the tests (numpy only, no Java code involved).
#
# FPTT (Kag and Saligrama, ICML 2021; the authors' reference code with rho = 0, no debiasing):
# every update adds l_dyn(W) = alpha/2 |W - Wbar|^2 - <W, lambda> to the loss of the step, so the
# optimizer sees g + alpha (W - Wbar) - lambda; after its step, with the new W,
#     lambda <- lambda - alpha (W - Wbar)
#     Wbar   <- (1 - beta) Wbar + beta W - (beta / alpha) lambda
# with Wbar = the initial weights and lambda = 0 at the start, for every tensor (biases too).
#
# Each vector reuses the model, initial parameters and batch of an existing vector (BASES); the
# forward/backward pass is make_lazy_adam_vectors.py's, which re-checks itself against the committed
# dense vectors. SGD follows torch.optim.SGD (buf = mu buf + g, w -= lr buf).
# Run: python3 make_fptt_vectors.py   (from this folder; numpy 2)
import json
import os

import numpy as np

from make_lazy_adam_vectors import Adam, close, train

HERE = os.path.dirname(os.path.abspath(__file__))
# base vector -> (alpha, beta): strong enough that the final parameters move visibly
BASES = {"train-tbptt1-1.json": (0.5, 0.5), "train-tbptt1-2.json": (0.2, 0.5),
         "train-tbptt1-3.json": (0.5, 0.5)}
# (a BPTT vector has one update per sequence, which FPTT leaves unchanged: the chunked path is
# checked against the float64 trainer in FpttTest instead)


class Sgd:
    def __init__(self, opt, shapes):
        self.lr, self.mu = opt["lr"], opt["momentum"]
        self.buf = [np.zeros(s) for s in shapes]

    def step(self, params, grads):
        for w, g, b in zip(params, grads, self.buf):
            b *= self.mu
            b += g
            w -= self.lr * b

    def flush(self, params):
        pass


class Fptt:
    """The regulariser around an inner optimizer."""

    def __init__(self, inner, alpha, beta):
        self.inner, self.alpha, self.beta = inner, alpha, beta
        self.wbar = None

    def step(self, params, grads):
        a, b = self.alpha, self.beta
        if self.wbar is None:
            self.wbar = [w.copy() for w in params]
            self.lam = [np.zeros_like(w) for w in params]
        total = [g + (a * (w - wb) - lam)
                 for g, w, wb, lam in zip(grads, params, self.wbar, self.lam)]
        self.inner.step(params, total)
        for w, wb, lam in zip(params, self.wbar, self.lam):
            lam -= a * (w - wb)
            wb *= 1 - b
            wb += b * w - (b / a) * lam

    def flush(self, params):
        self.inner.flush(params)


def optimizer(alpha, beta):
    def make(opt, shapes):
        inner = Adam(opt, shapes, "dense") if opt["kind"] == "adam" else Sgd(opt, shapes)
        return Fptt(inner, alpha, beta)
    return make


def plain(opt, shapes):
    return Adam(opt, shapes, "dense") if opt["kind"] == "adam" else Sgd(opt, shapes)


def main():
    for base, (alpha, beta) in BASES.items():
        with open(os.path.join(HERE, base)) as f:
            vec = json.load(f)
        losses, outputs, final = train(vec, "dense", plain)
        exp = vec["expect"]
        if not (close(losses, exp["loss"]) and close(outputs, exp["output"])
                and all(close(final[n], exp["final"][n]) for n in final)):
            raise SystemExit(base + ": the reference does not reproduce the committed vector")
        plain_final = final
        losses, outputs, final = train(vec, "dense", optimizer(alpha, beta))
        differs = max(float(np.max(np.abs(final[n] - plain_final[n]))) for n in final)
        out = dict(vec)
        out["name"] = base[:-5] + "-fptt"
        out["generator"] = "make_fptt_vectors.py (numpy float64 reference)"
        out["description"] = ("the inputs, model and initial parameters of " + base + " trained "
                              "with FPTT's regulariser (alpha %g, beta %g) around its optimizer; "
                              "final parameters differ from the plain run by up to %.3g"
                              % (alpha, beta, differs))
        out["fptt"] = {"alpha": alpha, "beta": beta}
        out["expect"] = {"loss": losses, "output": [o.tolist() for o in outputs],
                         "final": {n: final[n].tolist() for n in final}}
        path = os.path.join(HERE, out["name"] + ".json")
        with open(path, "w") as f:
            json.dump(out, f, indent=1)
            f.write("\n")
        print("wrote", path, "max |final - plain final| = %.3g" % differs)


if __name__ == "__main__":
    main()
