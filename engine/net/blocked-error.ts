import { AiprodError } from '../errors';

/** Which API an attempt went through, as shown in stats and reports. */
export type NetworkApi =
  | 'net.connect'
  | 'tls.connect'
  | 'http.request'
  | 'https.request'
  | 'http2.connect'
  | 'fetch'
  | 'dgram.send'
  | 'dgram.connect'
  | `dns.${string}`;

/** The error every refused attempt gets: code NETWORK_BLOCKED, with what was tried and from where. */
export class NetworkBlockedError extends AiprodError {
  readonly api: NetworkApi;
  readonly target: string;
  readonly origin: string;

  constructor(api: NetworkApi, target: string, origin: string) {
    super(
      'NETWORK_BLOCKED',
      `Network access blocked: ${api} to ${target} from ${origin}. AIPROD Studio runs offline; only loopback connections are allowed.`,
      { kind: 'work', detail: { api, target, origin } },
    );
    this.name = 'NetworkBlockedError';
    this.api = api;
    this.target = target;
    this.origin = origin;
  }
}
