#!/usr/bin/env python3
"""Derive the listening conditions of a rendered call (the output of shared/fixtures/synth.py).

Usage: render_conditions.py CLEAN_DIR OUT_ROOT [CONDITION ...]

CLEAN_DIR holds <speaker>.wav (16 kHz mono s16, all on one time axis) and timeline.json. For each
condition a directory OUT_ROOT/<condition>/ gets the same files, transformed per speaker track:

  noise20, noise10  pink noise for the whole call at 20 / 10 dB SNR, the ratio of the speaker's
                    speech power (the track's power over the time they speak, from the timeline) to
                    the noise's: a seller on a headset in an open-plan office, or in a car;
  phone             the telephone band: band-limited to 300–3400 Hz, resampled to 8 kHz and
                    G.711 µ-law coded (as a SIP trunk delivers it), then back to 16 kHz;
  fast              every track 1.25× faster (sox `tempo`, pitch kept): a fast talker; the
                    timeline's times are divided by 1.25.

Default conditions: all of them. Deterministic (sox -R), standard library + sox only.
"""
import json, math, os, shutil, subprocess, sys, tempfile, wave

RATE = 16000
FAST = 1.25
CONDITIONS = ("noise20", "noise10", "phone", "fast")


def rms_db(path):
    """RMS level of a WAV in dBFS, from `sox stats`."""
    out = subprocess.run(["sox", path, "-n", "stats"], capture_output=True, text=True, check=True).stderr
    for line in out.splitlines():
        if line.startswith("RMS lev dB"):
            value = line.split()[3]
            return -math.inf if value == "-inf" else float(value)
    raise SystemExit(f"render_conditions: no RMS level from sox for {path}")


def frames(path):
    with wave.open(path) as w:
        return w.getnframes()


def add_noise(src, dst, timeline, speaker, snr_db, seed_offset_s, tmp):
    total = frames(src)
    spoken = sum(t["end_ms"] - t["start_ms"] for t in timeline["turns"] if t["speaker"] == speaker)
    fraction = max(spoken / (total * 1000 / RATE), 1e-3)
    speech_db = rms_db(src) - 10 * math.log10(fraction)
    seconds = total / RATE + seed_offset_s
    noise = os.path.join(tmp, "noise.wav")
    # One long deterministic noise, cut at a speaker-specific offset so tracks do not share it.
    subprocess.run(["sox", "-R", "-n", "-r", str(RATE), "-c", "1", "-b", "16", noise,
                    "synth", f"{seconds:.3f}", "pinknoise", "vol", "0.5",
                    "trim", f"{seed_offset_s}"], check=True)
    gain = speech_db - snr_db - rms_db(noise)
    subprocess.run(["sox", "-R", "-m", src, "-v", f"{10 ** (gain / 20):.6f}", noise, "-b", "16", dst,
                    "trim", "0s", f"{total}s"], check=True)


def phone(src, dst, tmp):
    narrow = os.path.join(tmp, "phone.wav")
    subprocess.run(["sox", "-R", src, "-r", "8000", "-e", "u-law", narrow, "sinc", "300-3400"], check=True)
    subprocess.run(["sox", "-R", narrow, "-r", str(RATE), "-e", "signed-integer", "-b", "16", dst], check=True)


def fast(src, dst, total):
    subprocess.run(["sox", "-R", src, dst, "tempo", "-s", str(FAST), "trim", "0s", f"{total}s"], check=True)


def main(clean, out_root, conditions):
    timeline = json.load(open(os.path.join(clean, "timeline.json"), encoding="utf-8"))
    speakers = sorted(timeline["speakers"])
    for condition in conditions:
        if condition not in CONDITIONS:
            sys.exit(f"render_conditions: unknown condition {condition} (known: {', '.join(CONDITIONS)})")
        out = os.path.join(out_root, condition)
        os.makedirs(out, exist_ok=True)
        meta = dict(timeline, condition=condition)
        with tempfile.TemporaryDirectory() as tmp:
            for n, speaker in enumerate(speakers):
                src, dst = os.path.join(clean, f"{speaker}.wav"), os.path.join(out, f"{speaker}.wav")
                if condition.startswith("noise"):
                    add_noise(src, dst, timeline, speaker, float(condition[5:]), 7 * n, tmp)
                elif condition == "phone":
                    phone(src, dst, tmp)
                else:
                    fast(src, dst, int(frames(src) / FAST))
        if condition == "fast":
            meta["duration_ms"] = int(timeline["duration_ms"] / FAST)
            meta["turns"] = [dict(t, start_ms=int(t["start_ms"] / FAST), end_ms=int(t["end_ms"] / FAST))
                             for t in timeline["turns"]]
        json.dump(meta, open(os.path.join(out, "timeline.json"), "w", encoding="utf-8"),
                  ensure_ascii=False, indent=1)


if __name__ == "__main__":
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    main(sys.argv[1], sys.argv[2], sys.argv[3:] or CONDITIONS)
