#!/usr/bin/env python3
"""PyTorch's side of `lethe bench engine`: the same measurement, step for step.

Same model as Lethe's cnn-small (the SmallCNN of shared/bench/torch_reference.py, copied so this file stands alone),
synthetic normal images and random labels at one batch size, SGD (lr 0.01, momentum 0.9, weight decay
5e-4), one warm-up step, then `--steps` timed training steps; then eval mode without gradients, one warm-up pass and
`--steps` timed inference passes on the same batch. Prints one JSON line.

Usage:  python3 torch_engine.py [--threads 2] [--batch 128] [--steps 60] [--seed 1]
"""
import argparse, json, resource, time
import torch
import torch.nn as nn
import torch.nn.functional as F


class SmallCNN(nn.Module):
    """conv(1->32,3x3,p1)-relu-maxpool2 -> conv(32->64,3x3,p1)-relu-maxpool2 -> fc(3136->128)-relu -> fc(128->10)"""

    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 32, 3, padding=1)
        self.conv2 = nn.Conv2d(32, 64, 3, padding=1)
        self.fc1 = nn.Linear(64 * 7 * 7, 128)
        self.fc2 = nn.Linear(128, 10)

    def forward(self, x):
        x = F.max_pool2d(F.relu(self.conv1(x)), 2)
        x = F.max_pool2d(F.relu(self.conv2(x)), 2)
        return self.fc2(F.relu(self.fc1(x.flatten(1))))


def timed(body, repeats):
    start = time.perf_counter()
    for _ in range(repeats):
        body()
    return time.perf_counter() - start


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--batch", type=int, default=128)
    p.add_argument("--steps", type=int, default=60)
    p.add_argument("--seed", type=int, default=1)
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(a.seed)
    model = SmallCNN()
    images = torch.randn(a.batch, 1, 28, 28)
    labels = torch.randint(0, 10, (a.batch,))
    opt = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9, weight_decay=5e-4)

    def step():
        opt.zero_grad(set_to_none=True)
        F.cross_entropy(model(images), labels).backward()
        opt.step()

    model.train()
    step()
    train_s = timed(step, a.steps)
    model.eval()
    with torch.no_grad():
        model(images)
        infer_s = timed(lambda: model(images), a.steps)
    print(json.dumps({
        "engine": f"torch {torch.__version__}", "threads": a.threads, "batch": a.batch, "steps": a.steps,
        "train_samples_per_s": round(a.steps * a.batch / train_s, 1),
        "infer_samples_per_s": round(a.steps * a.batch / infer_s, 1),
        "peak_rss_mib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
    }))


if __name__ == "__main__":
    main()
