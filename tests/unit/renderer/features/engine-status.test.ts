import { renderToStaticMarkup } from 'react-dom/server';
import { createElement } from 'react';
import { describe, expect, it } from 'vitest';
import type { AppInfo } from '../../../../electron/common/channels/app';
import { AppShell } from '../../../../renderer/src/app/AppShell';
import { PAGES } from '../../../../renderer/src/app/pages';
import { ActivityLogView } from '../../../../renderer/src/features/engine-status/ActivityLogView';
import { EngineStatusView } from '../../../../renderer/src/features/engine-status/EngineStatusView';

const INFO: AppInfo = {
  appVersion: '0.1.0',
  shell: 'electron',
  shellVersion: '45.4.1',
  node: '22.20.0',
  onnxruntime: '1.29.0',
  platform: 'linux-x64',
  executionProviders: { cpu: { available: true }, cuda: { available: false, reason: 'libcudart.so.12 not found' } },
  ffmpeg: { path: '/usr/bin/ffmpeg', version: '5.1.9' },
  packs: [{ id: 'aiprod-nano', name: 'AIPROD-Nano', status: 'pending_training' }],
};

const html = (node: Parameters<typeof renderToStaticMarkup>[0]): string => renderToStaticMarkup(node);

describe('EngineStatusView', () => {
  it('names every value by its label, and says why CUDA is unavailable', () => {
    const out = html(createElement(EngineStatusView, { state: { status: 'ready', info: INFO, error: null } }));
    expect(out).toContain('aria-labelledby="engine-status-title"');
    expect(out).toMatch(/<dt id="status-node">Node<\/dt><dd aria-labelledby="status-node">22\.20\.0<\/dd>/);
    expect(out).toMatch(/<dd aria-labelledby="status-shell">Electron 45\.4\.1<\/dd>/);
    expect(out).toMatch(/<dd aria-labelledby="status-app-version">0\.1\.0<\/dd>/);
    expect(out).toContain('aria-label="CUDA execution provider"');
    expect(out).toContain('unavailable');
    expect(out).toContain('libcudart.so.12 not found');
    expect(out).toContain('<code>/usr/bin/ffmpeg</code>');
    expect(out).toContain('pending training');
  });

  it('shows a working CUDA without a reason, and a missing ffmpeg as a problem', () => {
    const info: AppInfo = { ...INFO, shell: 'host', shellVersion: '0.1.0', executionProviders: { cpu: { available: true }, cuda: { available: true } }, ffmpeg: { path: null, error: 'ffmpeg was not found' }, packs: [] };
    const out = html(createElement(EngineStatusView, { state: { status: 'ready', info, error: null } }));
    expect(out).toMatch(/CUDA<\/span> available/);
    expect(out).toContain('Headless host 0.1.0');
    expect(out).toContain('not found: ffmpeg was not found');
    expect(out).toContain('No model pack found');
  });

  it('announces loading, and an error as an alert with its code', () => {
    expect(html(createElement(EngineStatusView, { state: { status: 'loading', info: null, error: null } }))).toContain('role="status"');
    const out = html(createElement(EngineStatusView, { state: { status: 'error', info: null, error: { code: 'DISCONNECTED', message: 'host gone' } }, onRetry: () => undefined }));
    expect(out).toContain('role="alert"');
    expect(out).toContain('DISCONNECTED');
    expect(out).toContain('Try again');
    expect(out).not.toContain('Reading the engine status');
  });
});

describe('ActivityLogView', () => {
  it('lists entries with their time and source', () => {
    const out = html(createElement(ActivityLogView, { entries: [{ time: '2025-01-01T10:00:00.000Z', level: 'warn', source: 'host', message: 'disk nearly full' }] }));
    expect(out).toContain('aria-label="Activity log"');
    expect(out).toContain('dateTime="2025-01-01T10:00:00.000Z"');
    expect(out).toContain('class="level-warn"');
    expect(out).toContain('disk nearly full');
  });
});

describe('AppShell', () => {
  it('names the app and shows only the pages that exist, marking the current one', () => {
    const out = html(createElement(AppShell, { currentId: 'studio', children: 'page' }));
    expect(out).toContain('<h1 class="brand">AIPROD Studio</h1>');
    expect(out).toContain('aria-label="Main"');
    const links = [...out.matchAll(/<a href="#\/([a-z-]+)"[^>]*>([^<]+)<\/a>/g)].map((m) => [m[1], m[2]]);
    expect(links).toEqual(PAGES.map((p) => [p.id, p.label]));
    expect(out).toContain('<a href="#/studio" aria-current="page">Studio</a>');
  });
});
