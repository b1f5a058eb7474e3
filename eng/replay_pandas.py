"""The replay computation in python3-pandas, as a side-by-side reference for `edgefed-aggregator replay`:
monthly top-1/2/4/6, HHI and Nakamoto coefficient, plus the daily top-2..top-6 index with 30-day moving averages.
Usage: python3 eng/replay_pandas.py BLOCKS.csv.gz  -> prints December 2023 and the time taken.
"""
import sys
import time

import pandas as pd

started = time.perf_counter()
blocks = pd.read_csv(sys.argv[1], dtype={"pool_slug": "string"})
blocks["pool_slug"] = blocks["pool_slug"].fillna("unknown")
blocks["month"] = blocks["date"].str[:7]


def window_metrics(counts):
    shares = counts.sort_values(ascending=False) / counts.sum()
    cumulative = shares.cumsum()
    return pd.Series({
        "blocks": int(counts.sum()), "top1": shares.iloc[:1].sum(), "top2": shares.iloc[:2].sum(), "top4": shares.iloc[:4].sum(),
        "top6": shares.iloc[:6].sum(), "hhi": ((shares * 100) ** 2).sum(), "nakamoto": int((cumulative <= 0.5).sum() + 1),
    })


monthly = blocks.groupby(["month", "pool_slug"]).size().groupby(level=0).apply(window_metrics).unstack()
daily_counts = blocks.groupby(["date", "pool_slug"]).size()
daily = daily_counts.groupby(level=0).apply(
    lambda c: pd.Series({f"top{n}": (c.sort_values(ascending=False) / c.sum()).iloc[:n].sum() for n in range(2, 7)})).unstack()
moving = daily.rolling(30, min_periods=1).mean()
elapsed = time.perf_counter() - started
print(monthly.loc["2023-12"].to_dict())
print(f"pandas: {len(blocks)} blocks, {len(monthly)} months, {len(daily)} days (+ 30-day averages) in {elapsed:.2f} s")
