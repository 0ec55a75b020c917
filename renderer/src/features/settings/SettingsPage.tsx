import { useEffect } from 'react';
import { useStore } from 'zustand';
import { DEVICE_NAMES, PROJECT_LIMITS, TIER_NAMES, type DeviceName, type TierName } from '../../../../electron/common/channels/projects';
import { useStudio, useStudioStore } from '../../app/context';
import { DraftField, numberParser, SelectField, type Parsed } from '../prompt/fields';
import { PricingSection } from '../estimate/PricingSection';
import { QaThresholdsSection } from '../qa/QaThresholdsSection';

// Settings. Decision: the default tier, the model a new shot starts with, the frame rate and the
// device are settings of the PROJECT (saved in project.aiprod.json), not of the app: they shape
// what the project's renders are, so they travel with it to another workstation and make its renders
// reproducible there. A project set to CUDA on a machine without it fails at render time with the
// engine's reason; "auto" (the default) takes CUDA when it works and the CPU otherwise.
// App-wide settings (quality thresholds, pricing) join this page as their own sections.

const TIER_LABELS: Record<TierName, string> = { eco: 'Eco', standard: 'Standard', premium: 'Premium' };
const DEVICE_LABELS: Record<DeviceName, string> = { auto: 'Automatic (CUDA when available)', cuda: 'CUDA (NVIDIA GPU)', cpu: 'CPU' };
const parseFps = numberParser(PROJECT_LIMITS.fps) as (text: string) => Parsed<number>;

function ProjectSettingsForm() {
  const { stores } = useStudio();
  const settings = useStore(stores.project, (s) => s.doc?.settings);
  const name = useStore(stores.project, (s) => s.doc?.name);
  const info = useStudioStore((s) => s.appInfo, (s) => s.state.info);
  const load = useStudioStore((s) => s.appInfo, (s) => s.load);
  useEffect(() => {
    if (info === null) void load();
  }, [info, load]);
  if (settings === undefined) return null;
  const update = stores.project.getState().updateSettings;
  const packs = info?.packs ?? [];
  const models = packs.map((p) => ({ value: p.id, label: p.name }));
  if (!models.some((m) => m.value === settings.defaultModel)) models.unshift({ value: settings.defaultModel, label: `${settings.defaultModel} (not installed)` });
  const cuda = info?.executionProviders.cuda;
  return (
    <section className="panel settings" aria-labelledby="project-settings-title">
      <h2 id="project-settings-title">Project settings</h2>
      <p className="muted">Saved with the project “{name}”; undo and redo work here too.</p>
      <div className="settings-grid">
        <SelectField<TierName> label="Default tier" value={settings.defaultTier} options={TIER_NAMES.map((t) => ({ value: t, label: TIER_LABELS[t] }))} onChange={(defaultTier) => update({ defaultTier })} hint={<span className="muted hint">New shots start with this tier.</span>} />
        <SelectField label="Default model" value={settings.defaultModel} options={models} onChange={(defaultModel) => update({ defaultModel })} hint={<span className="muted hint">New shots start with this model pack.</span>} />
        <SelectField<DeviceName>
          label="Device"
          value={settings.device}
          options={DEVICE_NAMES.map((d) => ({ value: d, label: DEVICE_LABELS[d] }))}
          onChange={(device) => update({ device })}
          hint={cuda === undefined ? undefined : <span className="muted hint">{cuda.available ? 'CUDA is available on this machine.' : `CUDA is not available here${cuda.reason !== undefined ? `: ${cuda.reason}` : ''}.`}</span>}
        />
        <DraftField label="Frames per second" type="number" value={settings.fps} format={String} parse={parseFps} onCommit={(fps) => update({ fps }, 'fps')} min={PROJECT_LIMITS.fps.min} max={PROJECT_LIMITS.fps.max} step="any" hint={<span className="muted hint">Sizes the shots on the timeline.</span>} />
      </div>
    </section>
  );
}

export function SettingsPage() {
  const { stores } = useStudio();
  const open = useStore(stores.project, (s) => s.status === 'open');
  // Pricing is app-wide (AIPROD_HOME), so it shows with or without a project.
  return (
    <>
      {open ? (
        <ProjectSettingsForm />
      ) : (
        <section className="panel" aria-labelledby="settings-title">
          <h2 id="settings-title">Settings</h2>
          <p className="muted">
            The project settings on this page belong to a project. <a href="#/studio">Open or create a project in the Studio</a> to change them.
          </p>
        </section>
      )}
      <QaThresholdsSection />
      <PricingSection />
    </>
  );
}
