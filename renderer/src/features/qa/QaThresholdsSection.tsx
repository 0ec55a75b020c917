import { useStore } from 'zustand';
import { DEFAULT_QA_THRESHOLDS, QA_THRESHOLD_LIMITS, type QaThresholds } from '../../../../electron/common/channels/qa';
import { useStudio } from '../../app/context';
import { DraftField, numberParser, type Parsed } from '../prompt/fields';
import { effectiveThresholds } from './verdicts';
import './qa.css';

// The project's quality bar (settings.qa in project.aiprod.json), beside the other project settings:
// saved with the project, undone and redone like them. An emptied field turns that check off.

type Key = keyof QaThresholds;

interface FieldSpec {
  key: Key;
  label: string;
  hint: string;
  /** The field shows value * scale (prompt adherence as a percentage). */
  scale: number;
  range: { min: number; max: number };
  step: number;
}

const FIELDS: readonly FieldSpec[] = [
  { key: 'minSsim', label: 'Minimum SSIM', hint: 'Against the reference video, 0 to 1.', scale: 1, range: QA_THRESHOLD_LIMITS.minSsim, step: 0.01 },
  { key: 'minPsnr', label: 'Minimum PSNR (dB)', hint: 'Against the reference video.', scale: 1, range: QA_THRESHOLD_LIMITS.minPsnr, step: 0.5 },
  { key: 'maxFlicker', label: 'Maximum flicker (luma levels)', hint: 'Mean brightness change between frames.', scale: 1, range: QA_THRESHOLD_LIMITS.maxFlicker, step: 0.1 },
  { key: 'minPromptAdherence', label: 'Minimum prompt adherence (%)', hint: 'Share of the prompt the judge sees.', scale: 100, range: QA_THRESHOLD_LIMITS.minPromptAdherence, step: 1 },
];

function parserFor(spec: FieldSpec): (text: string) => Parsed<number | undefined> {
  const parse = numberParser({ min: spec.range.min * spec.scale, max: spec.range.max * spec.scale }, { optional: true });
  return (text) => parse(text);
}

/** Thresholds of the open project's QA badges; nothing when no project is open. */
export function QaThresholdsSection() {
  const { stores } = useStudio();
  const stored = useStore(stores.project, (s) => s.doc?.settings.qa);
  const open = useStore(stores.project, (s) => s.status === 'open');
  if (!open) return null;
  const thresholds = effectiveThresholds(stored);
  const update = (patch: Partial<QaThresholds>, key: string) => stores.project.getState().updateSettings({ qa: { ...thresholds, ...patch } }, key);
  return (
    <section className="panel settings qa-thresholds" aria-labelledby="qa-thresholds-title">
      <h2 id="qa-thresholds-title">Quality thresholds</h2>
      <p className="muted">The bar the Quality panel's pass/fail badges use for this project's renders. Saved with the project; leave a field empty to turn that check off.</p>
      <div className="settings-grid">
        {FIELDS.map((spec) => {
          const value = thresholds[spec.key];
          return (
            <DraftField<number | undefined>
              key={spec.key}
              label={spec.label}
              type="number"
              inputMode="decimal"
              value={value === null ? undefined : Math.round(value * spec.scale * 1e6) / 1e6}
              format={(v) => (v === undefined ? '' : String(v))}
              parse={parserFor(spec)}
              onCommit={(v) => update({ [spec.key]: v === undefined ? null : v / spec.scale }, `qa.${spec.key}`)}
              min={spec.range.min * spec.scale}
              max={spec.range.max * spec.scale}
              step={spec.step}
              placeholder="off"
              hint={<span className="muted hint">{value === null ? 'Off.' : spec.hint}</span>}
            />
          );
        })}
      </div>
      <button type="button" onClick={() => stores.project.getState().updateSettings({ qa: { ...DEFAULT_QA_THRESHOLDS } })}>
        Reset to the defaults
      </button>
    </section>
  );
}
