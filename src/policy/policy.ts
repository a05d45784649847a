import { DEFAULT_CATALOGUE, type Service } from '../catalogue';
import { DEFAULT_PRAISE, type PraiseSettings } from '../praise/praise';

/** How far something reaches (impact) or how pressing it is (urgency). */
export type Level = 'low' | 'medium' | 'high';

/** P1 to P4 come from the impact x urgency matrix; P5 Planning is outside it. */
export type Priority = 'P1' | 'P2' | 'P3' | 'P4' | 'P5';
export type MatrixPriority = Exclude<Priority, 'P5'>;

/**
 * A service-level target. Minutes and hours run on the wall clock; business hours and days count only
 * the library's opening hours.
 */
export interface Duration {
  amount: number;
  unit: 'minutes' | 'hours' | 'businessHours' | 'businessDays';
}

export interface ServiceLevel {
  response: Duration;
  /** P5 Planning is resolved by the date agreed with the requester. */
  resolution: Duration | 'agreedDate';
}

export type Weekday = 'mon' | 'tue' | 'wed' | 'thu' | 'fri' | 'sat' | 'sun';

/** Opening hours of one day, "HH:mm" in the library's time zone; null when closed. */
export interface OpeningHours {
  open: string;
  close: string;
}

/** The plain words shown next to each level (domain.md: every level's meaning in plain words). */
export interface Wording {
  impact: Record<Level, string>;
  urgency: Record<Level, string>;
}

/** How IT ranks requests and what it promises for each rank. Configurable; defaults from domain.md. */
export interface Policy {
  catalogue: readonly Service[];
  /** Branches or locations a technician can choose from; empty means a free-text "where" field. */
  branches: readonly string[];
  /** matrix[impact][urgency] */
  matrix: Record<Level, Record<Level, MatrixPriority>>;
  priorityNames: Record<Priority, string>;
  /** Patrons affected from which the risk rule raises impact one level. */
  manyPatrons: number;
  /** A deadline within this many days makes a request at least medium urgency. */
  deadlineNearDays: number;
  /** A resolved request closes by itself after this many days unless its requester reopens it. */
  autoCloseDays: number;
  wording: Wording;
  serviceLevels: Record<Priority, ServiceLevel>;
  openingHours: Record<Weekday, OpeningHours | null>;
  /** Days the library is closed, as YYYY-MM-DD in the library's time zone. */
  holidays: readonly string[];
  /** Badges, the prompt cap and the weekly thanks post's schedule. */
  praise: PraiseSettings;
}

const weekday: OpeningHours = { open: '09:00', close: '17:00' };

export const DEFAULT_POLICY: Policy = {
  catalogue: DEFAULT_CATALOGUE,
  branches: [],
  matrix: {
    high: { high: 'P1', medium: 'P2', low: 'P3' },
    medium: { high: 'P2', medium: 'P3', low: 'P4' },
    low: { high: 'P3', medium: 'P4', low: 'P4' },
  },
  priorityNames: { P1: 'Critical', P2: 'High', P3: 'Moderate', P4: 'Low', P5: 'Planning' },
  manyPatrons: 100,
  deadlineNearDays: 3,
  autoCloseDays: 7,
  wording: {
    impact: {
      high: 'The whole library: every branch, or all patrons',
      medium: 'One branch, one team or one service',
      low: 'One person or one workstation',
    },
    urgency: {
      high: 'A service to patrons or staff work has stopped, with no workaround',
      medium: 'There is a workaround, or a deadline is near',
      low: 'An inconvenience: nothing has stopped',
    },
  },
  serviceLevels: {
    P1: { response: { amount: 30, unit: 'minutes' }, resolution: { amount: 4, unit: 'hours' } },
    P2: { response: { amount: 1, unit: 'hours' }, resolution: { amount: 8, unit: 'businessHours' } },
    P3: { response: { amount: 4, unit: 'businessHours' }, resolution: { amount: 3, unit: 'businessDays' } },
    P4: { response: { amount: 1, unit: 'businessDays' }, resolution: { amount: 5, unit: 'businessDays' } },
    P5: { response: { amount: 2, unit: 'businessDays' }, resolution: 'agreedDate' },
  },
  openingHours: { mon: weekday, tue: weekday, wed: weekday, thu: weekday, fri: weekday, sat: null, sun: null },
  holidays: [],
  praise: DEFAULT_PRAISE,
};
