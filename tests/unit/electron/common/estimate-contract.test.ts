import { describe, expect, it } from 'vitest';
import { EVENT_CHANNELS, INVOKE_CHANNELS } from '../../../../electron/common/channel-names';
import { EstimateShotPayload, PRICING_LIMITS } from '../../../../electron/common/channels/estimate';
import { invokeChannels } from '../../../../electron/common/contract';
import { PRICING_LIMITS as ENGINE_PRICING_LIMITS } from '../../../../engine/cost/pricing';

// The estimate and pricing domains as the contract declares them. The pricing bounds are written
// twice (electron/common imports nothing of ours): the form's hints must say what the engine checks.

describe('the estimate contract', () => {
  it('states the pricing bounds the engine checks', () => {
    expect(PRICING_LIMITS).toEqual(ENGINE_PRICING_LIMITS);
  });

  it('lists the estimate and pricing channels and events', () => {
    expect(INVOKE_CHANNELS).toEqual(expect.arrayContaining(['estimate.shot', 'estimate.timeline', 'estimate.accuracy', 'pricing.get', 'pricing.save']));
    expect(EVENT_CHANNELS).toEqual(expect.arrayContaining(['estimate.calibration', 'pricing.changed']));
    expect(invokeChannels['estimate.shot'].payload).toBe(EstimateShotPayload);
  });

  it('takes the prompt editor’s request and refuses unknown keys and tiers', () => {
    expect(EstimateShotPayload.safeParse({ model: 'aiprod-nano', tier: 'eco', steps: 12, device: 'auto' }).success).toBe(true);
    expect(EstimateShotPayload.safeParse({ tier: 'eco', device: 'auto', prompt: 'no' }).success).toBe(false);
    const bad = EstimateShotPayload.safeParse({ tier: 'ultra', device: 'auto' });
    expect(bad.success).toBe(false);
    expect(bad.error?.issues[0]?.path).toEqual(['tier']);
  });
});
