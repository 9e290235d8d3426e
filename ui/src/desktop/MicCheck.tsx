import { useEffect, useState } from "react";
import { useQuery } from "@tanstack/react-query";
import { Button, Card, ErrorText, Field, Select } from "../components/ui";
import { desktop, onAudioLevel } from "./ipc";
import { useDesktopT } from "./messages";
import type { Level } from "./bindings/Level";

/** Pre-call microphone check: the OS's inputs (cpal) and a live level meter; the choice is remembered. */
export function MicCheck() {
  const t = useDesktopT();
  const devices = useQuery({ queryKey: ["desktop", "input-devices"], queryFn: desktop.inputDevices });
  const [device, setDevice] = useState<string>("");
  const [running, setRunning] = useState(false);
  const [level, setLevel] = useState<Level | null>(null);
  const [error, setError] = useState<unknown>(null);

  useEffect(() => {
    if (devices.data?.chosen) setDevice(devices.data.chosen);
  }, [devices.data?.chosen]);

  useEffect(() => {
    if (!running) return;
    const unlisten = onAudioLevel(setLevel);
    return () => {
      void unlisten.then((fn) => fn());
      void desktop.stopLevelMeter();
    };
  }, [running]);

  const start = async (name: string) => {
    setError(null);
    try {
      await desktop.startLevelMeter(name || null);
      setRunning(true);
    } catch (e) {
      setError(e);
      setRunning(false);
    }
  };

  // -60 dBFS (quiet room) … 0 dBFS (full scale) mapped onto the bar.
  const fill = level ? Math.max(0, Math.min(1, (level.rms_dbfs + 60) / 60)) : 0;
  return (
    <Card>
      <h2 className="mb-3 font-semibold">{t("desktop.micCheck")}</h2>
      <Field label={t("desktop.micDevice")}>
        <Select
          value={device}
          data-testid="mic-device"
          onChange={(e) => {
            const name = e.target.value;
            setDevice(name);
            setError(null);
            if (running) void start(name);
            else desktop.setInputDevice(name || null).catch(setError);
          }}
        >
          <option value="">{t("desktop.micDefault")}</option>
          {devices.data?.devices.map((d) => (
            <option key={d.name} value={d.name}>
              {d.name}
            </option>
          ))}
        </Select>
      </Field>
      <div className="mt-3 h-2 overflow-hidden rounded-full bg-white/10" data-testid="mic-level" data-rms-dbfs={level?.rms_dbfs ?? ""}>
        <div className="h-full bg-emerald-400 transition-[width] duration-75" style={{ width: `${fill * 100}%` }} />
      </div>
      <Button className="mt-3" variant="secondary" data-testid="mic-test" onClick={() => (running ? setRunning(false) : void start(device))}>
        {running ? t("desktop.micStop") : t("desktop.micStart")}
      </Button>
      {(error != null || devices.error) && (
        <p className="mt-2 text-sm text-rose-300" role="alert">
          <ErrorText error={error ?? devices.error} />
        </p>
      )}
    </Card>
  );
}
