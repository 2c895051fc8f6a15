/** SDK settings a load client uses; each differs from the browser default for a reason given. */
export interface ClientTuning {
  /** Sends of one member on the wire at once (SDK default 1 would cap a sender at 1/RTT msg/s). */
  maxInFlight: number;
  /**
   * How long a gap the server confirms empty is waited on before it is skipped as a hole. A
   * pod killed between allocating a seq and storing it leaves a gap that the sender's resend
   * (same key, same seq) fills after its reconnect; skipping it first would show that message
   * late, out of order. It must also outlast a lost transmission: a send that got no answer is
   * resent with its key (and its seq) after requestTimeoutMs plus backoff, so the hole timeout
   * sits above that (the SDK's defaults, 2 s against 10 s, show such a message late). Real holes
   * need a sender that gave up, which load senders never do.
   */
  holeTimeoutMs: number;
  /** Reconnect backoff: short, so a failover is measured, not the backoff. */
  reconnectBaseMs: number;
  reconnectMaxMs: number;
  requestTimeoutMs: number;
}

export const DEFAULT_TUNING: ClientTuning = {
  maxInFlight: 64,
  holeTimeoutMs: 15_000,
  reconnectBaseMs: 200,
  reconnectMaxMs: 2_000,
  requestTimeoutMs: 10_000,
};
