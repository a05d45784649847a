import type { Person } from '../intake/draft';

/** Liaison itself, as the actor of what it does on its own (posting waiting requests, closing resolved ones). */
export const LIAISON: Person = { aadObjectId: 'liaison', name: 'Liaison' };
