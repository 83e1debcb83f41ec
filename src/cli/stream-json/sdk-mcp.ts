// The Claude Agent SDK's in-process MCP servers (`createSdkMcpServer`, `type: "sdk"` in --mcp-config): tandem's
// MCP client talks to them through `mcp_message` control requests, each carrying one JSON-RPC message; the SDK
// answers a request with its JSON-RPC response. Messages the server starts (notifications) come the other way.
// The session (and its MCP client) exists before the control channel does, so messages wait for `attach`.
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import type { JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';
import type { ControlChannel, ControlPayload } from './control.js';

export class SdkMcpBridge {
  #control?: ControlChannel;
  #attached: Promise<void>;
  #attach!: () => void;
  readonly #transports = new Map<string, SdkMcpTransport>();

  constructor() {
    this.#attached = new Promise((resolve) => { this.#attach = resolve; });
  }

  /** The control channel is up (the SDK sent initialize): queued messages go out. */
  attach(control: ControlChannel): void {
    this.#control = control;
    this.#attach();
  }

  transport(server: string): Transport {
    const t = new SdkMcpTransport(server, this);
    this.#transports.set(server, t);
    return t;
  }

  async send(server: string, message: JSONRPCMessage): Promise<ControlPayload> {
    await this.#attached;
    return this.#control!.request({ subtype: 'mcp_message', server_name: server, message });
  }

  /** An `mcp_message` control request from the SDK: a message its server sent to tandem. */
  onSdkMessage(request: ControlPayload): ControlPayload {
    const server = String(request.server_name ?? '');
    const t = this.#transports.get(server);
    if (!t) throw new Error(`tandem has no SDK MCP server named "${server}"`);
    t.onmessage?.(request.message as JSONRPCMessage);
    return { mcp_response: { jsonrpc: '2.0', result: {}, id: 0 } };
  }
}

class SdkMcpTransport implements Transport {
  onclose?: () => void;
  onerror?: (error: Error) => void;
  onmessage?: (message: JSONRPCMessage) => void;
  #closed = false;

  constructor(private readonly server: string, private readonly bridge: SdkMcpBridge) {}

  async start(): Promise<void> {}

  async send(message: JSONRPCMessage): Promise<void> {
    if (this.#closed) throw new Error(`the SDK MCP server "${this.server}" is closed`);
    const isRequest = 'method' in message && 'id' in message;
    const reply = this.bridge.send(this.server, message).then(
      (response) => {
        const answer = response.mcp_response as JSONRPCMessage | undefined;
        if (isRequest && answer && !this.#closed) this.onmessage?.(answer);
      },
      (err: Error) => {
        if (!isRequest || this.#closed) return;
        // The request fails as JSON-RPC, so the client's caller gets an error for this call alone.
        this.onmessage?.({ jsonrpc: '2.0', id: (message as { id: string | number }).id, error: { code: -32603, message: `the SDK program did not answer: ${err.message}` } });
      },
    );
    // A response or notification from tandem's side needs no answer to wait for.
    if (!isRequest) await reply;
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.onclose?.();
  }
}
