# Writes snntorch_rleaky.nir: a 4-3(recurrent)-2 network laid out as snnTorch's export_to_nir
# builds it (an RLeaky as a NIRGraph subgraph: input -> lif <-> w_rec, lif -> output; LIF with
# tau = dt/(1-beta), r = tau/dt at dt = 1e-4) and stored as nir.serialization.write stores it
# (h5py, gzip-compressed arrays, variable-length UTF-8 strings, edges as [E][2] strings).
# Run with python3 + h5py + numpy (no nir package needed): python3 make_snntorch_rleaky.py
import h5py
import numpy as np

dt = 1e-4
beta, kappa = 0.9, 0.8
w1 = np.array([[0.5, -0.25, 1.0, 0.0], [0.75, 0.5, -0.5, 0.25], [-1.0, 1.5, 0.5, 0.125]])
b1 = np.array([0.0625, -0.125, 0.25])
wr = np.array([[0.0, 0.5, -0.25], [0.25, 0.0, 0.5], [-0.5, 0.125, 0.0]])
w2 = np.array([[1.0, -0.5, 0.25], [-0.75, 0.5, 1.0]])
b2 = np.array([0.5, -0.25])
tau, tau_out = dt / (1 - beta), dt / (1 - kappa)

def lif(n):
    return {"type": "LIF", "tau": np.full(n, tau), "r": np.full(n, tau / dt),
            "v_leak": np.zeros(n), "v_threshold": np.ones(n), "v_reset": np.zeros(n)}

graph = {"type": "NIRGraph",
         "nodes": {
             "input": {"type": "Input", "shape": np.array([4])},
             "fc1": {"type": "Affine", "weight": w1, "bias": b1},
             "rlif1": {"type": "NIRGraph",
                       "nodes": {"input": {"type": "Input", "shape": np.array([3])},
                                 "lif": lif(3),
                                 "w_rec": {"type": "Linear", "weight": wr},
                                 "output": {"type": "Output", "shape": np.array([3])}},
                       "edges": [("input", "lif"), ("lif", "w_rec"), ("w_rec", "lif"),
                                 ("lif", "output")]},
             "fc2": {"type": "Affine", "weight": w2, "bias": b2},
             "li": {"type": "LI", "tau": np.full(2, tau_out), "r": np.full(2, tau_out / dt),
                    "v_leak": np.zeros(2)},
             "output": {"type": "Output", "shape": np.array([2])}},
         "edges": [("input", "fc1"), ("fc1", "rlif1"), ("rlif1", "fc2"), ("fc2", "li"),
                   ("li", "output")]}

def write(group, node):
    for k, v in node.items():
        if isinstance(v, str):
            group.create_dataset(k, data=v, dtype=h5py.string_dtype())
        elif isinstance(v, np.ndarray):
            group.create_dataset(k, data=v, dtype=v.dtype, compression="gzip")
        elif isinstance(v, dict):
            write(group.create_group(k), v)
        else:
            group.create_dataset(k, data=v)

with h5py.File("snntorch_rleaky.nir", "w") as f:
    f.create_dataset("version", data="1.0.6", dtype=h5py.string_dtype())
    write(f.create_group("node"), graph)
