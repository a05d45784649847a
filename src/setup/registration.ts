import type { Service } from '../catalogue';
import { joinNames } from '../lib/words';

/** What a team channel is registered for. `services` empty means every service. */
export interface ChannelRegistration {
  /** The organisation; requests of a tenant go only to its own channels. */
  tenantId: string;
  teamId: string;
  channelId: string;
  channelName: string;
  itRequests: boolean;
  services: string[];
  praisePosts: boolean;
  updatedBy: { aadObjectId: string; name: string };
  updatedAt: Date;
  /** Since when Liaison cannot post there (removed from the team, say); saving the setup again clears it. */
  unreachableSince?: Date;
  /** Since when it has had the weekly thanks post without a break (kept when the setup is saved again). */
  praiseSince?: Date;
}

export interface RegistrationChoice {
  itRequests: boolean;
  services: string[];
  praisePosts: boolean;
}

export type Result<T> = { ok: true; value: T } | { ok: false; reason: string };

/** Checks the choices made on the setup card against the catalogue. */
export function validateChoice(choice: RegistrationChoice, catalogue: readonly Service[]): Result<RegistrationChoice> {
  const known = new Set(catalogue.map((s) => s.id));
  const unknown = choice.services.filter((id) => !known.has(id));
  if (unknown.length > 0) return { ok: false, reason: 'Some of the chosen services are not in the catalogue. Please choose again from the list.' };
  if (!choice.itRequests && choice.services.length > 0) {
    return { ok: false, reason: 'Services only apply to IT requests. Turn on IT requests, or clear the services.' };
  }
  return { ok: true, value: { ...choice, services: [...new Set(choice.services)] } };
}

/** Whether a person may change channel registrations: the admins, or anyone in the team when there are none. */
export function maySetUp(aadObjectId: string | undefined, admins: readonly string[]): boolean {
  if (admins.length === 0) return true;
  return aadObjectId !== undefined && admins.includes(aadObjectId.toLowerCase());
}

/** "IT requests for all services", "IT requests about Printing; Wi-Fi only and the weekly thanks post", "nothing yet". */
export function describeRegistration(r: RegistrationChoice, catalogue: readonly Service[]): string {
  const parts: string[] = [];
  if (r.itRequests) {
    const names = r.services.map((id) => catalogue.find((s) => s.id === id)?.name ?? id);
    parts.push(names.length === 0 ? 'IT requests for all services' : `IT requests about ${names.join('; ')} only`);
  }
  if (r.praisePosts) parts.push('the weekly thanks post');
  return parts.length === 0 ? 'nothing yet' : joinNames(parts);
}

/**
 * The channel a request about `service` goes to: one registered for that service, else one taking every
 * service; never one Liaison cannot post to. Several candidates: the one whose setup was saved first.
 */
export function routeFor(service: string, registrations: readonly ChannelRegistration[]): ChannelRegistration | undefined {
  const it = registrations.filter((r) => r.itRequests && r.unreachableSince === undefined).sort((a, b) => a.updatedAt.getTime() - b.updatedAt.getTime() || a.channelId.localeCompare(b.channelId));
  return it.find((r) => r.services.includes(service)) ?? it.find((r) => r.services.length === 0);
}
