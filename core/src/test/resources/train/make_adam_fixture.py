"""Writes adam_torch.npz: torch.optim.Adam run on one small tensor with given gradients.

Run with /tmp/torchenv/bin/python make_adam_fixture.py (torch 2.13 CPU, numpy).
"""
import numpy as np
import torch

torch.manual_seed(0)
g = torch.Generator().manual_seed(7)
n = 12
steps = 6
p0 = (torch.rand(n, generator=g) * 2 - 1).float()
# gradients of different scales, one coordinate always zero, one with a sign flip per step
grads = (torch.rand(steps, n, generator=g) * 2 - 1).float()
grads[:, 3] = 0.0
grads[:, 5] = torch.tensor([1e-3, -1e-3, 1e-3, -1e-3, 1e-3, -1e-3])
grads[:, 7] *= 100.0

out = {"p0": p0.numpy(), "grads": grads.numpy()}
for name, lr, wd in [("l2", 1e-2, 1e-1), ("nowd", 3e-4, 0.0)]:
    p = torch.nn.Parameter(p0.clone())
    opt = torch.optim.Adam([p], lr=lr, betas=(0.9, 0.999), eps=1e-8, weight_decay=wd)
    after = []
    for t in range(steps):
        opt.zero_grad()
        p.grad = grads[t].clone()
        opt.step()
        after.append(p.detach().clone())
    st = opt.state[p]
    out[name + ".lr"] = np.array([lr], dtype=np.float64)
    out[name + ".wd"] = np.array([wd], dtype=np.float64)
    out[name + ".p"] = torch.stack(after).numpy()
    out[name + ".exp_avg"] = st["exp_avg"].numpy()
    out[name + ".exp_avg_sq"] = st["exp_avg_sq"].numpy()
    out[name + ".step"] = np.array([float(st["step"])], dtype=np.float64)
np.savez("adam_torch.npz", **out)
print(torch.__version__, {k: v.shape for k, v in out.items()})
