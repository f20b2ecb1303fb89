"""``make bench``: the quality bars of DESIGN.md, as ratios to a baseline measured in the same run.

Prints one JSON line per figure: ``{"name", "value", "unit", "baseline", "target", ...}`` where ``value``
is the ratio (lower is better), ``baseline`` what it is a ratio to. Never run by the test suite.

- cold_start.<handler>: importing a handler module in a fresh interpreter, over a bare ``import boto3``
  in a fresh interpreter (median of interleaved runs). This is the quality bar.
- cold_start_first_use.<handler>: the same import plus the modules the handler loads lazily on its first
  invocation (FIRST_USE below), so the deferral is visible rather than hidden: it is what a cold
  invocation really pays before doing any I/O.
- email_render.<case>: rendering an email (HTML and text parts, layout defaults, footer) over a bare
  jinja2 render of the same compiled HTML and text template, for every case of every template.
- inbound_parse.<client>: reading a real reply (MIME, visible text, intent, trust checks) over the
  standard library's bare parse of the same bytes.
- identity.precision / identity.recall: identity resolution on tests/data/identity_pairs.csv.
- network_import.*: a 30,000-row LinkedIn export over a bare BatchWriteItem of the same items, and the
  import process's peak memory (bench/import_bench.py; BENCH_IMPORT_ROWS sets the size).
- replies.<corpus>: the share of a labelled corpus of real replies whose visible text is extracted exactly.
- intent.false_accepts / intent.plain_yes_recall: the share of the generated adversarial answers
  (tests/data/intent_cases.py: every accept phrase x every negation, condition, deferral, reversal, hedge and
  contrast, seven languages) read as an accept (target 0), and the share of plain yeses read as one (target 1).
- matching.*: items read per match, a match's time over the raw reads it needs, and hit@1 / NDCG@5 on
  a synthetic tenant with planted ground truth (bench/match_bench.py, bench/synthetic_tenant.py).
- cost.introduction_usd / cost.tenant_month_usd: AWS cost in USD (amounts, not ratios) from operations counted
  in the local stack, at the prices of bench/prices.py (bench/cost.py).
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "layers"), str(ROOT / "tools"), str(ROOT / "functions" / "notify")]

from warmpath_local.stack import local_environment  # noqa: E402
from warmpath_local.template import load_template  # noqa: E402

RUNS = int(os.environ.get("BENCH_RUNS", "9"))
# What each handler imports on its first invocation rather than at import time.
FIRST_USE = {
    "intake.app": [
        "warmpath.repository",
        "jinja2",
        "intake.schemas",
        "aws_lambda_powertools.event_handler.middlewares.openapi_validation",
    ],
    "crm.app": [],
    "matching.app": ["matching.service", "warmpath.repository"],
    "notify.app": ["notify.emails", "warmpath.repository", "mjml", "aws_lambda_powertools.utilities.idempotency"],
    "notify.inbound": ["warmpath.repository", "warmpath.events"],
    "matching.imports": ["warmpath.network", "warmpath.events", "warmpath.repository"],
    "intake.invite_jobs": ["warmpath.invite_jobs", "warmpath.events", "warmpath.repository"],
    "notify.invites": ["notify.render", "warmpath.repository", "mjml", "aws_lambda_powertools.utilities.idempotency"],
}
TIMER = "import time; t = time.perf_counter(); import {module}; print(time.perf_counter() - t)"


def _import_seconds(module: str, path: list[str], env: dict[str, str]) -> float:
    code = f"import sys; sys.path[:0] = {path!r}; " + TIMER.format(module=module)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env)
    return float(out.stdout.strip().splitlines()[-1])


def emit(name: str, value: float, unit: str, baseline: str, target: float, **extra: Any) -> None:
    line = {"name": name, "value": round(value, 3), "unit": unit, "baseline": baseline, "target": target, **extra}
    line["meets_target"] = value <= target
    print(json.dumps(line), flush=True)


def bench_cold_start() -> None:
    template = load_template()
    env = {**os.environ, **local_environment("http://127.0.0.1:9", "http://127.0.0.1:8000")}
    env["POWERTOOLS_TRACE_DISABLED"] = "false"  # import what Lambda imports
    handlers = {spec.module: [str(ROOT / "layers"), str(spec.code_uri)] for spec in template.functions.values()}
    baseline: list[float] = []
    measured: dict[str, list[float]] = {m: [] for m in handlers}
    first_use: dict[str, list[float]] = {m: [] for m in handlers}
    for _ in range(RUNS):  # interleaved, so drift hits every figure alike
        baseline.append(_import_seconds("boto3", [], env))
        for module, path in handlers.items():
            measured[module].append(_import_seconds(module, path, env))
            first_use[module].append(_import_seconds(", ".join([module, *FIRST_USE.get(module, [])]), path, env))
    boto3_ms = statistics.median(baseline) * 1000
    for name, figures in (("cold_start", measured), ("cold_start_first_use", first_use)):
        for module, samples in figures.items():
            ms = statistics.median(samples) * 1000
            emit(
                f"{name}.{module}",
                ms / boto3_ms,
                "x import boto3",
                f"import boto3 = {boto3_ms:.1f} ms",
                1.3,
                handler_ms=round(ms, 1),
                runs=RUNS,
            )


def _per_call(fn: Any, loops: int) -> float:
    """The best of five timings of ``loops`` calls, per call."""
    best = float("inf")
    for _ in range(5):
        start = time.perf_counter()
        for _ in range(loops):
            fn()
        best = min(best, (time.perf_counter() - start) / loops)
    return best


def bench_email_render() -> None:
    """Every template (each case of tests/data/email_cases.py) over a bare jinja2 render of the same two parts.

    The baseline is what hand-written jinja2 email would cost: the compiled HTML and the text template,
    each rendered once with the same context, with no layout defaults, subject parsing or footer.
    """
    import jinja2
    from notify.render import TEMPLATES, EmailRenderer

    from tests.data.email_cases import CASES

    renderer = EmailRenderer()
    text_env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(TEMPLATES)), autoescape=False)
    for case, (template, context) in sorted(CASES.items()):
        context = {"brand_colour": "#1f4b99", "brand_text_colour": "#ffffff", "logo_url": "",
                   "preferences_url": "", "unsubscribe_url": "", **context}  # fmt: skip
        renderer.render(template, **context)  # compile once, as the first message of a container does
        bare_html = jinja2.Environment(autoescape=True).from_string(renderer.compiled_html(template))
        bare_text = text_env.get_template(f"{template}.txt")
        full = _per_call(lambda t=template, c=context: renderer.render(t, **c), 500)
        baseline = _per_call(
            lambda h=bare_html, x=bare_text, c=context: (h.render(subject="s", **c), x.render(**c)), 500
        )
        emit(
            f"email_render.{case}",
            full / baseline,
            "x bare jinja2 render of the same HTML and text",
            f"bare render = {baseline * 1e6:.1f} us",
            2.0,
            render_us=round(full * 1e6, 1),
        )


def bench_inbound_parse() -> None:
    """Reading a typical reply (MIME, visible text, intent, trust checks: ``inbound_mail.conclude``) over
    the standard library's bare parse of the same bytes (``email.message_from_bytes`` and its body)."""
    from email import message_from_bytes, policy

    from warmpath.inbound_mail import conclude

    fixtures = ROOT.parent / "shared" / "fixtures" / "email_replies" / "mailgun-talon" / "fixtures" / "standard_replies"
    verdicts = {"spam": "PASS", "virus": "PASS", "spf": "PASS", "dkim": "PASS", "dmarc": "PASS"}
    for name in ("gmail", "apple_mail", "iphone"):
        raw = (fixtures / f"{name}.eml").read_bytes()

        def bare(raw: bytes = raw) -> object:
            message = message_from_bytes(raw, policy=policy.default)
            body = message.get_body(preferencelist=("plain", "html"))  # type: ignore[attr-defined]
            return body.get_content() if body else None

        def ours(raw: bytes = raw) -> object:
            return conclude(raw, verdicts=verdicts, expected_sender=None, reply_id="r", token_valid=True)

        full, baseline = _per_call(ours, 200), _per_call(bare, 200)
        emit(
            f"inbound_parse.{name}",
            full / baseline,
            "x the standard library's bare parse",
            f"bare parse = {baseline * 1e6:.1f} us",
            5.0,
            parse_us=round(full * 1e6, 1),
            bytes=len(raw),
        )


def bench_identity() -> None:
    """Precision and recall of identity resolution on the labelled pairs (not a timing)."""
    import csv

    from warmpath.identity import score_labelled_pairs

    rows = list(csv.DictReader((ROOT / "tests" / "data" / "identity_pairs.csv").open(encoding="utf-8")))
    precision, recall = score_labelled_pairs(rows)
    for name, value, target in (("precision", precision, 0.99), ("recall", recall, 0.97)):
        line = {"name": f"identity.{name}", "value": round(value, 4), "unit": "fraction", "target": target}
        print(json.dumps({**line, "baseline": f"{len(rows)} labelled pairs", "meets_target": value >= target}))


def bench_network_import() -> None:
    """In its own process, so its peak memory is its own (see bench/import_bench.py)."""
    subprocess.run([sys.executable, str(ROOT / "bench" / "import_bench.py")], check=True)


def bench_replies() -> None:
    """Pass rates of the visible-reply extraction on the labelled corpora (not a timing)."""
    sys.path.insert(0, str(ROOT))
    from tests.data.reply_corpora import CORPORA, pass_rate

    for corpus, (cases, floor) in CORPORA.items():
        rate, count = pass_rate(cases())
        line = {"name": f"replies.{corpus}", "value": round(rate, 3), "unit": "fraction", "target": floor}
        print(json.dumps({**line, "baseline": f"{count} labelled replies", "meets_target": rate >= floor}))


def bench_intent() -> None:
    """False accepts on the adversarial answers and recall on plain yeses (not a timing)."""
    sys.path.insert(0, str(ROOT))
    from warmpath.intent import classify

    from tests.data.intent_cases import PLAIN_YES, adversarial

    cases = [text for _, _, text in adversarial()]
    false_accepts = sum(classify(text).kind == "accept" for text in cases) / len(cases)
    recall = sum(classify(text).kind == "accept" for text in PLAIN_YES) / len(PLAIN_YES)
    for name, value, target, baseline, met in (
        ("false_accepts", false_accepts, 0.0, f"{len(cases)} adversarial answers", false_accepts == 0),
        ("plain_yes_recall", recall, 1.0, f"{len(PLAIN_YES)} plain yeses", recall >= 1.0),
    ):
        line = {"name": f"intent.{name}", "value": round(value, 4), "unit": "fraction", "target": target}
        print(json.dumps({**line, "baseline": baseline, "meets_target": met}))


def bench_matching() -> None:
    subprocess.run([sys.executable, str(ROOT / "bench" / "match_bench.py")], check=True)


def bench_cost() -> None:
    subprocess.run([sys.executable, str(ROOT / "bench" / "cost.py")], check=True)


if __name__ == "__main__":
    bench_cost()
    bench_replies()
    bench_intent()
    bench_matching()
    bench_identity()
    bench_cold_start()
    bench_email_render()
    bench_inbound_parse()
    bench_network_import()
