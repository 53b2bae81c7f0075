// The agents connected to this coordinator process (other coordinators hold the rest).
import type { WebSocket } from "ws";
import { CoordinatorToAgent, encode } from "@tideline/protocol";

export interface AgentConnection {
  agentId: string;
  name: string;
  socket: WebSocket;
  connectedAt: Date;
  send: <K extends keyof typeof CoordinatorToAgent & string>(type: K, payload: unknown, replyTo?: string) => boolean;
}

export function makeSender(socket: WebSocket): AgentConnection["send"] {
  return (type, payload, replyTo) => {
    if (socket.readyState !== socket.OPEN) return false;
    socket.send(encode(CoordinatorToAgent, type, payload as never, replyTo));
    return true;
  };
}

export class AgentRegistry {
  private readonly byId = new Map<string, AgentConnection>();

  add(conn: AgentConnection): AgentConnection | undefined {
    const previous = this.byId.get(conn.agentId);
    this.byId.set(conn.agentId, conn);
    return previous;
  }

  remove(conn: AgentConnection): boolean {
    if (this.byId.get(conn.agentId) !== conn) return false;
    this.byId.delete(conn.agentId);
    return true;
  }

  get(agentId: string): AgentConnection | undefined {
    return this.byId.get(agentId);
  }

  ids(): string[] {
    return [...this.byId.keys()];
  }

  get size(): number {
    return this.byId.size;
  }
}
