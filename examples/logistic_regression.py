"""ember's first job: logistic regression in raw ember tensors on a generated two-class dataset."""
import ember as torch

torch.manual_seed(0)
n, d = 2000, 10
true_w = torch.randn(d, 1)
x = torch.randn(n, d)
y = ((x @ true_w + 0.3 * torch.randn(n, 1)) > 0).float()
x_train, y_train, x_test, y_test = x[:1600], y[:1600], x[1600:], y[1600:]

w = torch.zeros(d, 1, requires_grad=True)
b = torch.zeros(1, requires_grad=True)
lr = 0.5
for epoch in range(200):
    p = torch.sigmoid(x_train @ w + b)
    loss = -(y_train * torch.log(p + 1e-7) + (1 - y_train) * torch.log(1 - p + 1e-7)).mean()
    loss.backward()
    with torch.no_grad():
        w -= lr * w.grad
        b -= lr * b.grad
        w.grad = None
        b.grad = None
    if epoch % 50 == 0:
        print(f"epoch {epoch:3d}  loss {loss.item():.4f}")

with torch.no_grad():
    acc = ((torch.sigmoid(x_test @ w + b) > 0.5).float() == y_test).float().mean().item()
print(f"test accuracy: {acc:.3f}")
