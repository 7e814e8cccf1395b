"""``make bench``: end-to-end throughput, memory, no-op re-run and query time.

Builds a corpus under ``bench/out/`` (git-ignored) from the bundled sample texts, the real PDFs
and the seed PDFs of ``../shared/corpus`` (each repeated ``--copies`` times with a trailing PDF
comment or text line, so every copy is a new document), then measures:

* ``delib ingest`` end to end (parse, extract, load) for each ``--workers`` value: documents
  and text-layer PDF pages per second, peak memory of the whole process tree;
* the same corpus through the Prefect flow (``delib run --workers N``);
* a re-run with nothing new over ``--noop-docs`` small files (stat, ``document_paths``);
* the cross-département queries (``v_conventions``, ``v_departement_summary``);
* a profile of one copy of the corpus in this process: the share of parse (text layer,
  tables), segment + extract + normalize (per extractor) and load, and the tables step
  through pdfplumber for comparison.

Prints the figures and writes them to ``bench/out/bench.json``. Benchmarks measure; the tests
only run this on a tiny corpus and check the keys.
"""
from __future__ import annotations

import argparse
import fnmatch
import json
import os
import platform
import resource
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
OUT = ROOT / "bench" / "out"
TARGETS = {"pages_per_s": 50.0, "noop_s": 5.0, "peak_rss_gib": 1.5}


# ----------------------------------------------------------------------------- corpus
def base_files(only: str | None = None) -> list[tuple[str | None, Path]]:
    """(département code or None, file) of the documents the corpus repeats (``only``: a glob
    on their names)."""
    if only:
        return [(c, p) for c, p in base_files() if fnmatch.fnmatch(p.name, only)]
    out: list[tuple[str | None, Path]] = [(p.parent.name, p) for p in sorted((ROOT / "data" / "raw").glob("*/*.txt"))]
    out += [(None, p) for p in sorted((SHARED / "corpus" / "real").glob("*.pdf"))]
    seeds = sorted((SHARED / "corpus" / "seeds-pdf").glob("*.pdf"))
    if not seeds:
        seeds = render_seed_pdfs([p for _, p in out if p.suffix == ".txt"], OUT / "seeds-pdf")
    out += [(p.name.split("_", 1)[0], p) for p in seeds]
    return out


def render_seed_pdfs(texts: list[Path], folder: Path) -> list[Path]:
    """PDF renditions of the sample texts (reportlab), when ../shared has none."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    folder.mkdir(parents=True, exist_ok=True)
    out = []
    for t in texts:
        p = folder / (t.stem + ".pdf")
        c = canvas.Canvas(str(p), pagesize=A4)
        y = 800
        for line in t.read_text(encoding="utf-8").splitlines():
            for i in range(0, max(len(line), 1), 95):
                if y < 50:
                    c.showPage()
                    y = 800
                c.drawString(40, y, line[i:i + 95])
                y -= 13
        c.showPage()
        c.save()
        out.append(p)
    return out


def pdf_pages(path: Path) -> int:
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(str(path))
    try:
        return len(pdf)
    finally:
        pdf.close()


def variant(data: bytes, suffix: str, k: int) -> bytes:
    """Copy ``k`` of a file: other bytes (another sha256), the same content."""
    if k == 0:
        return data
    if suffix == ".pdf":
        return data + f"\n%bench copy {k}\n".encode()
    return data + f"\nCopie {k} du banc d'essai.\n".encode()


def build_corpus(folder: Path, copies: int, only: str | None = None) -> dict:
    """Write ``copies`` variants of every base file under ``folder`` (one sub-folder per
    département, ``real`` for the PDFs without one) and a sources manifest."""
    if folder.exists():
        shutil.rmtree(folder)
    deps: dict[str, str | None] = {}
    docs = pages = pdf_docs = 0
    bases = base_files(only)
    for code, src in bases:
        sub = code or "real"
        deps[sub] = code
        (folder / sub).mkdir(parents=True, exist_ok=True)
        data = src.read_bytes()
        n = pdf_pages(src) if src.suffix == ".pdf" else 0
        for k in range(copies):
            (folder / sub / f"{src.stem}__{k:04d}{src.suffix}").write_bytes(variant(data, src.suffix, k))
            docs += 1
            pages += n
            pdf_docs += src.suffix == ".pdf"
    lines = []
    for sub, code in sorted(deps.items()):
        lines += ["[[source]]", f'name = "bench-{sub}"', f'path = "{sub}"']
        if code:
            lines.append(f'departement_code = "{code}"')
        lines.append("")
    (folder / "sources.toml").write_text("\n".join(lines), encoding="utf-8")
    return {"documents": docs, "pdf_documents": pdf_docs, "pdf_pages": pages, "copies": copies,
            "base_files": len(bases)}


def build_small_files(folder: Path, n: int) -> None:
    """``n`` small distinct deliberation texts (the no-op re-run's corpus)."""
    if folder.exists():
        shutil.rmtree(folder)
    for i in range(n):
        sub = folder / f"{i // 1000:03d}"
        sub.mkdir(parents=True, exist_ok=True)
        (sub / f"delib_{i:05d}.txt").write_text(
            f"DÉLIBÉRATION N° {2024}-{i}\nLa commission permanente attribue une subvention de {1000 + i} euros "
            f"à l'association n° {i} pour l'année 2024.\n", encoding="utf-8")


# ----------------------------------------------------------------------------- measuring
class PeakRSS:
    """Peak of the summed resident memory of a process and its descendants (psutil, sampled),
    with ``getrusage`` (largest single process) as the floor."""

    def __init__(self, pid: int, every: float = 0.05):
        self.pid, self.every, self.peak = pid, every, 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self):
        try:
            import psutil
        except ImportError:
            return
        try:
            root = psutil.Process(self.pid)
        except psutil.Error:
            return
        while not self._stop.is_set():
            try:
                procs = [root, *root.children(recursive=True)]
                total = 0
                for p in procs:
                    try:
                        total += p.memory_info().rss
                    except psutil.Error:
                        pass
                self.peak = max(self.peak, total)
            except psutil.Error:
                return
            self._stop.wait(self.every)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env.setdefault("PREFECT_HOME", str(ROOT / ".prefect"))
    env.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    env.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")
    return env


def _delib() -> list[str]:
    exe = Path(sys.executable).parent / "delib"
    return [str(exe)] if exe.exists() else [sys.executable, "-c", "from pipeline.cli import app; app()"]


def run_cmd(args: list[str]) -> dict:
    """Run a ``delib`` command; wall time and peak memory of its process tree."""
    t0 = time.perf_counter()
    proc = subprocess.Popen(_delib() + args, cwd=ROOT, env=_env(), stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    with PeakRSS(proc.pid) as peak:
        out, err = proc.communicate()
    wall = time.perf_counter() - t0
    if proc.returncode not in (0, 2):
        raise RuntimeError(f"{' '.join(args)} exited {proc.returncode}: {err[-2000:]}")
    # without psutil: the largest process any child run had (Linux: KiB), a floor
    children_max = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024
    return {"wall_s": round(wall, 3), "exit": proc.returncode,
            "peak_rss_mib": round((peak.peak or children_max) / 2**20, 1)}


def last_run(db: Path) -> dict:
    """The warehouse's own account of its last run: seconds inside the run, outcomes."""
    from models.warehouse import connect

    con = connect(db, read_only=True)
    try:
        r = con.execute("SELECT epoch(finished_at) - epoch(started_at), n_new, n_changed, n_skipped, n_duplicate, "
                        "n_failed FROM ingestion_runs ORDER BY started_at DESC LIMIT 1").fetchone()
        docs = con.execute("SELECT count(*) FROM documents").fetchone()[0]
    finally:
        con.close()
    return {"run_s": round(r[0], 3), "new": r[1], "changed": r[2], "skipped": r[3], "duplicate": r[4],
            "failed": r[5], "documents_in_warehouse": docs}


def throughput(m: dict, corpus: dict) -> dict:
    for key in ("wall_s", "run_s"):
        if m.get(key):
            suffix = "" if key == "wall_s" else "_in_run"
            m["docs_per_s" + suffix] = round(corpus["documents"] / m[key], 2)
            m["pdf_pages_per_s" + suffix] = round(corpus["pdf_pages"] / m[key], 2)
    return m


def bench_ingest(corpus_dir: Path, corpus: dict, workers: int, work: Path) -> dict:
    db = work / f"ingest-w{workers}.duckdb"
    db.unlink(missing_ok=True)
    m = run_cmd(["ingest", str(corpus_dir), "--db", str(db), "--manifest", str(corpus_dir / "sources.toml"),
                 "--workers", str(workers), "-q"])
    m.update(last_run(db), workers=workers, db=str(db))
    return throughput(m, corpus)


def bench_flow(corpus_dir: Path, corpus: dict, workers: int, work: Path, load_batch: int = 1) -> dict:
    db = work / f"flow-w{workers}-b{load_batch}.duckdb"
    db.unlink(missing_ok=True)
    m = run_cmd(["run", "--db", str(db), "--manifest", str(corpus_dir / "sources.toml"), "--no-fetch",
                 "--workers", str(workers), "--load-batch", str(load_batch)])
    m.update(last_run(db), workers=workers, load_batch=load_batch)
    return throughput(m, corpus)


def bench_noop(folder: Path, n: int, work: Path, workers: int) -> dict:
    build_small_files(folder, n)
    db = work / "noop.duckdb"
    db.unlink(missing_ok=True)
    args = ["ingest", str(folder), "--db", str(db), "--manifest", str(folder / "none.toml"), "-q"]
    first = run_cmd(args + ["--workers", str(workers)])
    first.update(last_run(db))
    again = run_cmd(args)
    again.update(last_run(db))
    return {"documents": n, "first_load": first, "rerun": again, "rerun_wall_s": again["wall_s"],
            "rerun_in_run_s": again["run_s"]}


def bench_queries(db: Path, repeat: int = 5) -> dict:
    from models.warehouse import connect

    queries = {
        "v_departement_summary": "SELECT * FROM v_departement_summary ORDER BY departement_code, year",
        "v_conventions_by_departement": (
            "SELECT departement_code, count(*) AS conventions, sum(amount_total) AS amount, "
            "sum(coalesce(funded_etp, funded_posts)) AS staff, median(cost_per_etp_year) AS cost_per_etp "
            "FROM v_conventions GROUP BY departement_code ORDER BY departement_code"),
    }
    con = connect(db, read_only=True)
    out = {}
    try:
        for name, sql in queries.items():
            times, rows = [], 0
            for _ in range(repeat):
                t0 = time.perf_counter()
                rows = len(con.execute(sql).fetchall())
                times.append(time.perf_counter() - t0)
            out[name] = {"best_ms": round(min(times) * 1000, 2), "rows": rows}
    finally:
        con.close()
    return out


# ----------------------------------------------------------------------------- profile
def profile_stages(files: list[Path], with_pdfplumber: bool = True) -> dict:
    """One pass over the base files in this process: seconds per stage, and per extractor."""
    import extractors
    from models.warehouse import connect
    from pipeline import parse
    from pipeline.load import load_document
    from pipeline.normalize import to_contract
    from pipeline.process import Processed
    from pipeline.redact import redact
    from pipeline.segment import segment

    per_extractor: dict[str, float] = {}
    originals = {}
    for module in extractors.REGISTRY:
        name = module.__name__.rsplit(".", 1)[-1]
        originals[module] = module.extract

        def timed(ctx, _f=module.extract, _n=name):
            t0 = time.perf_counter()
            try:
                return _f(ctx)
            finally:
                per_extractor[_n] = per_extractor.get(_n, 0.0) + time.perf_counter() - t0
        module.extract = timed
    t = {"parse_text_layer": 0.0, "parse_tables_pdfium": 0.0, "parse_txt": 0.0, "segment": 0.0,
         "extract": 0.0, "normalize": 0.0, "load": 0.0}
    plumber = 0.0
    table_pages = pages = 0
    con = connect(":memory:")
    try:
        from pipeline.extract import run_extractors

        for f in files:
            data = f.read_bytes()
            t0 = time.perf_counter()
            if f.suffix == ".pdf":
                _, pg, candidates = parse.pdf_text(data)
                t1 = time.perf_counter()
                doc = parse.parse_file(f, data)
                t2 = time.perf_counter()
                t["parse_text_layer"] += t1 - t0
                t["parse_tables_pdfium"] += max((t2 - t1) - (t1 - t0), 0.0)
                pages += len(pg)
                table_pages += len(candidates)
                if with_pdfplumber and candidates:
                    t3 = time.perf_counter()
                    parse.pdf_tables(data, candidates)
                    plumber += time.perf_counter() - t3
            else:
                doc = parse.parse_file(f, data)
                t["parse_txt"] += time.perf_counter() - t0
            t0 = time.perf_counter()
            acts = segment(doc)
            t1 = time.perf_counter()
            results = run_extractors(doc, acts, None)
            t2 = time.perf_counter()
            doc.text = redact(doc.text)
            record = to_contract(doc, acts, results)
            t3 = time.perf_counter()
            load_document(con, Processed(doc=doc, acts=acts, record=record), str(f))
            t4 = time.perf_counter()
            t["segment"] += t1 - t0
            t["extract"] += t2 - t1
            t["normalize"] += t3 - t2
            t["load"] += t4 - t3
    finally:
        con.close()
        for module, f in originals.items():
            module.extract = f
    total = sum(t.values())
    return {
        "documents": len(files), "pdf_pages": pages, "pages_with_paths": table_pages,
        "seconds": {k: round(v, 3) for k, v in t.items()}, "total_s": round(total, 3),
        "share": {k: round(v / total, 3) for k, v in t.items()} if total else {},
        "extractors_s": {k: round(v, 3) for k, v in sorted(per_extractor.items(), key=lambda kv: -kv[1])},
        "tables_pdfplumber_s": round(plumber, 3) if with_pdfplumber else None,
        "single_process_pdf_pages_per_s": round(pages / total, 1) if total else None,
    }


# ----------------------------------------------------------------------------- main
def main(argv: list[str] | None = None) -> dict:
    ap = argparse.ArgumentParser(prog="python -m pipeline.bench", description=__doc__.split("\n\n")[0])
    ap.add_argument("--copies", type=int, default=8, help="variants of every base file (default 8)")
    ap.add_argument("--workers", default="1,2,3", help="worker counts to try for delib ingest")
    ap.add_argument("--noop-docs", type=int, default=10_000)
    ap.add_argument("--no-flow", action="store_true", help="skip the Prefect flow")
    ap.add_argument("--flow-load-batch", default="1,25", help="documents per load task in the flow runs")
    ap.add_argument("--no-profile", action="store_true")
    ap.add_argument("--no-pdfplumber", action="store_true", help="profile without the pdfplumber comparison")
    ap.add_argument("--only", help="glob on the base files' names (a smaller corpus)")
    ap.add_argument("--out", type=Path, default=OUT / "bench.json")
    a = ap.parse_args(argv)
    work = a.out.parent
    work.mkdir(parents=True, exist_ok=True)
    corpus_dir = work / "corpus"
    result: dict = {"machine": {"cpus": os.cpu_count(), "python": platform.python_version(),
                                "platform": platform.platform()},
                    "targets": TARGETS}
    result["corpus"] = corpus = build_corpus(corpus_dir, a.copies, a.only)
    print(f"corpus: {corpus['documents']} documents, {corpus['pdf_pages']} PDF pages", flush=True)

    if not a.no_profile:
        result["profile"] = prof = profile_stages([p for _, p in base_files(a.only)], not a.no_pdfplumber)
        print("profile (one copy, one process): " + ", ".join(f"{k} {v:.0%}" for k, v in prof["share"].items()),
              flush=True)

    runs = []
    for w in [int(x) for x in a.workers.split(",") if x.strip()]:
        m = bench_ingest(corpus_dir, corpus, w, work)
        runs.append(m)
        print(f"delib ingest --workers {w}: {m['wall_s']:.1f} s, {m['docs_per_s']} docs/s, "
              f"{m['pdf_pages_per_s']} PDF pages/s, peak {m['peak_rss_mib']} MiB, failed {m['failed']}", flush=True)
    best = max(runs, key=lambda m: m["pdf_pages_per_s"])
    result["ingest"] = runs
    result["best_workers"] = best["workers"]

    if not a.no_flow:
        result["flow_runs"] = flows = []
        for batch in [int(x) for x in a.flow_load_batch.split(",") if x.strip()]:
            flow = bench_flow(corpus_dir, corpus, best["workers"], work, batch)
            flows.append(flow)
            print(f"delib run --workers {best['workers']} --load-batch {batch} (Prefect): {flow['wall_s']:.1f} s "
                  f"({flow['run_s']:.1f} s inside the run), {flow['pdf_pages_per_s']} PDF pages/s wall, "
                  f"peak {flow['peak_rss_mib']} MiB", flush=True)
        result["flow"] = max(flows, key=lambda m: m["pdf_pages_per_s"])

    result["noop"] = noop = bench_noop(work / "small", a.noop_docs, work, best["workers"])
    print(f"no-op re-run over {a.noop_docs} documents: {noop['rerun_wall_s']:.2f} s wall "
          f"({noop['rerun_in_run_s']:.2f} s inside the run)", flush=True)

    result["queries"] = q = bench_queries(Path(best["db"]))
    print("queries: " + ", ".join(f"{k} {v['best_ms']} ms ({v['rows']} rows)" for k, v in q.items()), flush=True)

    peak = max([m["peak_rss_mib"] for m in runs] + [result.get("flow", {}).get("peak_rss_mib", 0)])
    result["summary"] = {
        "pdf_pages_per_s": best["pdf_pages_per_s"], "docs_per_s": best["docs_per_s"],
        "flow_pdf_pages_per_s": result.get("flow", {}).get("pdf_pages_per_s"),
        "noop_rerun_s": noop["rerun_wall_s"], "peak_rss_gib": round(peak / 1024, 3),
        "meets": {"pages_per_s": best["pdf_pages_per_s"] >= TARGETS["pages_per_s"],
                  "noop_s": noop["rerun_wall_s"] < TARGETS["noop_s"],
                  "peak_rss_gib": peak / 1024 < TARGETS["peak_rss_gib"]},
    }
    a.out.write_text(json.dumps(result, indent=1, ensure_ascii=False), encoding="utf-8")
    print(json.dumps(result["summary"], indent=1))
    print(f"written to {a.out}")
    return result


if __name__ == "__main__":
    main()
