#!/usr/bin/env python3
"""Transcribe the rendered analysis corpus with Closer's own live pipeline, for the text-level corpus.

Usage: corpus_transcripts.py CLOSER_SERVER FIXTURES_DIR [CONDITION ...] [--half calibration|held-out]

For every scenario of tests/fixtures/corpus/<half>/scenarios/ rendered by `scripts/fixtures --corpus`
under FIXTURES_DIR/corpus/<half>/<id>/<condition>/, runs `closer-server analyze` (embedded Whisper,
the playbook's vocabulary as the STT prompt, as in a live call) and writes
tests/fixtures/corpus/<half>/asr/<condition>/<id>.json:

  {"id", "condition", "turns": [[start_ms, end_ms], ...],        the rendered turn times
   "segments": [{"speaker", "start_ms", "end_ms", "text"}, ...]} Whisper's final segments

Turn i of "turns" is turn i of the scenario (whose labels apply); the segments are what the analyzer
receives in a live call. Existing files are kept unless their scenario's rendering changed (the
render key is recorded in each file). Default conditions: clean, noise10, phone.
"""
import json, os, subprocess, sys

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CORPUS = os.path.join(REPO, "tests", "fixtures", "corpus")


def transcribe(server, half, scenario, rendered, condition):
    sc = json.load(open(scenario, encoding="utf-8"))
    timeline = json.load(open(os.path.join(rendered, condition, "timeline.json"), encoding="utf-8"))
    speakers = sorted(timeline["speakers"])
    host = next(s for s in speakers if timeline["speakers"][s]["role"] == "host")
    args = [server, "analyze", "--playbook", os.path.join(CORPUS, half, sc["playbook"]), "--host", host]
    for s in speakers:
        args += ["--speaker", f"{s}={os.path.join(rendered, condition, s + '.wav')}"]
    out = subprocess.run(args, capture_output=True, text=True, check=True,
                         env=dict(os.environ, RUST_LOG="error")).stdout
    segments = []
    for line in out.splitlines():
        event = json.loads(line)
        if event["kind"] == "transcript_final":
            segments.append({k: event[k] for k in ("speaker", "start_ms", "end_ms", "text")})
    segments.sort(key=lambda s: (s["start_ms"], s["speaker"]))
    return {"id": sc["id"], "condition": condition,
            "turns": [[t["start_ms"], t["end_ms"]] for t in timeline["turns"]], "segments": segments}


def dump(result):
    """The transcript as JSON with one segment per line (readable diffs when Whisper changes)."""
    head = {k: v for k, v in result.items() if k != "segments"}
    lines = [json.dumps(s, ensure_ascii=False) for s in result["segments"]]
    body = json.dumps(head, ensure_ascii=False)[:-1]
    return body + ',\n "segments": [\n  ' + ',\n  '.join(lines) + '\n ]\n}\n'


def main(argv):
    if len(argv) < 2:
        sys.exit(__doc__)
    server, fixtures = argv[0], argv[1]
    rest = argv[2:]
    halves = ["calibration", "held-out"]
    if "--half" in rest:
        i = rest.index("--half")
        halves = [rest[i + 1]]
        rest = rest[:i] + rest[i + 2:]
    conditions = rest or ["clean", "noise10", "phone"]
    for condition in conditions:
        for half in halves:
            folder = os.path.join(CORPUS, half, "scenarios")
            for name in sorted(os.listdir(folder)):
                sid = name[:-5]
                rendered = os.path.join(fixtures, "corpus", half, sid)
                key = open(os.path.join(rendered, ".key")).read().strip()
                target = os.path.join(CORPUS, half, "asr", condition, name)
                if os.path.exists(target) and json.load(open(target, encoding="utf-8")).get("render_key") == key:
                    continue
                print(f"corpus_transcripts: {half}/{condition}/{sid}", file=sys.stderr, flush=True)
                result = transcribe(server, half, os.path.join(folder, name), rendered, condition)
                result["render_key"] = key
                os.makedirs(os.path.dirname(target), exist_ok=True)
                with open(target, "w", encoding="utf-8") as f:
                    f.write(dump(result))


if __name__ == "__main__":
    main(sys.argv[1:])
