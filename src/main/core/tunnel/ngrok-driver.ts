// The ngrok tunnel, run inside the core through the official SDK (@ngrok/ngrok). The module
// is an optional dependency with a native binary per platform, so it is imported only when
// a tunnel is turned on, and its absence is a message rather than a crash at start.
//
// Only options that leave request bodies untouched are set: no compression, no traffic
// policy, no header rewriting. Signatures are computed over the exact bytes the provider
// sent, and ngrok forwards them as they are unless told otherwise.
import { TunnelStartError } from './driver';
import type { TunnelDriver, TunnelHandle, TunnelOpenOptions } from './driver';

/** The part of @ngrok/ngrok this driver uses (its `forward` and `Listener`). */
export interface NgrokModule {
  forward(config: {
    addr: string;
    authtoken: string;
    domain?: string;
    server_addr?: string;
    onStatusChange?: (status: string) => void;
  }): Promise<{ url(): string | null; close(): Promise<void> }>;
}

export interface NgrokDriverOptions {
  /** The ngrok service to dial; only tests set it (to an address where nothing listens). */
  serverAddr?: string;
  /** How the module is loaded; the default is a dynamic import of @ngrok/ngrok. */
  load?: () => Promise<NgrokModule>;
}

const DEFAULT_SERVER = 'connect.ngrok-agent.com:443';

async function loadNgrok(): Promise<NgrokModule> {
  const mod = (await import('@ngrok/ngrok')) as unknown as NgrokModule & { default?: NgrokModule };
  return typeof mod.forward === 'function' ? mod : (mod.default as NgrokModule);
}

/** ngrok's own refusals carry an ERR_NGROK_ code; retrying them cannot help. */
export function ngrokErrorMessage(err: unknown, server: string): TunnelStartError {
  const message = err instanceof Error ? err.message : String(err);
  const code = /ERR_NGROK_\d+/.exec(message)?.[0] ?? null;
  if (code) {
    const hint = /ERR_NGROK_(105|106|107|4018)\b/.test(code)
      ? 'the authtoken was refused: copy it again from https://dashboard.ngrok.com/get-started/your-authtoken and run `tidings tunnel token`'
      : /ERR_NGROK_(313|319|320|334|8012)\b/.test(code)
        ? 'the domain is not available to this account, or is already in use by another agent: check --domain'
        : `see https://ngrok.com/docs/errors/${code.toLowerCase().replace(/_/g, '_')}/`;
    return new TunnelStartError(`ngrok refused the tunnel (${code}): ${hint}. ngrok said: ${message}`, true);
  }
  return new TunnelStartError(
    `ngrok: could not connect to the ngrok service at ${server} (${message}); check the network connection and any firewall or proxy that blocks outgoing connections`,
    false,
  );
}

export function createNgrokDriver(options: NgrokDriverOptions = {}): TunnelDriver {
  const server = options.serverAddr ?? DEFAULT_SERVER;
  return {
    name: 'ngrok',
    async open(o: TunnelOpenOptions): Promise<TunnelHandle> {
      let ngrok: NgrokModule;
      try {
        ngrok = await (options.load ?? loadNgrok)();
      } catch (err) {
        throw new TunnelStartError(
          `ngrok: the @ngrok/ngrok module could not be loaded (${(err as Error).message}); it is an optional dependency: reinstall Tidings, or run \`npm install @ngrok/ngrok\` in a checkout. Or run your own tunnel and give its address with \`tidings tunnel url <URL>\``,
          true,
        );
      }
      // The SDK also reports 'closed' for a session that never opened; that is a start
      // failure (thrown below), not a drop to reconnect from.
      let open = false;
      let dropped = false;
      let listener: Awaited<ReturnType<NgrokModule['forward']>>;
      try {
        listener = await ngrok.forward({
          addr: `${o.host}:${o.port}`,
          authtoken: o.authtoken,
          ...(o.domain ? { domain: o.domain } : {}),
          ...(options.serverAddr ? { server_addr: options.serverAddr } : {}),
          // 'closed' when the session is lost. The manager reopens it with its own backoff,
          // so that the state (and the reason) stays visible rather than hidden in the SDK.
          onStatusChange: (status) => {
            if (status === 'closed' && open && !dropped) {
              dropped = true;
              o.onDrop('the connection to ngrok was lost');
            }
          },
        });
      } catch (err) {
        throw ngrokErrorMessage(err, server);
      }
      open = true;
      const url = listener.url();
      if (!url) {
        await listener.close().catch(() => {});
        throw new TunnelStartError('ngrok opened a tunnel but gave no URL for it', false);
      }
      return {
        url: url.replace(/\/+$/, ''),
        close: async () => {
          dropped = true;
          await listener.close();
        },
      };
    },
  };
}
