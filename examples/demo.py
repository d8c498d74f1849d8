"""ember's demo: train a small CNN on real handwritten digits, the PyTorch way, with `import ember as torch`.

By default it uses scikit-learn's bundled digits (1,797 real 8x8 images, no download), trains for a few
epochs with a progress bar, reports test accuracy, saves a checkpoint that real PyTorch loads
(`torch.load(path, weights_only=True)`), and writes a PNG with the loss/accuracy curves and the misclassified
digits. `--dataset mnist|fashion-mnist|cifar10` runs the same on the real dataset through ember.vision.datasets.

    python examples/demo.py [--dataset digits] [--epochs 12] [--batch-size 32] [--device cpu] [--out out/]
"""
from __future__ import annotations

import argparse
import os
import time

import numpy as np

import ember as torch
import ember.nn as nn
import ember.nn.functional as F
from ember.utils.data import DataLoader, TensorDataset


class SmallCNN(nn.Module):
    """Two conv blocks and a classifier; sized for 8x8 digits, adapts to 28x28 and 32x32 inputs."""

    def __init__(self, in_channels: int = 1, num_classes: int = 10, image_size: int = 8):
        super().__init__()
        self.features = nn.Sequential(
            nn.Conv2d(in_channels, 32, 3, padding=1), nn.BatchNorm2d(32), nn.ReLU(),
            nn.Conv2d(32, 64, 3, padding=1), nn.BatchNorm2d(64), nn.ReLU(), nn.MaxPool2d(2),
        )
        side = image_size // 2
        if image_size > 8:
            self.features.append(nn.MaxPool2d(2))
            side //= 2
        self.classifier = nn.Sequential(nn.Flatten(), nn.Dropout(0.25), nn.Linear(64 * side * side, 128), nn.ReLU(),
                                        nn.Dropout(0.25), nn.Linear(128, num_classes))

    def forward(self, x):
        return self.classifier(self.features(x))


def load_digits_data(seed: int):
    try:
        from sklearn.datasets import load_digits
    except ImportError:
        raise SystemExit("the digits demo needs scikit-learn: pip install 'ember[demo]'") from None
    digits = load_digits()
    x = (digits.images.astype(np.float32) / 16.0 - 0.5) / 0.5
    y = digits.target.astype(np.int64)
    order = np.random.default_rng(seed).permutation(len(x))
    x, y = x[order][:, None], y[order]
    n_test = 360
    return (x[n_test:], y[n_test:]), (x[:n_test], y[:n_test]), 8, 1


def load_vision_data(name: str, root: str):
    from ember.vision import datasets, transforms
    cls = {'mnist': datasets.MNIST, 'fashion-mnist': datasets.FashionMNIST, 'cifar10': datasets.CIFAR10}[name]
    tf = transforms.Compose([transforms.ToTensor(), transforms.Normalize((0.5,) * (3 if name == 'cifar10' else 1),
                                                                         (0.5,) * (3 if name == 'cifar10' else 1))])
    train = cls(root, train=True, download=True, transform=tf)
    test = cls(root, train=False, download=True, transform=tf)

    def stack(ds):
        xs, ys = zip(*(ds[i] for i in range(len(ds))))
        return torch.stack(xs).numpy(), np.array(ys, dtype=np.int64)
    (xtr, ytr), (xte, yte) = stack(train), stack(test)
    return (xtr, ytr), (xte, yte), xtr.shape[-1], xtr.shape[1]


def evaluate(model, x, y, batch: int = 500):
    model.eval()
    preds = []
    with torch.no_grad():
        for i in range(0, len(x), batch):
            preds.append(model(x[i:i + batch]).argmax(dim=1))
    pred = torch.cat(preds)
    return (pred == y).float().mean().item(), pred


def write_report(path: str, history: dict, x_test, y_test, pred) -> bool:
    try:
        import matplotlib
        matplotlib.use('Agg')
        import matplotlib.pyplot as plt
    except ImportError:
        print("matplotlib is not installed: skipping the PNG report (pip install 'ember[demo]')")
        return False
    wrong = (pred != y_test).nonzero().flatten().tolist()[:24]
    fig = plt.figure(figsize=(14, 5))
    outer = fig.add_gridspec(1, 3, width_ratios=[1, 1, 1.4], wspace=0.3)
    epochs = range(1, len(history['loss']) + 1)
    ax = fig.add_subplot(outer[0])
    ax.plot(epochs, history['loss'], 'o-', label='train loss')
    ax.set_xlabel('epoch')
    ax.set_title('loss')
    ax.legend()
    ax = fig.add_subplot(outer[1])
    ax.plot(epochs, history['acc'], 'o-', label='test accuracy', color='tab:green')
    ax.set_xlabel('epoch')
    ax.set_title('accuracy')
    ax.legend()
    cells = outer[2].subgridspec(4, 6, hspace=0.5)
    for k, i in enumerate(wrong):
        sub = fig.add_subplot(cells[k // 6, k % 6])
        img = x_test[i].numpy()
        sub.imshow(img[0] if img.shape[0] == 1 else img.transpose(1, 2, 0) * 0.5 + 0.5, cmap='gray')
        sub.set_title(f"{int(y_test[i])}→{int(pred[i])}", fontsize=8)
        sub.axis('off')
    fig.suptitle(f"ember demo: training curves, and {len(wrong)} misclassified test images (true→predicted)")
    fig.savefig(path, dpi=100)
    plt.close(fig)
    return True


def main(argv=None) -> float:
    p = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    p.add_argument('--dataset', default='digits', choices=['digits', 'mnist', 'fashion-mnist', 'cifar10'])
    p.add_argument('--root', default='data', help='where ember.vision.datasets finds or downloads the dataset')
    p.add_argument('--epochs', type=int, default=12)
    p.add_argument('--batch-size', type=int, default=32)
    p.add_argument('--lr', type=float, default=1e-3)
    p.add_argument('--device', default='cpu')
    p.add_argument('--out', default='out')
    p.add_argument('--seed', type=int, default=0)
    args = p.parse_args(argv)

    torch.manual_seed(args.seed)
    if args.dataset == 'digits':
        (xtr, ytr), (xte, yte), size, channels = load_digits_data(args.seed)
    else:
        (xtr, ytr), (xte, yte), size, channels = load_vision_data(args.dataset, args.root)
    device = torch.device(args.device)
    x_train, y_train = torch.from_numpy(xtr).to(device), torch.from_numpy(ytr).to(device)
    x_test, y_test = torch.from_numpy(xte).to(device), torch.from_numpy(yte).to(device)
    loader = DataLoader(TensorDataset(x_train, y_train), batch_size=args.batch_size, shuffle=True,
                        generator=torch.Generator().manual_seed(args.seed))

    model = SmallCNN(channels, 10, size).to(device)
    opt = torch.optim.AdamW(model.parameters(), lr=args.lr)
    sched = torch.optim.lr_scheduler.StepLR(opt, step_size=max(args.epochs // 3, 1), gamma=0.5)
    try:
        from tqdm import tqdm
    except ImportError:
        tqdm = None
    history = {'loss': [], 'acc': []}
    start = time.time()
    print(f"training a {sum(p.numel() for p in model.parameters()):,}-parameter CNN on {len(x_train):,} "
          f"{args.dataset} images ({len(x_test):,} held out)")
    for epoch in range(args.epochs):
        model.train()
        total, seen = 0.0, 0
        bar = tqdm(loader, desc=f"epoch {epoch + 1}/{args.epochs}", leave=False) if tqdm else loader
        for xb, yb in bar:
            opt.zero_grad()
            loss = F.cross_entropy(model(xb), yb)
            loss.backward()
            opt.step()
            total += loss.item() * len(xb)
            seen += len(xb)
            if tqdm:
                bar.set_postfix(loss=f"{total / seen:.4f}")
        sched.step()
        acc, pred = evaluate(model, x_test, y_test)
        history['loss'].append(total / seen)
        history['acc'].append(acc)
        print(f"epoch {epoch + 1:2d}  loss {total / seen:.4f}  test accuracy {acc:.4f}")
    elapsed = time.time() - start
    acc, pred = evaluate(model, x_test, y_test)
    os.makedirs(args.out, exist_ok=True)
    ckpt = os.path.join(args.out, f'{args.dataset}_cnn.pt')
    torch.save({'model': model.state_dict(), 'optimizer': opt.state_dict(), 'epoch': args.epochs,
                'test_accuracy': acc}, ckpt)
    png = os.path.join(args.out, f'{args.dataset}_report.png')
    wrote = write_report(png, history, x_test, y_test, pred)
    print(f"test accuracy {acc:.4f} in {elapsed:.1f} s; checkpoint: {ckpt}" + (f"; report: {png}" if wrote else ''))
    return acc


if __name__ == '__main__':
    main()
