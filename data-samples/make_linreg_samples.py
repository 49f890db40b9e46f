#!/usr/bin/env python3
"""Draws the bundled linear-regression samples from known models (Python standard library only).

  linreg-one-feature.csv   y = 2.5 x - 1.0 + N(0, 0.8^2),  x ~ Uniform(0, 10),  4,000 rows
  linreg-multi.csv         y = 1.5 x1 - 2.0 x2 + 0.5 x3 + 0.25 x4 + 3.0 + N(0, 1.0^2),  2,000 rows
                           x1 ~ N(0, 1); x2 = 0.8 x1 + 0.6 N(0, 1) (correlation 0.8 with x1);
                           x3 ~ Uniform(-5, 5); x4 ~ N(10, 2^2); plus an id column 1..2000

Seeded, and written with repr() of rounded values, so re-running reproduces the files byte for
byte on any Python 3. Usage (inside data-samples/): python3 make_linreg_samples.py
"""
import random


def one_feature(path, n=4000, w=2.5, b=-1.0, s=0.8, seed=20240501):
    rng = random.Random(seed)
    with open(path, "w", newline="\n") as f:
        f.write("x,y\n")
        for _ in range(n):
            x = round(rng.uniform(0.0, 10.0), 6)
            y = round(w * x + b + rng.gauss(0.0, s), 6)
            f.write(f"{x!r},{y!r}\n")


def multi(path, n=2000, w=(1.5, -2.0, 0.5, 0.25), b=3.0, s=1.0, seed=20240502):
    rng = random.Random(seed)
    with open(path, "w", newline="\n") as f:
        f.write("id,x1,x2,x3,x4,y\n")
        for i in range(1, n + 1):
            x1 = rng.gauss(0.0, 1.0)
            x2 = 0.8 * x1 + 0.6 * rng.gauss(0.0, 1.0)
            x3 = rng.uniform(-5.0, 5.0)
            x4 = rng.gauss(10.0, 2.0)
            x = [round(v, 6) for v in (x1, x2, x3, x4)]
            y = round(sum(wj * xj for wj, xj in zip(w, x)) + b + rng.gauss(0.0, s), 6)
            f.write(f"{i},{x[0]!r},{x[1]!r},{x[2]!r},{x[3]!r},{y!r}\n")


if __name__ == "__main__":
    one_feature("linreg-one-feature.csv")
    multi("linreg-multi.csv")
