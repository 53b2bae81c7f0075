// The one envelope every frame on the agent socket travels in, and the codec that validates
// frames on both ends. A frame that fails validation never throws out of `decodeFrame`: the
// caller gets a coded error to reply with and log.
import { z } from "zod";

export const PROTOCOL_VERSION = 1;

export const ZEnvelope = z.object({
  v: z.number().int().positive(),
  id: z.string().min(1).max(64),
  type: z.string().regex(/^[A-Z][A-Z0-9_]*$/, "type must be UPPER_SNAKE"),
  replyTo: z.string().min(1).max(64).optional(),
  payload: z.unknown(),
});
export type TEnvelope = z.infer<typeof ZEnvelope>;

/** Largest frame either side accepts; bulk data never travels on the control socket. */
export const MAX_FRAME_BYTES = 1024 * 1024;

export type FrameErrorCode = "BAD_FRAME" | "FRAME_TOO_LARGE" | "UNSUPPORTED_VERSION" | "UNKNOWN_TYPE" | "BAD_PAYLOAD";

export type DecodeResult<M> =
  | { ok: true; message: M }
  | { ok: false; code: FrameErrorCode; message: string; id?: string };

let counter = 0;
export function newMessageId(): string {
  counter = (counter + 1) % 1_000_000;
  return `${Date.now().toString(36)}-${counter.toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
}

type Catalog = Record<string, z.ZodType>;

/** A message of a catalog: `type` narrows `payload`. */
export type MessageOf<C extends Catalog> = {
  [K in keyof C & string]: { v: number; id: string; type: K; replyTo?: string; payload: z.infer<C[K]> };
}[keyof C & string];

export function encode<C extends Catalog, K extends keyof C & string>(
  _catalog: C,
  type: K,
  payload: z.input<C[K]>,
  replyTo?: string,
): string {
  const frame: TEnvelope = { v: PROTOCOL_VERSION, id: newMessageId(), type, payload };
  if (replyTo) frame.replyTo = replyTo;
  return JSON.stringify(frame);
}

export function decode<C extends Catalog>(catalog: C, raw: unknown): DecodeResult<MessageOf<C>> {
  const text = typeof raw === "string" ? raw : Buffer.isBuffer(raw) ? raw.toString("utf8") : null;
  if (text === null) return { ok: false, code: "BAD_FRAME", message: "frame is not text" };
  if (Buffer.byteLength(text) > MAX_FRAME_BYTES) {
    return { ok: false, code: "FRAME_TOO_LARGE", message: `frame exceeds ${MAX_FRAME_BYTES} bytes` };
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return { ok: false, code: "BAD_FRAME", message: "frame is not valid JSON" };
  }
  const env = ZEnvelope.safeParse(json);
  if (!env.success) {
    return { ok: false, code: "BAD_FRAME", message: `bad envelope: ${summarize(env.error)}` };
  }
  const { v, id, type, replyTo, payload } = env.data;
  if (v !== PROTOCOL_VERSION) {
    return { ok: false, code: "UNSUPPORTED_VERSION", message: `protocol version ${v} is not supported (this side speaks ${PROTOCOL_VERSION})`, id };
  }
  const schema = catalog[type];
  if (!schema) return { ok: false, code: "UNKNOWN_TYPE", message: `unknown message type ${type}`, id };
  const body = schema.safeParse(payload);
  if (!body.success) {
    return { ok: false, code: "BAD_PAYLOAD", message: `${type}: ${summarize(body.error)}`, id };
  }
  const message = { v, id, type, payload: body.data } as MessageOf<C>;
  if (replyTo) message.replyTo = replyTo;
  return { ok: true, message };
}

function summarize(error: z.ZodError): string {
  return error.issues
    .slice(0, 3)
    .map((i) => `${i.path.join(".") || "(root)"}: ${i.message}`)
    .join("; ");
}
