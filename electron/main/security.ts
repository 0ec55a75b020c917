import type { AppLike, SessionLike, WebContentsLike } from './electron-api';

// Everything that keeps the studio's window offline and boxed in (DESIGN.md §5).

export const APP_SCHEME = 'app';
/** The studio's one origin. A standard scheme needs a host; it names nothing on any network. */
export const APP_ORIGIN = 'app://studio';
export const APP_ENTRY_URL = `${APP_ORIGIN}/index.html`;

/** Whether a URL is the studio's own page (or one of its files). */
export function isAppUrl(url: string): boolean {
  return url.startsWith(`${APP_ORIGIN}/`);
}

/** Schemes the session lets through: the app's own files, the built-in DevTools, and in-memory
 * data/blob URLs, which never leave the process. Everything else (http, https, ws, ftp, file, ...)
 * is cancelled. */
const ALLOWED_REQUEST_SCHEMES = ['app:', 'devtools:', 'data:', 'blob:'];

export function isAllowedRequestUrl(url: string): boolean {
  const scheme = /^[a-z][a-z0-9+.-]*:/i.exec(url)?.[0].toLowerCase();
  if (scheme === undefined) return false;
  if (scheme === 'app:') return isAppUrl(url);
  return ALLOWED_REQUEST_SCHEMES.includes(scheme);
}

/**
 * Chromium switches, appended before the app is ready: no name resolves (nothing is looked up on
 * any DNS server even if a request slipped past the filter), no proxy auto-detection (WPAD), no
 * background or component-update traffic.
 */
export const COMMAND_LINE_SWITCHES: readonly (readonly [string, string?])[] = [
  ['host-resolver-rules', 'MAP * ~NOTFOUND'],
  ['no-proxy-server'],
  ['disable-background-networking'],
  ['disable-component-update'],
  ['disable-domain-reliability'],
];

export function applyCommandLineSwitches(app: AppLike): void {
  for (const [name, value] of COMMAND_LINE_SWITCHES) {
    if (value === undefined) app.commandLine.appendSwitch(name);
    else app.commandLine.appendSwitch(name, value);
  }
}

/** The session-wide rules: one request filter, no permission ever granted, no spellchecker
 * (it would download dictionaries). */
export function hardenSession(session: SessionLike): void {
  session.webRequest.onBeforeRequest((details, callback) => callback({ cancel: !isAllowedRequestUrl(details.url) }));
  session.setPermissionRequestHandler((_webContents, _permission, callback) => callback(false));
  session.setPermissionCheckHandler(() => false);
  session.setSpellCheckerEnabled(false);
}

/** Applied to every web contents the app creates: no navigation, no redirects away, no popups,
 * no <webview>. The page is a single-page app; it never needs to leave index.html. */
export function hardenWebContents(contents: WebContentsLike): void {
  contents.on('will-navigate', (event) => event.preventDefault());
  contents.on('will-redirect', (event, url) => {
    if (!isAppUrl(url)) event.preventDefault();
  });
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.setWindowOpenHandler(() => ({ action: 'deny' }));
}
