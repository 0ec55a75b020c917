import { memo, useCallback, useId } from 'react';
import { useStore } from 'zustand';
import type { PackSummary } from '../../../../electron/common/channels/app';
import { PROJECT_LIMITS, TIER_NAMES, type DeviceName, type Shot, type TierName } from '../../../../electron/common/channels/projects';
import { useStudio, useStudioStore } from '../../app/context';
import { randomSeed } from '../../stores/project';
import type { TierDefaultsMap } from '../../stores/project-edits';
import { visibleFrames } from '../../stores/project-edits';
import { shotById } from '../../stores/project-selectors';
import { DraftField, formatOptionalNumber, numberParser, SelectField, type Parsed } from './fields';
import { ShotEstimate } from './ShotEstimate';

const TIER_LABELS: Record<TierName, string> = { eco: 'Eco', standard: 'Standard', premium: 'Premium' };

function parseSeed(text: string): Parsed<number> {
  const trimmed = text.trim();
  if (!/^\d+$/.test(trimmed)) return { ok: false, error: 'A whole number from 0' };
  const n = Number(trimmed);
  if (!Number.isSafeInteger(n)) return { ok: false, error: `At most ${PROJECT_LIMITS.seed.max}` };
  return { ok: true, value: n };
}

const parseSteps = numberParser(PROJECT_LIMITS.steps, { integer: true, optional: true });
const parseGuidance = numberParser(PROJECT_LIMITS.guidance, { optional: true });
const parseFrames = numberParser(PROJECT_LIMITS.frames, { integer: true, optional: true });
const formatInt = (n: number): string => String(n);

function modelOptions(packs: readonly PackSummary[], current: string): { value: string; label: string }[] {
  const options = packs.map((p) => ({ value: p.id, label: p.status === 'trained' ? p.name : `${p.name} (${p.status.replaceAll('_', ' ')})` }));
  if (!options.some((o) => o.value === current)) options.unshift({ value: current, label: `${current} (not installed)` });
  return options;
}

interface ShotFormProps {
  shot: Shot;
  device: DeviceName;
  tiers: TierDefaultsMap;
  fps: number;
  packs: readonly PackSummary[];
  update(patch: Partial<Shot>, key?: string): void;
}

/** The fields of one shot. Memoised: typing in another shot, or anywhere else, does not re-render it. */
const ShotForm = memo(function ShotForm({ shot, device, tiers, fps, packs, update }: ShotFormProps) {
  const promptId = useId();
  const negativeId = useId();
  const lockId = useId();
  const tier = tiers[shot.tier];
  const frames = visibleFrames(shot);
  const trimRange = { min: 0, max: shot.durationFrames - 1 };
  return (
    <div className="shot-form">
      <DraftField label="Shot name" value={shot.name} format={(v) => v} parse={(t) => ({ ok: t.length <= PROJECT_LIMITS.nameChars, value: t, error: 'Too long' })} onCommit={(name) => update({ name }, 'name')} className="wide" />
      <div className="form-field wide">
        <label htmlFor={promptId}>Prompt</label>
        <textarea id={promptId} rows={4} maxLength={PROJECT_LIMITS.promptChars} value={shot.prompt} placeholder="What the shot shows: subject, place, light, movement" onChange={(e) => update({ prompt: e.target.value }, 'prompt')} />
      </div>
      <div className="form-field wide">
        <label htmlFor={negativeId}>Negative prompt</label>
        <textarea id={negativeId} rows={2} maxLength={PROJECT_LIMITS.promptChars} value={shot.negativePrompt} placeholder="What to keep out" onChange={(e) => update({ negativePrompt: e.target.value }, 'negativePrompt')} />
      </div>
      <div className="seed-row wide">
        <DraftField label="Seed" value={shot.seed} format={formatInt} parse={parseSeed} onCommit={(seed) => update({ seed }, 'seed')} inputMode="numeric" />
        <div className="checkbox">
          <input id={lockId} type="checkbox" checked={shot.seedLocked} onChange={(e) => update({ seedLocked: e.target.checked })} />
          <label htmlFor={lockId}>Lock seed</label>
        </div>
        <button type="button" onClick={() => update({ seed: randomSeed() })}>
          New seed
        </button>
        <span className="muted hint">{shot.seedLocked ? 'Renders use this seed.' : 'Each render draws a new seed.'}</span>
      </div>
      <SelectField<TierName> label="Tier" value={shot.tier} options={TIER_NAMES.map((t) => ({ value: t, label: TIER_LABELS[t] }))} onChange={(t) => update({ tier: t })} />
      <SelectField label="Model" value={shot.model} options={modelOptions(packs, shot.model)} onChange={(model) => update({ model })} />
      <DraftField label="Steps" type="number" value={shot.steps} format={formatOptionalNumber} parse={parseSteps} onCommit={(steps) => update({ steps }, 'steps')} placeholder={`${tier.steps} (tier)`} min={PROJECT_LIMITS.steps.min} max={PROJECT_LIMITS.steps.max} step={1} />
      <DraftField label="Guidance" type="number" value={shot.guidance} format={formatOptionalNumber} parse={parseGuidance} onCommit={(guidance) => update({ guidance }, 'guidance')} placeholder={`${tier.guidance} (tier)`} min={PROJECT_LIMITS.guidance.min} max={PROJECT_LIMITS.guidance.max} step="any" />
      <DraftField label="Frames" type="number" value={shot.frames} format={formatOptionalNumber} parse={parseFrames} onCommit={(f) => update({ frames: f }, 'frames')} placeholder={`${tier.frames} (tier)`} min={PROJECT_LIMITS.frames.min} max={PROJECT_LIMITS.frames.max} step={1} />
      <DraftField label="Trim in" type="number" value={shot.trimIn} format={formatInt} parse={(t) => numberParser(trimRange, { integer: true })(t) as Parsed<number>} onCommit={(trimIn) => update({ trimIn }, 'trimIn')} min={0} max={trimRange.max} step={1} />
      <DraftField label="Trim out" type="number" value={shot.trimOut} format={formatInt} parse={(t) => numberParser(trimRange, { integer: true })(t) as Parsed<number>} onCommit={(trimOut) => update({ trimOut }, 'trimOut')} min={0} max={trimRange.max} step={1} />
      <p className="muted wide length">
        On the timeline: {frames} of {shot.durationFrames} frames, {(frames / fps).toFixed(2)} s at {fps} fps{shot.lastRender !== undefined ? ' (rendered)' : ''}
      </p>
      <ShotEstimate shot={shot} device={device} />
    </div>
  );
});

/** The prompt editor for the shot in focus. */
export function ShotEditor() {
  const { stores } = useStudio();
  const focusId = useStore(stores.project, (s) => s.focusId);
  const shot = useStore(stores.project, (s) => shotById(s, s.focusId));
  const selected = useStore(stores.project, (s) => s.selection.length);
  const tiers = useStore(stores.project, (s) => s.tierDefaults);
  const fps = useStore(stores.project, (s) => s.doc?.settings.fps ?? 8);
  const device = useStore(stores.project, (s) => s.doc?.settings.device ?? 'auto');
  const updateShot = useStore(stores.project, (s) => s.updateShot);
  const packs = useStudioStore((s) => s.appInfo, (s) => s.state.info?.packs) ?? NO_PACKS;

  const id = shot?.id ?? focusId;
  // Stable per shot, so the memoised form re-renders only when its shot changes.
  const update = useCallback<ShotFormProps['update']>(
    (patch, key) => {
      if (id !== null) updateShot(id, patch, key);
    },
    [id, updateShot],
  );

  return (
    <section className="panel editor" aria-labelledby="editor-title">
      <h2 id="editor-title">Prompt editor</h2>
      {shot === undefined || tiers === null ? (
        <p className="muted">Add a shot to the timeline, or select one, to write its prompt.</p>
      ) : (
        <>
          <p className="muted editing">
            Editing <strong>{shot.name || 'untitled shot'}</strong>
            {selected > 1 ? ` (${selected} shots selected)` : ''}
          </p>
          <ShotForm shot={shot} device={device} tiers={tiers} fps={fps} packs={packs} update={update} />
        </>
      )}
    </section>
  );
}

const NO_PACKS: readonly PackSummary[] = [];
