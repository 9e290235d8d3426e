import { decodeFrame } from "./frame";
import { IngestClient, type SocketLike } from "./ingest";

class FakeSocket implements SocketLike {
  readyState = 0;
  bufferedAmount = 0;
  binaryType: BinaryType = "blob";
  sent: { identity: string; seq: number }[] = [];
  closed = false;
  onopen: ((ev: Event) => void) | null = null;
  onclose: ((ev: CloseEvent) => void) | null = null;
  onmessage: ((ev: MessageEvent) => void) | null = null;
  onerror: ((ev: Event) => void) | null = null;
  send(data: Uint8Array) {
    const f = decodeFrame(data);
    this.sent.push({ identity: f.identity, seq: f.seq });
  }
  close() {
    this.closed = true;
    this.readyState = 3;
  }
  open() {
    this.readyState = 1;
    this.onopen?.(new Event("open"));
  }
  say(message: unknown) {
    this.onmessage?.(new MessageEvent("message", { data: JSON.stringify(message) }));
  }
  drop() {
    this.readyState = 3;
    this.onclose?.(new CloseEvent("close"));
  }
}

/** Manual timers: `run()` fires everything due. */
function timers() {
  let queue: { fn: () => void; id: number }[] = [];
  let id = 0;
  return {
    setTimeout: (fn: () => void) => {
      queue.push({ fn, id: ++id });
      return id;
    },
    clearTimeout: (h: unknown) => {
      queue = queue.filter((t) => t.id !== h);
    },
    run() {
      const due = queue;
      queue = [];
      due.forEach((t) => t.fn());
    },
  };
}

const frame = () => new Int16Array(320);
const tick = () => new Promise((r) => setTimeout(r, 0));

async function setup(capacity = 1500) {
  const sockets: FakeSocket[] = [];
  const t = timers();
  const refused: string[] = [];
  const client = new IngestClient({
    connect: async () => {
      const s = new FakeSocket();
      sockets.push(s);
      return s;
    },
    capacity,
    setTimeout: t.setTimeout,
    clearTimeout: t.clearTimeout,
    onRefused: (id) => refused.push(id),
  });
  client.start();
  await tick();
  return { client, sockets, t, refused };
}

describe("IngestClient", () => {
  it("buffers until the server's resume, then sends every frame in order", async () => {
    const { client, sockets } = await setup();
    for (let i = 0; i < 5; i++) client.push("host-1", frame(), 1000 + i * 20);
    sockets[0].open();
    expect(sockets[0].sent).toHaveLength(0);
    sockets[0].say({ type: "resume", next_seq: {} });
    expect(sockets[0].sent.map((f) => f.seq)).toEqual([0, 1, 2, 3, 4]);
    client.push("host-1", frame(), 2000);
    expect(sockets[0].sent.at(-1)).toEqual({ identity: "host-1", seq: 5 });
    expect(client.status).toBe("live");
  });

  it("continues the server's numbering after a page reload", async () => {
    const { client, sockets } = await setup();
    client.push("guest-a", frame(), 1);
    client.push("guest-a", frame(), 2);
    sockets[0].open();
    sockets[0].say({ type: "resume", next_seq: { "guest-a": 700, "host-1": 90 } });
    expect(sockets[0].sent.map((f) => f.seq)).toEqual([700, 701]);
    // A participant first heard after the resume starts where the server is.
    client.push("host-1", frame(), 3);
    expect(sockets[0].sent.at(-1)).toEqual({ identity: "host-1", seq: 90 });
  });

  it("resends exactly what the server lacks after a reconnect", async () => {
    const { client, sockets, t } = await setup();
    sockets[0].open();
    sockets[0].say({ type: "resume", next_seq: {} });
    for (let i = 0; i < 10; i++) client.push("host-1", frame(), i);
    sockets[0].say({ type: "ack", next_seq: { "host-1": 6 } });
    expect(client.pending()).toEqual({ "host-1": 4 });
    sockets[0].drop();
    for (let i = 10; i < 13; i++) client.push("host-1", frame(), i);
    expect(client.status).toBe("offline");
    t.run(); // reconnect timer
    await tick();
    sockets[1].open();
    sockets[1].say({ type: "resume", next_seq: { "host-1": 8 } });
    expect(sockets[1].sent.map((f) => f.seq)).toEqual([8, 9, 10, 11, 12]);
    expect(client.counters.resent).toBe(2);
  });

  it("never sends a refused participant again", async () => {
    const { client, sockets, refused } = await setup();
    sockets[0].open();
    sockets[0].say({ type: "resume", next_seq: {} });
    client.push("guest-x", frame(), 0);
    sockets[0].say({ type: "refused", identity: "guest-x", reason: "declined consent" });
    client.push("guest-x", frame(), 1);
    client.push("host-1", frame(), 1);
    expect(sockets[0].sent).toEqual([
      { identity: "guest-x", seq: 0 },
      { identity: "host-1", seq: 0 },
    ]);
    expect(refused).toEqual(["guest-x"]);
    expect(client.isRefused("guest-x")).toBe(true);
  });

  it("keeps the newest frames when the ring overflows while offline", async () => {
    const { client, sockets } = await setup(4);
    for (let i = 0; i < 6; i++) client.push("host-1", frame(), i);
    sockets[0].open();
    sockets[0].say({ type: "resume", next_seq: {} });
    expect(sockets[0].sent.map((f) => f.seq)).toEqual([2, 3, 4, 5]);
  });

  it("holds frames while the socket is backed up", async () => {
    const { client, sockets, t } = await setup();
    sockets[0].open();
    sockets[0].say({ type: "resume", next_seq: {} });
    sockets[0].bufferedAmount = 10_000_000;
    client.push("host-1", frame(), 0);
    expect(sockets[0].sent).toHaveLength(0);
    sockets[0].bufferedAmount = 0;
    t.run();
    expect(sockets[0].sent).toHaveLength(1);
  });

  it("sends anyway when the server never says resume", async () => {
    const { client, sockets, t } = await setup();
    client.push("host-1", frame(), 0);
    sockets[0].open();
    t.run();
    expect(sockets[0].sent).toHaveLength(1);
    client.stop();
    expect(sockets[0].closed).toBe(true);
  });
});
