"""NLU speed and memory: batch cost per message, single-message p50/p99, RSS, training time.

    /work/venv/bin/python benchmarks/nlu_speed.py

Each figure is measured in a fresh process so that training garbage does not count as the
memory of the loaded pipeline. Times are wall-clock, with the process's CPU time beside them:
on a machine shared with other work the CPU time is the steadier figure of what a parse costs.
"""

import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

BATCH_MESSAGES = 10_000
SINGLE_MESSAGES = 3_000


def _rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def _corpus() -> list[str]:
    from bot.nlu.training_data import read_file, read_folder

    texts = [example.text for example in read_folder(ROOT / "nlu").examples]
    heldout = ROOT / "tests" / "data" / "nlu_heldout.yml"
    if heldout.exists():
        texts += [example.text for example in read_file(heldout).examples]
    return texts


def measure_training() -> dict[str, float]:
    from bot.nlu.loading import nlu_paths
    from bot.nlu.model_store import ModelStore
    from bot.nlu.rasa_config import read_config
    from bot.settings import Settings

    nlu_folder, config_path, _ = nlu_paths(Settings())
    with tempfile.TemporaryDirectory() as folder:
        started = time.perf_counter()
        ModelStore(Path(folder)).load_or_train(
            nlu_folder, config_path, read_config(config_path), force=True
        )
        return {"training_s": time.perf_counter() - started}


def measure_pipeline() -> dict[str, float]:
    from bot.nlu import load_pipeline
    from bot.settings import Settings

    before = _rss_mb()
    started = time.perf_counter()
    pipeline = load_pipeline(Settings(nlu_backend="embedded"))
    loading = time.perf_counter() - started
    corpus = _corpus()
    pipeline.parse_batch(corpus[:200])  # every part has run once: langid, duckling, caches
    rss = _rss_mb()

    texts = (corpus * (BATCH_MESSAGES // len(corpus) + 1))[:BATCH_MESSAGES]
    started, cpu = time.perf_counter(), time.process_time()
    for start in range(0, len(texts), 256):
        pipeline.parse_batch(texts[start : start + 256])
    batch_ms = (time.perf_counter() - started) * 1000 / len(texts)
    batch_cpu_ms = (time.process_time() - cpu) * 1000 / len(texts)

    singles = []
    cpu_singles = []
    for text in (corpus * (SINGLE_MESSAGES // len(corpus) + 1))[:SINGLE_MESSAGES]:
        started, cpu = time.perf_counter(), time.process_time()
        pipeline.parse(text)
        singles.append((time.perf_counter() - started) * 1000)
        cpu_singles.append((time.process_time() - cpu) * 1000)
    singles.sort()
    cpu_singles.sort()
    return {
        "load_s": loading,
        "rss_before_mb": before,
        "rss_loaded_mb": rss,
        "batch_ms_per_message": batch_ms,
        "batch_cpu_ms_per_message": batch_cpu_ms,
        "single_p50_ms": statistics.median(singles),
        "single_p99_ms": singles[int(len(singles) * 0.99) - 1],
        "single_max_ms": singles[-1],
        "single_cpu_p50_ms": statistics.median(cpu_singles),
        "single_cpu_p99_ms": cpu_singles[int(len(cpu_singles) * 0.99) - 1],
        "messages": float(len(corpus)),
    }


def _child(part: str) -> dict[str, float]:
    output = subprocess.run(
        [sys.executable, __file__, part], check=True, capture_output=True, text=True, cwd=ROOT
    ).stdout
    return dict(json.loads(output.strip().splitlines()[-1]))


def main() -> None:
    if len(sys.argv) > 1:
        if sys.argv[1] == "ensure":
            from bot.nlu import load_pipeline
            from bot.settings import Settings

            load_pipeline(Settings(nlu_backend="embedded"))
            figures: dict[str, float] = {}
        else:
            figures = measure_training() if sys.argv[1] == "train" else measure_pipeline()
        print(json.dumps(figures))
        return
    training = _child("train")
    _child("ensure")  # a stale model is trained here, not in the process that is measured
    pipeline = _child("pipeline")
    print(f"training (fresh, nlu/ as it is):      {training['training_s']:.1f} s")
    print(f"loading a trained model:              {pipeline['load_s']:.2f} s")
    print(
        f"RSS of the loaded pipeline:           {pipeline['rss_loaded_mb']:.0f} MB "
        f"(interpreter before loading {pipeline['rss_before_mb']:.0f} MB)"
    )
    print(
        f"batch cost per message:               {pipeline['batch_ms_per_message']:.3f} ms "
        f"({1000 / pipeline['batch_ms_per_message']:.0f} messages/s, "
        f"{BATCH_MESSAGES} messages in batches of 256; "
        f"CPU {pipeline['batch_cpu_ms_per_message']:.3f} ms)"
    )
    print(
        f"single message p50 / p99 / max:       {pipeline['single_p50_ms']:.2f} / "
        f"{pipeline['single_p99_ms']:.2f} / {pipeline['single_max_ms']:.2f} ms "
        f"({SINGLE_MESSAGES} messages one by one; "
        f"CPU p50 / p99 {pipeline['single_cpu_p50_ms']:.2f} / "
        f"{pipeline['single_cpu_p99_ms']:.2f} ms)"
    )


if __name__ == "__main__":
    main()
