import { describe, expect, it } from 'vitest';
import { DEFAULT_DISTRIBUTION_SETTINGS, resolveDistributionSettings, type Invoke } from './distribution-settings.js';
import { invokeLocal } from '../services.js';
import { DEFAULT_MAX_FRAME_BYTES } from '../wire/frame.js';

const quiet = { debug() {}, info() {}, warning() {}, error() {} };

describe('resolveDistributionSettings', () => {
  it('applies every default when nothing is given', () => {
    const settings = resolveDistributionSettings();
    expect(settings).toEqual({ ...DEFAULT_DISTRIBUTION_SETTINGS, invoke: invokeLocal, logger: expect.any(Object) });
    // The values the README and SPEC state (kernel.netTicktime 60 s, a 64 MiB frame, an 8 MiB send queue).
    expect(DEFAULT_DISTRIBUTION_SETTINGS).toMatchObject({ netTicktimeMs: 60_000, maxFrameBytes: DEFAULT_MAX_FRAME_BYTES, maxSendQueueBytes: 8 * 1024 * 1024 });
    expect(typeof settings.logger.warning).toBe('function');
  });

  it('keeps every value given over its default', () => {
    const invoke: Invoke = () => 'here';
    const given = {
      handshakeTimeoutMs: 1,
      firstFrameTimeoutMs: 2,
      maxFrameBytes: 3,
      netTicktimeMs: 4,
      maxSendQueueBytes: 5,
      handshakeLimits: { maxPerAddress: 6, maxTotal: 7 },
      invoke,
      logger: quiet,
    };
    expect(resolveDistributionSettings(given)).toEqual(given);
  });

  it('defaults only what was left out', () => {
    const settings = resolveDistributionSettings({ netTicktimeMs: 400 });
    expect(settings.netTicktimeMs).toBe(400);
    expect(settings.handshakeTimeoutMs).toBe(DEFAULT_DISTRIBUTION_SETTINGS.handshakeTimeoutMs);
  });

  it('is read-only once resolved', () => {
    const settings = resolveDistributionSettings();
    expect(Object.isFrozen(settings)).toBe(true);
    expect(() => Object.assign(settings, { netTicktimeMs: 1 })).toThrow(TypeError);
  });
});
