import { useEffect, useId, useState } from 'react';
import { PRICING_LIMITS, type PricingDto, type PricingViewDto } from '../../../../electron/common/channels/estimate';
import { useEstimateStore } from './estimate-store';
import { describeAccuracy } from './format';
import './estimate.css';

// Settings › Pricing: the prices and powers the estimates apply (an app-wide setting, saved in the
// user's AIPROD_HOME/pricing.json). The engine validates what is saved and names the field at fault;
// the form shows that message under the field, and the pricing in force stays what it was until a
// valid save. The form itself only checks that numbers are numbers.

type FieldKey = 'currency' | 'electricity.pricePerKWh' | 'amortisation.gpuPerHour' | 'amortisation.cpuPerHour' | 'power.gpuBoardWatts' | 'power.cpuPackageWatts';
type Drafts = Record<FieldKey, string>;

interface FieldSpec {
  key: FieldKey;
  label: string;
  unit: (currency: string) => string;
  range?: { min: number; max: number };
}

const FIELDS: readonly FieldSpec[] = [
  { key: 'currency', label: 'Currency', unit: () => 'ISO 4217 code, e.g. EUR' },
  { key: 'electricity.pricePerKWh', label: 'Electricity price', unit: (c) => `${c} per kWh`, range: PRICING_LIMITS.pricePerKWh },
  { key: 'amortisation.gpuPerHour', label: 'GPU amortisation', unit: (c) => `${c} per GPU-hour`, range: PRICING_LIMITS.amortisationPerHour },
  { key: 'amortisation.cpuPerHour', label: 'CPU amortisation', unit: (c) => `${c} per CPU-hour`, range: PRICING_LIMITS.amortisationPerHour },
  { key: 'power.gpuBoardWatts', label: 'GPU power', unit: () => 'W, when nvidia-smi cannot tell', range: PRICING_LIMITS.watts },
  { key: 'power.cpuPackageWatts', label: 'CPU power', unit: () => 'W', range: PRICING_LIMITS.watts },
];

function draftsOf(p: PricingDto): Drafts {
  return {
    currency: p.currency,
    'electricity.pricePerKWh': String(p.electricity.pricePerKWh),
    'amortisation.gpuPerHour': String(p.amortisation.gpuPerHour),
    'amortisation.cpuPerHour': String(p.amortisation.cpuPerHour),
    'power.gpuBoardWatts': String(p.power.gpuBoardWatts),
    'power.cpuPackageWatts': String(p.power.cpuPackageWatts),
  };
}

/** The drafts as the engine's pricing, or the fields that are not even numbers. */
function pricingOf(drafts: Drafts): { ok: true; pricing: PricingDto } | { ok: false; errors: Partial<Record<FieldKey, string>> } {
  const errors: Partial<Record<FieldKey, string>> = {};
  const num = (key: FieldKey): number => {
    const text = drafts[key].trim();
    const n = text === '' ? Number.NaN : Number(text);
    if (!Number.isFinite(n)) errors[key] = `${key}: a number is needed`;
    return n;
  };
  const pricing: PricingDto = {
    currency: drafts.currency.trim(),
    electricity: { pricePerKWh: num('electricity.pricePerKWh') },
    amortisation: { gpuPerHour: num('amortisation.gpuPerHour'), cpuPerHour: num('amortisation.cpuPerHour') },
    power: { gpuBoardWatts: num('power.gpuBoardWatts'), cpuPackageWatts: num('power.cpuPackageWatts') },
  };
  return Object.keys(errors).length > 0 ? { ok: false, errors } : { ok: true, pricing };
}

function isFieldKey(value: unknown): value is FieldKey {
  return FIELDS.some((f) => f.key === value);
}

function InForce({ view }: { view: PricingViewDto }) {
  const p = view.pricing;
  return (
    <p className="muted" aria-label="Pricing in force">
      In force: {p.electricity.pricePerKWh} {p.currency}/kWh, amortisation {p.amortisation.gpuPerHour} {p.currency}/GPU-hour and {p.amortisation.cpuPerHour} {p.currency}/CPU-hour, GPU {p.power.gpuBoardWatts} W, CPU {p.power.cpuPackageWatts} W
      <span className="hint"> (from {view.file})</span>
    </p>
  );
}

export function PricingSection() {
  const titleId = useId();
  const view = useEstimateStore((s) => s.pricing);
  const loadError = useEstimateStore((s) => s.pricingError);
  const accuracy = useEstimateStore((s) => s.accuracy);
  const loadPricing = useEstimateStore((s) => s.loadPricing);
  const loadAccuracy = useEstimateStore((s) => s.loadAccuracy);
  const savePricing = useEstimateStore((s) => s.savePricing);
  const [drafts, setDrafts] = useState<Drafts | null>(null);
  const [errors, setErrors] = useState<Partial<Record<FieldKey, string>>>({});
  const [status, setStatus] = useState<{ kind: 'saved' | 'problem'; text: string } | null>(null);
  const [saving, setSaving] = useState(false);

  useEffect(() => {
    void loadPricing();
    void loadAccuracy();
  }, [loadPricing, loadAccuracy]);
  // A pricing that arrives (first load, or saved from another window) fills an untouched form.
  const [shown, setShown] = useState<PricingViewDto | null>(null);
  if (view !== null && view !== shown && (drafts === null || shown === null || JSON.stringify(drafts) === JSON.stringify(draftsOf(shown.pricing)))) {
    setShown(view);
    setDrafts(draftsOf(view.pricing));
  }

  const ids = useId();
  if (drafts === null || view === null) {
    return (
      <section className="panel settings" aria-labelledby={titleId}>
        <h2 id={titleId}>Pricing</h2>
        {loadError === null ? <p className="muted">Loading…</p> : <p className="estimate-problem">The pricing cannot be read: {loadError.message}</p>}
      </section>
    );
  }

  async function save(current: Drafts): Promise<void> {
    setStatus(null);
    const parsed = pricingOf(current);
    if (!parsed.ok) {
      setErrors(parsed.errors);
      setStatus({ kind: 'problem', text: 'Not saved: fix the fields marked above. The pricing in force is unchanged.' });
      return;
    }
    setSaving(true);
    const outcome = await savePricing(parsed.pricing);
    setSaving(false);
    if (outcome.ok) {
      setShown(outcome.view);
      setDrafts(draftsOf(outcome.view.pricing));
      setErrors({});
      setStatus({ kind: 'saved', text: 'Saved. Estimates now use these prices.' });
      return;
    }
    const field = outcome.error.detail?.field;
    setErrors(isFieldKey(field) ? { [field]: outcome.error.message } : {});
    setStatus({ kind: 'problem', text: `Not saved: ${outcome.error.message}` });
  }

  return (
    <section className="panel settings pricing" aria-labelledby={titleId}>
      <h2 id={titleId}>Pricing</h2>
      <p className="muted">What the estimates charge for a render: electricity at the power drawn, plus the wear of the hardware per hour of use. Saved for this workstation, not with the project.</p>
      {view.problem === undefined ? null : <p className="estimate-problem">Your pricing file is invalid, so the shipped prices apply: {view.problem}</p>}
      {/* noValidate: the engine checks the values and names the field; the browser's own bubble would stop the save silently. */}
      <form
        className="settings-grid"
        noValidate
        onSubmit={(event) => {
          event.preventDefault();
          void save(drafts);
        }}
      >
        {FIELDS.map((f, i) => {
          const id = `${ids}-${i}`;
          const error = errors[f.key];
          return (
            <div key={f.key} className="form-field">
              <label htmlFor={id}>{f.label}</label>
              <input
                id={id}
                type={f.key === 'currency' ? 'text' : 'number'}
                step="any"
                min={f.range?.min}
                max={f.range?.max}
                value={drafts[f.key]}
                spellCheck={false}
                autoComplete="off"
                aria-invalid={error === undefined ? undefined : true}
                aria-describedby={error === undefined ? undefined : `${id}-error`}
                onChange={(event) => {
                  setDrafts({ ...drafts, [f.key]: event.target.value });
                  setStatus(null);
                }}
              />
              {error === undefined ? (
                <span className="muted hint">{f.unit(view.pricing.currency)}</span>
              ) : (
                <span id={`${id}-error`} className="field-error" role="alert">
                  {error}
                </span>
              )}
            </div>
          );
        })}
        <div className="pricing-actions">
          <button type="submit" className="primary" disabled={saving}>
            Save pricing
          </button>
          <button
            type="button"
            onClick={() => {
              setDrafts(draftsOf(view.pricing));
              setErrors({});
              setStatus(null);
            }}
          >
            Revert
          </button>
          {status === null ? null : (
            <span className={status.kind === 'saved' ? 'muted' : 'estimate-problem'} role="status">
              {status.text}
            </span>
          )}
        </div>
      </form>
      <InForce view={view} />
      <p className="muted estimate-accuracy">{describeAccuracy(accuracy)}</p>
    </section>
  );
}
