import { useEffect, useState } from 'react';
import { isInvokeChannel } from '../../../../electron/common/channel-names';
import type { DeviceName, Shot } from '../../../../electron/common/channels/projects';
import { useStudio } from '../../app/context';

// The place of the shot's cost estimate. It comes from the engine's `estimate.shot` channel (the
// cost domain); until the contract has that channel this shows nothing at all: the studio never
// shows a number the engine did not compute. The request and the keys read below are those of
// `aiprod estimate` (DESIGN.md §3); the cost domain may adjust both when it adds the channel.

const ESTIMATE_CHANNEL = 'estimate.shot';
const DEBOUNCE_MS = 300;

interface Estimate {
  seconds: number;
  energyKWh: number;
  cost: { amount: number; currency: string };
  vramBytes: number;
  executionProvider: string;
}

function readEstimate(value: unknown): Estimate | null {
  if (typeof value !== 'object' || value === null) return null;
  const v = value as Record<string, unknown>;
  const cost = v.cost as Record<string, unknown> | undefined;
  if (typeof v.seconds !== 'number' || typeof v.energyKWh !== 'number' || typeof v.vramBytes !== 'number' || typeof v.executionProvider !== 'string') return null;
  if (typeof cost?.amount !== 'number' || typeof cost.currency !== 'string') return null;
  return { seconds: v.seconds, energyKWh: v.energyKWh, cost: { amount: cost.amount, currency: cost.currency }, vramBytes: v.vramBytes, executionProvider: v.executionProvider };
}

function EngineEstimate({ shot, device }: { shot: Shot; device: DeviceName }) {
  const { api } = useStudio();
  const [state, setState] = useState<{ estimate: Estimate | null; error: string | null }>({ estimate: null, error: null });
  const { model, tier, steps, frames } = shot;
  useEffect(() => {
    let live = true;
    const timer = setTimeout(() => {
      // The channel is not in this build's contract types yet, so the call is made untyped and the
      // answer is checked field by field.
      const invoke = api.invoke as unknown as (channel: string, payload: unknown) => Promise<unknown>;
      invoke(ESTIMATE_CHANNEL, { model, tier, steps, frames, device }).then(
        (value) => live && setState({ estimate: readEstimate(value), error: readEstimate(value) === null ? 'the estimate has an unexpected shape' : null }),
        (error: unknown) => live && setState({ estimate: null, error: error instanceof Error ? error.message : String(error) }),
      );
    }, DEBOUNCE_MS);
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [api, model, tier, steps, frames, device]);
  if (state.error !== null) return <p className="muted wide">Estimate unavailable: {state.error}</p>;
  const e = state.estimate;
  if (e === null) return null;
  return (
    <p className="wide estimate" aria-label="Estimate">
      About {e.seconds.toFixed(1)} s on {e.executionProvider.toUpperCase()}, {(e.vramBytes / 1024 ** 3).toFixed(1)} GiB, {e.energyKWh.toFixed(4)} kWh, {e.cost.amount.toFixed(3)} {e.cost.currency}
    </p>
  );
}

export function ShotEstimate({ shot, device }: { shot: Shot; device: DeviceName }) {
  if (!isInvokeChannel(ESTIMATE_CHANNEL)) return null;
  return <EngineEstimate shot={shot} device={device} />;
}
