// What the tunnel manager needs from a tunnel provider: open a public endpoint in front of
// one local address, tell when it drops, close it. ngrok implements it (ngrok-driver.ts);
// tests put a stand-in behind the same interface.

export interface TunnelOpenOptions {
  /** The local address to forward to: always the ingest listener, never the control one. */
  host: string;
  port: number;
  authtoken: string;
  /** A reserved or free dev domain to pin, or null for whatever the provider assigns. */
  domain: string | null;
  /** Called (at most once per open) when the provider reports the connection lost. */
  onDrop: (reason: string) => void;
}

export interface TunnelHandle {
  /** The public base URL, without a trailing slash. */
  url: string;
  close(): Promise<void>;
}

export interface TunnelDriver {
  /** What to call it in messages ("ngrok"). */
  name: string;
  open(options: TunnelOpenOptions): Promise<TunnelHandle>;
}

/**
 * A failure to open a tunnel. `permanent` ones (no authtoken, a refused authtoken, a domain
 * that is not yours, the module missing) are not retried: retrying cannot help, and would
 * hide the message behind "reconnecting".
 */
export class TunnelStartError extends Error {
  constructor(
    message: string,
    readonly permanent: boolean,
  ) {
    super(message);
    this.name = 'TunnelStartError';
  }
}
