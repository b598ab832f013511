// Follow-up sessions: the set of documents a search returned and the questions asked so far. Bounded in
// count and age so an abandoned session cannot hold memory forever.
import { randomUUID } from 'node:crypto';

export interface Session {
  id: string;
  /** Document ids of the original results, in their original order. */
  documentIds: string[];
  /** Questions asked in this session, the original first. */
  questions: string[];
  termWeight: number;
  lastUsed: number;
}

export class SessionStore {
  private readonly sessions = new Map<string, Session>();

  constructor(
    private readonly maxSessions = 10_000,
    private readonly ttlMs = 60 * 60 * 1000,
    private readonly now: () => number = Date.now,
  ) {}

  open(question: string, documentIds: string[], termWeight: number): Session {
    this.expire();
    while (this.sessions.size >= this.maxSessions) this.sessions.delete(this.sessions.keys().next().value!);
    const session: Session = { id: randomUUID(), documentIds, questions: [question], termWeight, lastUsed: this.now() };
    this.sessions.set(session.id, session);
    return session;
  }

  /** The session, refreshed as most recently used; undefined when unknown or expired. */
  get(id: string): Session | undefined {
    this.expire();
    const session = this.sessions.get(id);
    if (!session) return undefined;
    session.lastUsed = this.now();
    this.sessions.delete(id); // re-insert: Map order is the eviction order
    this.sessions.set(id, session);
    return session;
  }

  get size(): number {
    return this.sessions.size;
  }

  private expire(): void {
    const cutoff = this.now() - this.ttlMs;
    for (const [id, s] of this.sessions) {
      if (s.lastUsed >= cutoff) break;
      this.sessions.delete(id);
    }
  }
}
