#!/usr/bin/env python3
"""Expected gradients for Tests/AutogradTests/InPlaceViewTests.swift (in-place writes through
views rebase the base's history, PyTorch's CopySlices). Run with torch 2.13 CPU; the printed
numbers are copied into the tests (never run at test time)."""
import torch

torch.set_default_dtype(torch.float64)


def leaf():
    return torch.tensor([[1., 2., 3.], [4., 5., 6.]], requires_grad=True)


def show(name, *tensors):
    print(name, [t.grad.flatten().tolist() for t in tensors])


# 1. v = x[0]; v.mul_(2); (x*x).sum()
l = leaf(); x = l.clone(); v = x[0]; v.mul_(2); (x * x).sum().backward(); show("view mul_", l)
# 2. x[:, 1] = y; (x*x).sum()
l = leaf(); y = torch.tensor([7., 8.], requires_grad=True); x = l * 1
x[:, 1] = y * y; (x * x).sum().backward(); show("setitem column", l, y)
# 3. x[0].add_(z); (x**2 * w).sum()
l = leaf(); z = torch.tensor([0.5, -1., 2.], requires_grad=True); x = l * 1
x[0].add_(z * 3); (x ** 2).sum().backward(); show("temporary view add_", l, z)
# 4. a use recorded before the in-place op keeps the old history
l = leaf(); a = l * 1; b = a + 1; a.mul_(3); (b * a).sum().backward(); show("earlier use", l)
# 5. base without grad, written through a view with a tensor that requires grad
z = torch.tensor([0.5, -1., 2.], requires_grad=True); x = torch.zeros(2, 3); x[1].add_(z)
(x * x).sum().backward(); print("base without grad", x.grad_fn.name(), z.grad.tolist())
# 6. view of a view
l = leaf(); x = l * 1; x[1][0:2].mul_(3); (x * x).sum().backward(); show("view of view", l)
# 7. the view used after its own in-place op
l = leaf(); x = l * 1; v = x[:, 2]; v.mul_(3); (v * v).sum().backward(); show("view used after", l)
# 8. zero_ through a view
l = leaf(); x = l * 2; x[0].zero_(); (x * x).sum().backward(); show("zero_ through view", l)
# 9. setitem through a view with a tensor index
l = leaf(); y = torch.tensor([7., 8.], requires_grad=True); x = l * 1; r = x[1]
r[torch.tensor([0, 2])] = y; (x * x).sum().backward(); show("setitem through view", l, y)
# 10. transposed view
l = leaf(); x = l * 1; t = x.t(); t[2].mul_(5); (x * x).sum().backward(); show("transposed view", l)
# errors
l = leaf()
try:
    l[0].mul_(2)
except RuntimeError as e:
    print("leaf view error:", str(e).splitlines()[0])
l = leaf(); x = l * 1; s = x * x; x[0].mul_(2)
try:
    s.sum().backward()
except RuntimeError as e:
    print("saved error:", str(e).splitlines()[0][:120])
